/**
 * Distribution-spec error codes and the JSON error body every failing endpoint returns:
 * `{"errors":[{"code","message","detail"}]}` (spec "Error Codes").
 */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID';

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
    readonly detail?: unknown,
    /** Extra response headers, e.g. Content-Range on a 416. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  body(): string {
    const entry: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.detail !== undefined) entry.detail = this.detail;
    return JSON.stringify({ errors: [entry] });
  }
}

export const blobUnknown = (digest: string) =>
  new RegistryError(404, 'BLOB_UNKNOWN', `blob ${digest} is not known to this repository`, { digest });
export const uploadUnknown = (id: string) =>
  new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `upload ${id} is not in progress (finished, cancelled or never started)`, { id });
export const manifestUnknown = (reference: string) =>
  new RegistryError(404, 'MANIFEST_UNKNOWN', `manifest ${reference} is not known to this repository`, { reference });
export const nameUnknown = (name: string) =>
  new RegistryError(404, 'NAME_UNKNOWN', `repository ${name} is not known to this registry`, { name });
