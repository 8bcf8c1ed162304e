/**
 * The one tar entry encoder of ocilab (Flux artifacts in artifact.ts, Helm charts in
 * helm/package.ts): a ustar header by node-tar's Header class, preceded by a PAX extended
 * header when a field does not fit ustar (a long name, say), and the padding after a body.
 * uid/gid 0 and empty uname/gname, as Flux's and Helm's writers set them.
 */
import { Header } from 'tar/header';
import { Pax } from 'tar/pax';

export interface TarHeaderFields {
  path: string;
  type: 'File' | 'Directory';
  mode: number;
  /** Body size (0 for a directory). */
  size: number;
  mtime: Date;
}

/** The header block(s) of one entry: 512 bytes, or a PAX header and then 512 bytes. */
export function tarHeader(fields: TarHeaderFields): Buffer {
  const data = { ...fields, uid: 0, gid: 0, uname: '', gname: '' };
  const block = Buffer.alloc(512);
  const needPax = new Header(data).encode(block);
  return needPax ? Buffer.concat([new Pax({ ...data, atime: undefined, ctime: undefined }).encode(), block]) : block;
}

/** The zeros that fill a body of `size` bytes up to the next 512-byte block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(1024);
}
