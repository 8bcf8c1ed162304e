/**
 * Semantic versions and constraints as Flux resolves `OCIRepository.spec.ref.semver`:
 * a port of Masterminds/semver v3.4 (constraints.go, version.go), which source-controller
 * uses, plus fluxcd/pkg `version.ParseVersion` (strict semver, optional leading "v").
 * Kept faithful on purpose, quirks included: `1.2` in a constraint means `1.2.x` for `~`/`=`,
 * a prerelease tag only matches when its OR-group names a prerelease, ranges `1 - 2` become
 * `>= 1, <= 2`, and `,` or whitespace means AND, `||` means OR.
 */
export interface SemVersion {
  major: number;
  minor: number;
  patch: number;
  pre: string;
  metadata: string;
  /** The text it was parsed from (source-controller tags with this, `v` prefix and all). */
  original: string;
}

const NUM = /^[0-9]+$/;
const ALLOWED = /^[0-9A-Za-z-]+$/;

function validPrerelease(p: string): boolean {
  return p.split('.').every((part) => part !== '' && (NUM.test(part) ? !(part.length > 1 && part[0] === '0') : ALLOWED.test(part)));
}

/** Masterminds StrictNewVersion: exactly MAJOR.MINOR.PATCH[-pre][+meta], no leading zeros, no "v". */
export function strictVersion(v: string): SemVersion | undefined {
  if (!v) return undefined;
  const parts = v.split('.');
  if (parts.length < 3) return undefined;
  const rest = parts.slice(2).join('.');
  let patch = rest;
  let metadata = '';
  let pre = '';
  const plus = patch.indexOf('+');
  if (plus >= 0) {
    metadata = patch.slice(plus + 1);
    patch = patch.slice(0, plus);
    if (!metadata.split('.').every((m) => ALLOWED.test(m))) return undefined;
  }
  const dash = patch.indexOf('-');
  if (dash >= 0) {
    pre = patch.slice(dash + 1);
    patch = patch.slice(0, dash);
    if (!validPrerelease(pre)) return undefined;
  }
  const nums = [parts[0]!, parts[1]!, patch];
  if (!nums.every((p) => NUM.test(p) && !(p.length > 1 && p[0] === '0'))) return undefined;
  return { major: Number(nums[0]), minor: Number(nums[1]), patch: Number(nums[2]), pre, metadata, original: v };
}

/** fluxcd/pkg version.ParseVersion: StrictNewVersion, but a leading "v" is allowed (and kept in `original`). */
export function parseTagVersion(tag: string): SemVersion | undefined {
  const s = strictVersion(tag.startsWith('v') ? tag.slice(1) : tag);
  return s ? { ...s, original: tag } : undefined;
}

function compareNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const sn = NUM.test(s);
  const on = NUM.test(o);
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return Number(s) > Number(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const a = v.split('.');
  const b = o.split('.');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = comparePrePart(a[i] ?? '', b[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Semver precedence (build metadata ignored). */
export function compareVersions(v: SemVersion, o: SemVersion): number {
  const d = compareNum(v.major, o.major) || compareNum(v.minor, o.minor) || compareNum(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  return comparePrerelease(v.pre, o.pre);
}

// ---- constraints ----

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const constraintRe = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const rangeRe = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');
const findRe = new RegExp(String.raw`(${OPS})\s*(${CV})`, 'g');
const validRe = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

interface Constraint {
  con: SemVersion;
  orig: string;
  op: string;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

export interface SemverConstraints {
  groups: Constraint[][];
  containsPre: boolean[];
  text: string;
}

const isX = (s: string | undefined) => s === 'x' || s === 'X' || s === '*';

function looseVersion(v: string): SemVersion {
  const m = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*))?(?:\+([0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*))?$/.exec(v);
  if (!m) throw new Error('constraint parser error');
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre: m[4] ?? '', metadata: m[5] ?? '', original: v };
}

function parseConstraint(c: string): Constraint {
  const m = constraintRe.exec(c);
  if (!m) throw new Error(`improper constraint: ${c}`);
  const [, op = '', orig = '', major = '', minorPart = '', patchPart = '', preWithDash = ''] = m;
  let ver = orig;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major) || major === '') {
    ver = `0.0.0${preWithDash}`;
    dirty = true;
  } else if (isX(minorPart.replace(/^\./, '')) || minorPart === '') {
    minorDirty = dirty = true;
    ver = `${major}.0.0${preWithDash}`;
  } else if (isX(patchPart.replace(/^\./, '')) || patchPart === '') {
    patchDirty = dirty = true;
    ver = `${major}${minorPart}.0${preWithDash}`;
  }
  return { con: looseVersion(ver), orig, op, dirty, minorDirty, patchDirty };
}

/** Masterminds NewConstraint. Throws `improper constraint: …` like it. */
export function parseConstraints(text: string): SemverConstraints {
  let c = text;
  for (const m of text.matchAll(rangeRe)) c = c.replace(m[0], `>= ${m[1]}, <= ${m[11]} `);
  const groups: Constraint[][] = [];
  const containsPre: boolean[] = [];
  for (const or of c.split('||')) {
    if (!validRe.test(or)) throw new Error(`improper constraint: ${or}`);
    const found = [...or.matchAll(findRe)].map((m) => m[0]);
    const parsed = (found.length > 0 ? found : [or]).map(parseConstraint);
    groups.push(parsed);
    containsPre.push(parsed.some((p) => p.con.pre !== ''));
  }
  return { groups, containsPre, text };
}

function tilde(v: SemVersion, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0 && c.con.minor === 0 && c.con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return !(v.minor !== c.con.minor && !c.minorDirty);
}

function caret(v: SemVersion, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major > 0 || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0 && v.major > 0) return false;
  if (c.con.minor > 0 || c.patchDirty) return v.minor === c.con.minor;
  if (c.con.minor === 0 && v.minor > 0) return false;
  return c.con.patch === v.patch;
}

function notEqual(v: SemVersion, c: Constraint): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.pre !== '' || c.con.pre !== '') && comparePrerelease(v.pre, c.con.pre) !== 0;
  }
  return compareVersions(v, c.con) !== 0;
}

function greaterThan(v: SemVersion, c: Constraint): boolean {
  if (!c.dirty) return compareVersions(v, c.con) === 1;
  if (v.major > c.con.major) return true;
  if (v.major < c.con.major || c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return compareVersions(v, c.con) === 1;
}

function lessThanEqual(v: SemVersion, c: Constraint): boolean {
  if (!c.dirty) return compareVersions(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function check(v: SemVersion, c: Constraint, includePre: boolean): boolean {
  if (v.pre !== '' && !includePre) return false;
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareVersions(v, c.con) === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      return greaterThan(v, c);
    case '<':
      return compareVersions(v, c.con) < 0;
    case '>=':
    case '=>':
      return compareVersions(v, c.con) >= 0;
    case '<=':
    case '=<':
      return lessThanEqual(v, c);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c);
    default:
      return false;
  }
}

export function satisfies(v: SemVersion, cs: SemverConstraints): boolean {
  return cs.groups.some((group, i) => group.every((c) => check(v, c, cs.containsPre[i]!)));
}

/**
 * source-controller's getTagBySemver: tags filtered by `semverFilter` (a Go regexp; JS syntax
 * is close enough for the patterns people write), parsed with ParseVersion, checked against
 * the range, highest wins; the tag is returned as written.
 */
export function latestMatchingTag(tags: string[], range: string, filter?: string): string {
  let valid = tags;
  if (filter) {
    let re: RegExp;
    try {
      re = new RegExp(filter);
    } catch (err) {
      throw new Error(`error parsing regexp: ${(err as Error).message}`);
    }
    valid = tags.filter((t) => re.test(t));
  }
  let cs: SemverConstraints;
  try {
    cs = parseConstraints(range);
  } catch (err) {
    throw new Error(`semver '${range}' parse error: ${(err as Error).message}`);
  }
  const matching = valid.map(parseTagVersion).filter((v): v is SemVersion => !!v && satisfies(v, cs));
  if (matching.length === 0) throw new Error(`no match found for semver: ${range}`);
  matching.sort((a, b) => compareVersions(b, a));
  return matching[0]!.original;
}
