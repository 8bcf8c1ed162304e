/**
 * TLS for the OCI client: trusting a private CA bundle (`ca`, what `--ca-file` and a Flux
 * `certSecretRef`'s `ca.crt` give) and turning Node's certificate errors into one clear
 * OciError('TLS') that says what failed and how to fix it.
 */
import { OciError } from './errors.js';

/** PEM text (one or more certificates) or a list of them. */
export type CaBundle = string | Buffer | (string | Buffer)[];

/** Node / OpenSSL verification codes, and what they mean for a learner. */
const CERT_PROBLEMS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate signed by unknown authority (a self-signed CA that is not trusted)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed and not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate signed by unknown authority',
  CERT_SIGNATURE_FAILURE: 'certificate signature does not verify',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is not valid for this host name',
  EPROTO: 'TLS handshake failed (is the registry speaking plain HTTP? use --insecure-registry)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is the registry speaking plain HTTP? use --insecure-registry)',
};

function codeOf(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 3 && e; i++) {
    const code = (e as { code?: string }).code;
    if (code && code in CERT_PROBLEMS) return code;
    const msg = String((e as Error).message ?? '');
    if (/wrong version number/i.test(msg)) return 'ERR_SSL_WRONG_VERSION_NUMBER';
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

/**
 * An OciError('TLS') for a certificate / handshake failure, or undefined for other errors.
 * `hasCa` says whether a CA bundle was given (the advice differs).
 */
export function tlsError(err: unknown, registry: string, what: string, hasCa: boolean): OciError | undefined {
  const code = codeOf(err);
  if (!code) return undefined;
  const problem = CERT_PROBLEMS[code]!;
  const advice = code.startsWith('ERR_SSL') || code === 'EPROTO'
    ? ''
    : hasCa
      ? ' — the CA bundle given (--ca-file / ca.crt) did not sign this certificate: is it the registry\'s CA?'
      : ' — trust its CA with --ca-file <ca.crt> (a certSecretRef Secret with ca.crt for Flux)';
  return new OciError('TLS', `${registry}: ${what}: tls: failed to verify certificate: x509: ${problem} [${code}]${advice}`, { cause: err });
}
