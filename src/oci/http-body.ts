/** Reading registry response bodies: capped reads, dropping bodies, pagination links. */
import type { HttpResponse } from './http.js';
import { OciError } from './errors.js';
import { header } from './transport.js';

/** The target of a `Link: <url>; rel="next"` header. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

export async function readCapped(res: HttpResponse, max: number, what: string): Promise<Buffer> {
  const announced = Number(header(res, 'content-length'));
  if (Number.isFinite(announced) && announced > max) {
    discard(res);
    throw new OciError('MANIFEST_TOO_LARGE', `${what} is ${announced} bytes, over the ${max}-byte cap`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body) {
    n += (chunk as Buffer).length;
    if (n > max) {
      discard(res);
      throw new OciError('MANIFEST_TOO_LARGE', `${what} is over the ${max}-byte cap`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Drop a response body we will not read (destroying without a listener would raise an unhandled AbortError). */
export function discard(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}
