/** Raw tar archives for tests, hostile ones included, encoded with node-tar's Header class. */
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  body?: string | Buffer;
  /** Size claimed in the header (defaults to body length). */
  size?: number;
  linkpath?: string;
  mode?: number;
}

export function rawTar(entries: RawEntry[], opts: { gzip?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.isBuffer(e.body) ? e.body : Buffer.from(e.body ?? '');
    const type = e.type ?? 'File';
    const header = new Header({
      path: e.path,
      type,
      size: e.size ?? (type === 'File' ? body.length : 0),
      mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      linkpath: e.linkpath,
      uid: 0,
      gid: 0,
      mtime: new Date(0),
    });
    const block = Buffer.alloc(512);
    header.encode(block);
    blocks.push(block);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return opts.gzip === false ? tar : gzipSync(tar);
}
