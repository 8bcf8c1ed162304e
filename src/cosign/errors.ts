/**
 * One error type for the cosign area. `code` is stable (tests and the UI branch on it);
 * `message` says what, where and what did not match, and never carries key material or
 * passwords: callers build it from file names, digests and references only.
 */
export type CosignErrorCode =
  | 'KEY_FILE_UNREADABLE'
  | 'KEY_FILE_MALFORMED'
  | 'KEY_FILE_TRUNCATED'
  | 'KEY_UNSUPPORTED'
  | 'WRONG_PASSWORD'
  | 'PASSWORD_UNAVAILABLE'
  | 'KEY_FILE_EXISTS'
  | 'PAYLOAD_MALFORMED'
  | 'SIGNATURE_MALFORMED'
  | 'BUNDLE_MALFORMED'
  | 'REGISTRY'
  | 'COSIGN_CLI';

export class CosignError extends Error {
  readonly code: CosignErrorCode;

  constructor(code: CosignErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CosignError';
    this.code = code;
  }
}

export function isCosignError(err: unknown, code?: CosignErrorCode): err is CosignError {
  return err instanceof CosignError && (code === undefined || err.code === code);
}
