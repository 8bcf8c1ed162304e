import { describe, expect, it } from 'vitest';
import { latestMatchingTag, parseConstraints, parseTagVersion, satisfies } from '../../src/reconcile/semver.js';

// Expectations follow Masterminds/semver v3.4 (the library source-controller uses) and
// fluxcd/pkg version.ParseVersion, read in their source; see src/reconcile/semver.ts.
const ok = (v: string, c: string) => satisfies(parseTagVersion(v)!, parseConstraints(c));

describe('ParseVersion (fluxcd/pkg/version): strict semver, optional v', () => {
  it.each([
    ['1.2.3', true], ['v1.2.3', true], ['1.2.3-rc.1', true], ['1.2.3+build.5', true],
    ['1.2', false], ['latest', false], ['01.2.3', false], ['1.2.3-01', false], ['vv1.2.3', false], ['1.2.3.4', false], ['', false],
  ])('%s → %s', (tag, valid) => {
    expect(parseTagVersion(tag) !== undefined).toBe(valid);
  });
});

describe('constraints (Masterminds semantics)', () => {
  it.each([
    ['1.2.3', '>=1.0.0', true],
    ['1.2.3', '>= 1.0.0 < 1.2.3', false],
    ['1.2.2', '>=1.0.0, <1.2.3', true],
    ['2.0.0', '^1.2.0', false],
    ['1.9.9', '^1.2.0', true],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.4.0', '~1', true],
    ['1.4.0', '1.x', true],
    ['2.0.0', '1.x', false],
    ['1.2.0', '1.2', true], // "1.2" means 1.2.x for the "=" operator
    ['1.2.7', '1.2', true],
    ['5.0.0', '*', true],
    ['1.5.0', '1.0.0 - 2.0.0', true],
    ['2.0.1', '1.0.0 - 2.0.0', false],
    ['3.1.0', '<2.0.0 || >=3.0.0', true],
    ['2.5.0', '<2.0.0 || >=3.0.0', false],
    ['1.2.3', '!=1.2.3', false],
    ['1.2.4', '!=1.2.3', true],
    ['1.3.0', '>1.2', true],
    ['1.2.9', '>1.2', false], // ">1.2" means above the whole 1.2.x line
    ['1.2.9', '<=1.2', true],
    // prereleases only when the constraint group names one
    ['1.3.0-rc.1', '>=1.0.0', false],
    ['1.3.0-rc.1', '>=1.3.0-0', true],
    ['1.3.0-rc.2', '>=1.3.0-rc.10', false], // numeric identifiers compare as numbers
  ])('%s satisfies %s: %s', (v, c, want) => {
    expect(ok(v, c)).toBe(want);
  });

  it('refuses improper constraints with Masterminds\'s words', () => {
    expect(() => parseConstraints('>=1.0.0 <<2')).toThrow(/improper constraint/);
    expect(() => parseConstraints('latest')).toThrow(/improper constraint/);
  });
});

describe('getTagBySemver', () => {
  const tags = ['latest', 'staging', '1.0.0', 'v1.1.0', '1.2.0-rc.1', '1.10.0', '2.0.0', '1.9.0-staging', 'sha256-abc.sig'];

  it('picks the highest match and returns the tag as written (v prefix kept)', () => {
    expect(latestMatchingTag(tags, '>=1.0.0 <2.0.0')).toBe('1.10.0');
    expect(latestMatchingTag(tags, '~1.1')).toBe('v1.1.0');
    expect(latestMatchingTag(tags, '*')).toBe('2.0.0');
    expect(latestMatchingTag(tags, '>=1.2.0-0 <1.3.0')).toBe('1.2.0-rc.1');
  });

  it('applies semverFilter before the range', () => {
    expect(latestMatchingTag(tags, '>=1.0.0-0', '.*-staging$')).toBe('1.9.0-staging');
    expect(latestMatchingTag(tags, '>=1.0.0', '^v')).toBe('v1.1.0');
  });

  it('fails like source-controller when nothing matches or the range is bad', () => {
    expect(() => latestMatchingTag(tags, '>=3.0.0')).toThrow('no match found for semver: >=3.0.0');
    expect(() => latestMatchingTag(tags, 'nope')).toThrow(/^semver 'nope' parse error: improper constraint/);
    expect(() => latestMatchingTag(tags, '*', '(')).toThrow(/error parsing regexp/);
  });
});
