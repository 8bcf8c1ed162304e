/**
 * One error type for everything the OCI layer refuses or fails at. `code` lets callers and
 * tests tell cases apart without matching on text; the message says what and where.
 */
export type OciErrorCode =
  | 'INVALID_REFERENCE'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'MANIFEST_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'TLS'
  | 'REGISTRY_ERROR'
  | 'PROTOCOL'
  | 'CREDENTIALS'
  | 'UNSAFE_ARCHIVE'
  | 'ARCHIVE_LIMIT'
  /** --output of a pull is unusable or protected (exit 2 in the CLI). */
  | 'BAD_OUTPUT'
  | 'ABORTED';

export class OciError extends Error {
  readonly code: OciErrorCode;
  /** HTTP status when the registry answered. */
  readonly status?: number;

  constructor(code: OciErrorCode, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OciError';
    this.code = code;
    this.status = opts.status;
  }
}

export function isOciError(err: unknown, code?: OciErrorCode): err is OciError {
  return err instanceof OciError && (code === undefined || err.code === code);
}
