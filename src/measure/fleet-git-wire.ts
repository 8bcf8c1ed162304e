/**
 * The smart-HTTP bytes a simulated source-controller sends and reads, as go-git does it
 * (go-git v5.19.1, the version source-controller pins: protocol v0/v1 only; fluxcd/pkg git/gogit: `getRemoteHEAD` → `remote.ListContext` for the
 * no-change check, `CloneContext` with Depth 1, single branch, no tags on a change):
 * - check: `GET <repo>/info/refs?service=git-upload-pack` without a `Git-Protocol` header, so
 *   `git http-backend` answers the full v0 ref advertisement (pkt-lines);
 * - fetch: the advertisement again (a clone starts with its own), then one
 *   `POST <repo>/git-upload-pack` with `want`, `deepen 1`, flush, `done`; the answer is the
 *   shallow list, `NAK`, and the pack on side-band 1, whose SHA-1 trailer is checked here.
 */
import { createHash } from 'node:crypto';

export const UPLOAD_PACK_ADVERTISEMENT = 'application/x-git-upload-pack-advertisement';
export const UPLOAD_PACK_REQUEST = 'application/x-git-upload-pack-request';
export const UPLOAD_PACK_RESULT = 'application/x-git-upload-pack-result';

/** The path and headers of go-git's ref advertisement request: no `Git-Protocol`, so v0. */
export function refAdvertisementRequest(repoPath: string): { path: string; headers: Record<string, string> } {
  return {
    path: `${repoPath.replace(/\/$/, '')}/info/refs?service=git-upload-pack`,
    headers: { accept: '*/*', 'user-agent': 'ocilab-fleet (go-git-like, protocol v0)' },
  };
}

/** Split pkt-lines: payloads as Buffers, a flush-pkt ("0000") as null. */
export function parsePktLines(buf: Buffer): (Buffer | null)[] {
  const out: (Buffer | null)[] = [];
  let i = 0;
  while (i < buf.length) {
    if (i + 4 > buf.length) throw new Error(`pkt-line: ${buf.length - i} stray bytes at the end`);
    const hex = buf.toString('latin1', i, i + 4);
    if (!/^[0-9a-f]{4}$/i.test(hex)) throw new Error(`pkt-line: bad length "${hex}" at byte ${i}`);
    const len = parseInt(hex, 16);
    if (len === 0) {
      out.push(null);
      i += 4;
      continue;
    }
    if (len < 4) throw new Error(`pkt-line: length ${len} (a protocol v2 delimiter?) at byte ${i}`);
    if (i + len > buf.length) throw new Error(`pkt-line: ${len} bytes announced at byte ${i}, ${buf.length - i} left`);
    out.push(buf.subarray(i + 4, i + len));
    i += len;
  }
  return out;
}

export function pktLine(text: string): string {
  const len = Buffer.byteLength(text) + 4;
  return len.toString(16).padStart(4, '0') + text;
}

export interface RefAdvertisement {
  /** ref name → object id (hex). */
  refs: Map<string, string>;
  capabilities: string[];
}

/**
 * Parse a v0 smart-HTTP ref advertisement: `# service=git-upload-pack`, flush, then
 * `<oid> <ref>\0<capabilities>` and `<oid> <ref>` lines, flush. A v2 answer ("version 2")
 * is refused: go-git never asks for it.
 */
export function parseRefAdvertisement(body: Buffer): RefAdvertisement {
  const lines = parsePktLines(body);
  const first = lines[0];
  if (!first || first.toString('utf8').trimEnd() !== '# service=git-upload-pack') {
    throw new Error('not a smart-HTTP upload-pack advertisement (no "# service=git-upload-pack" line)');
  }
  if (lines[1] !== null) throw new Error('advertisement: no flush after the service line');
  const refs = new Map<string, string>();
  let capabilities: string[] = [];
  for (let k = 2; k < lines.length; k++) {
    const line = lines[k];
    if (line === null || line === undefined) break;
    const text = line.toString('utf8').replace(/\n$/, '');
    if (k === 2 && text.startsWith('version 2')) throw new Error('the server answered protocol v2, which go-git does not speak');
    const nul = text.indexOf('\0');
    const refPart = nul >= 0 ? text.slice(0, nul) : text;
    if (nul >= 0) capabilities = text.slice(nul + 1).split(' ').filter(Boolean);
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (.+)$/.exec(refPart);
    if (!m) throw new Error(`advertisement: unexpected line "${refPart.slice(0, 80)}"`);
    if (m[2] !== 'capabilities^{}') refs.set(m[2]!, m[1]!);
  }
  return { refs, capabilities };
}

/**
 * The body of go-git's upload-pack request for a depth-1 clone of one commit: the wants with
 * capabilities on the first line, `deepen 1`, flush, `done` (no haves: nothing local yet).
 */
export function shallowUploadPackRequest(want: string, serverCaps: readonly string[]): string {
  const wanted = ['side-band-64k', 'ofs-delta', 'shallow', 'no-progress'].filter((c) => serverCaps.includes(c));
  if (!wanted.includes('shallow')) throw new Error('the server does not offer "shallow": a depth-1 fetch is not possible');
  return pktLine(`want ${want} ${[...wanted, 'agent=ocilab-fleet'].join(' ')}\n`) + pktLine('deepen 1\n') + '0000' + pktLine('done\n');
}

export interface PackResult {
  /** Objects in the pack (from its header). */
  objects: number;
  packBytes: number;
  shallow: string[];
}

/**
 * Read an upload-pack answer to `shallowUploadPackRequest`: shallow lines, flush, `NAK`, then the
 * pack on side-band 1 (band 2 progress is ignored, band 3 is an error); the pack's header and
 * SHA-1 trailer are verified.
 */
export function readShallowPackResponse(body: Buffer): PackResult {
  const lines = parsePktLines(body);
  const shallow: string[] = [];
  let k = 0;
  for (; k < lines.length; k++) {
    const l = lines[k];
    if (l === null) {
      k++;
      break;
    }
    const text = l!.toString('utf8').trimEnd();
    if (text.startsWith('shallow ')) shallow.push(text.slice(8));
    else if (text.startsWith('ERR ')) throw new Error(`upload-pack: ${text.slice(4)}`);
    else throw new Error(`upload-pack: expected shallow lines, got "${text.slice(0, 60)}"`);
  }
  const nak = lines[k]?.toString('utf8').trimEnd();
  if (nak !== 'NAK') throw new Error(`upload-pack: expected NAK, got ${nak === undefined ? 'nothing' : `"${nak.slice(0, 60)}"`}`);
  const parts: Buffer[] = [];
  for (k++; k < lines.length; k++) {
    const l = lines[k];
    if (l === null) break;
    const band = l![0];
    if (band === 1) parts.push(l!.subarray(1));
    else if (band === 3) throw new Error(`upload-pack error: ${l!.subarray(1).toString('utf8').trim()}`);
    else if (band !== 2) throw new Error(`upload-pack: unknown side-band ${band}`);
  }
  const pack = Buffer.concat(parts);
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw new Error('upload-pack: no pack in the answer');
  const trailer = pack.subarray(pack.length - 20);
  const sum = createHash('sha1').update(pack.subarray(0, pack.length - 20)).digest();
  if (!sum.equals(trailer)) throw new Error('upload-pack: pack checksum does not match its trailer');
  return { objects: pack.readUInt32BE(8), packBytes: pack.length, shallow };
}
