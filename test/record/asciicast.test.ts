import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CastParseError, formatCast, markersOf, outputBetween, parseCast, type Cast } from '../../src/record/asciicast.js';
import { CastRecorder, stepMarker } from '../../src/record/recorder.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ocilab-cast-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('asciicast v2', () => {
  it('round-trips header and events, keeping unicode and escapes', () => {
    const cast: Cast = {
      header: { version: 2, width: 100, height: 30, timestamp: 1_700_000_000, title: 'Hello', env: { TERM: 'xterm-256color', SHELL: '/bin/bash' } },
      events: [
        { time: 0.1, code: 'm', data: '1. Say hello' },
        { time: 0.123456, code: 'o', data: '\u001b[1m✓ héllo\u001b[0m\r\n' },
        { time: 1.5, code: 'o', data: '"quoted" \\ back' },
        { time: 2, code: 'r', data: '120x40' },
      ],
    };
    const text = formatCast(cast);
    expect(text.split('\n')[0]).toBe('{"version":2,"width":100,"height":30,"timestamp":1700000000,"title":"Hello","env":{"TERM":"xterm-256color","SHELL":"/bin/bash"}}');
    expect(text.split('\n')[1]).toBe('[0.1,"m","1. Say hello"]');
    expect(parseCast(text)).toEqual(cast);
  });

  it.each([
    ['not json', 'hello\n', /:1: not an asciicast file/],
    ['version 3', '{"version":3,"term":{"cols":80,"rows":24}}\n', /version 3 is not supported/],
    ['no size', '{"version":2}\n', /positive integer width and height/],
    ['bad event', '{"version":2,"width":80,"height":24}\n[1,"o"]\n', /:2: an event must be/],
    ['backwards', '{"version":2,"width":80,"height":24}\n[2,"o","a"]\n[1,"o","b"]\n', /:3: time goes backwards/],
    ['broken line', '{"version":2,"width":80,"height":24}\n[1,"o",\n', /:2: an event line is not valid JSON/],
  ])('rejects %s with where and what', (_name, text, msg) => {
    expect(() => parseCast(text, 'x.cast')).toThrow(CastParseError);
    expect(() => parseCast(text, 'x.cast')).toThrow(msg);
  });

  it('skips event codes it does not know (forward compatible)', () => {
    const cast = parseCast('{"version":2,"width":80,"height":24}\n[1,"x","0"]\n[2,"o","a"]\n');
    expect(cast.events).toEqual([{ time: 2, code: 'o', data: 'a' }]);
  });

  it('recorder writes a header, CRLF output and one marker per step with an injected clock, mode 0600', () => {
    const file = join(tmp(), 'run.cast');
    let t = 1_700_000_000_000;
    const rec = new CastRecorder(file, { width: 80, height: 24, title: 'T', env: { TERM: 'xterm' }, now: () => t });
    t += 250;
    rec.marker(stepMarker(0, 'First'));
    rec.output('line one\nline two\r\n');
    t += 1000;
    rec.marker(stepMarker(1, 'Second'));
    t -= 500; // a clock going back never makes time go backwards in the file
    rec.output('two');
    rec.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cast = parseCast(readFileSync(file, 'utf8'));
    expect(cast.header).toEqual({ version: 2, width: 80, height: 24, timestamp: 1_700_000_000, title: 'T', env: { TERM: 'xterm' } });
    expect(markersOf(cast)).toEqual([
      { index: 0, time: 0.25, label: '1. First' },
      { index: 2, time: 1.25, label: '2. Second' },
    ]);
    expect(outputBetween(cast, 0, 1.25)).toBe('line one\r\nline two\r\n');
    expect(outputBetween(cast, 1.25)).toBe('two');
  });
});
