/** Reading registry response bodies: capped reads, dropping bodies, pagination links. */
import { HttpBodyTooLargeError, type HttpResponse } from './http.js';
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

/** The body whole, at most `max` bytes: a longer one (announced or sent) is MANIFEST_TOO_LARGE, not read on. */
export async function readCapped(res: HttpResponse, max: number, what: string): Promise<Buffer> {
  try {
    return await res.body.bytes(max);
  } catch (err) {
    if (!(err instanceof HttpBodyTooLargeError)) throw err;
    const announced = Number(header(res, 'content-length'));
    const is = Number.isFinite(announced) && announced > max ? `is ${announced} bytes, over` : 'is over';
    throw new OciError('MANIFEST_TOO_LARGE', `${what} ${is} the ${max}-byte cap`);
  }
}

/** Drop a response body we will not read (destroying without a listener would raise an unhandled AbortError). */
export function discard(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}
