/**
 * Counts HTTP/1.x requests in a client→server byte stream, for the counting proxy.
 * It follows message framing (Content-Length and chunked bodies) so a body that happens
 * to contain "GET " is not counted. A stream that does not start like HTTP (TLS, Git's own
 * protocol) is marked opaque and counts nothing.
 */
const METHOD = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/1\.[01]$/;

type State =
  | { kind: 'head' }
  | { kind: 'body'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-end' } // CRLF after chunk data
  | { kind: 'trailers' }
  | { kind: 'opaque' };

export class HttpRequestCounter {
  requests = 0;
  private state: State = { kind: 'head' };
  private buf: Buffer = Buffer.alloc(0);

  get opaque(): boolean {
    return this.state.kind === 'opaque' && !this.probe;
  }

  /**
   * The server answered this connection in HTTP/1.x although the client did not speak it:
   * a TLS probe against a plain-HTTP server (skopeo tries HTTPS first). The server saw one
   * (bad) request, so count one and stop treating the connection as unknown.
   */
  serverAnsweredHttp(): void {
    if (this.state.kind !== 'opaque' || this.requests > 0 || this.probe) return;
    this.probe = true;
    this.requests = 1;
  }

  /** True once the connection turned out to be a non-HTTP probe answered by an HTTP server. */
  probe = false;

  push(chunk: Buffer): void {
    if (this.state.kind === 'opaque') return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.step()) {
      // keep consuming
    }
    if (this.buf.length > 256 * 1024 && this.state.kind === 'head') this.state = { kind: 'opaque' };
  }

  private takeLine(): string | null {
    const i = this.buf.indexOf('\r\n');
    if (i < 0) return null;
    const line = this.buf.subarray(0, i).toString('latin1');
    this.buf = this.buf.subarray(i + 2);
    return line;
  }

  /** Advance one state; false when more bytes are needed. */
  private step(): boolean {
    const s = this.state;
    switch (s.kind) {
      case 'opaque':
        return false;
      case 'head': {
        if (this.buf.length >= 8 && !/^[A-Z]+ /.test(this.buf.subarray(0, 8).toString('latin1'))) {
          this.state = { kind: 'opaque' };
          return false;
        }
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) return false;
        const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
        this.buf = this.buf.subarray(end + 4);
        if (!METHOD.test(lines[0] ?? '')) {
          this.state = { kind: 'opaque' };
          return false;
        }
        this.requests++;
        let length = 0;
        let chunked = false;
        for (const h of lines.slice(1)) {
          const [name, ...rest] = h.split(':');
          const value = rest.join(':').trim().toLowerCase();
          if (name?.toLowerCase() === 'content-length') length = Number(value) || 0;
          if (name?.toLowerCase() === 'transfer-encoding' && value.includes('chunked')) chunked = true;
        }
        this.state = chunked ? { kind: 'chunk-size' } : length > 0 ? { kind: 'body', remaining: length } : { kind: 'head' };
        return true;
      }
      case 'body':
      case 'chunk-data': {
        if (this.buf.length === 0) return false;
        const n = Math.min(s.remaining, this.buf.length);
        this.buf = this.buf.subarray(n);
        const remaining = s.remaining - n;
        if (remaining > 0) {
          this.state = { ...s, remaining };
          return false;
        }
        this.state = s.kind === 'body' ? { kind: 'head' } : { kind: 'chunk-end' };
        return true;
      }
      case 'chunk-size': {
        const line = this.takeLine();
        if (line === null) return false;
        const size = parseInt(line.split(';')[0]!.trim(), 16);
        if (Number.isNaN(size)) {
          this.state = { kind: 'opaque' };
          return false;
        }
        this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: size };
        return true;
      }
      case 'chunk-end': {
        const line = this.takeLine();
        if (line === null) return false;
        this.state = { kind: 'chunk-size' };
        return true;
      }
      case 'trailers': {
        const line = this.takeLine();
        if (line === null) return false;
        if (line === '') this.state = { kind: 'head' };
        return true;
      }
    }
  }
}
