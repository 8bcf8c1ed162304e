/**
 * TLS for the OCI client: trusting a private CA bundle (`ca`, what `--ca-file` and a Flux
 * `certSecretRef`'s `ca.crt` give), presenting a client certificate (mutual TLS, a
 * `certSecretRef`'s `tls.crt`/`tls.key`), and turning Node's certificate errors and the
 * registry's TLS alerts into one clear OciError('TLS') that says what failed and how to fix it.
 */
import { OciError } from './errors.js';

/** PEM text (one or more certificates) or a list of them. */
export type CaBundle = string | Buffer | (string | Buffer)[];

/** A client certificate for mutual TLS: the leaf (PEM, optionally followed by intermediates) and its private key (PEM). */
export interface ClientCertificate {
  cert: string | Buffer;
  key: string | Buffer;
}

/** What the client brought to the handshake (the advice depends on it). */
export interface TlsContext {
  hasCa: boolean;
  hasClientCert: boolean;
}

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

/**
 * TLS alerts a registry that wants mutual TLS sends. Over TLS 1.3 they arrive after the
 * client's handshake is done, as an error on the socket, which node:http hands to the request.
 */
const CLIENT_CERT_ALERTS: Record<string, string> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'certificate required',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'handshake failure',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'unknown certificate authority',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'bad certificate',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'unsupported certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'certificate expired',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'decrypt error',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'access denied',
};

/** True for a TLS alert from the server about the client's certificate (or its absence). */
export function isClientCertAlert(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code !== undefined && code in CLIENT_CERT_ALERTS;
}

function clientCertError(err: unknown, registry: string, what: string, hasClientCert: boolean): OciError | undefined {
  const code = (err as { code?: string }).code ?? '';
  const alert = CLIENT_CERT_ALERTS[code];
  if (!alert) return undefined;
  const problem = hasClientCert
    ? `the registry refused the client certificate (TLS alert: ${alert}) — is it signed by a CA the registry trusts, and not expired?`
    : code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'
      ? `the registry requires a client certificate (mutual TLS, TLS alert: ${alert}) and none was given — a certSecretRef Secret with tls.crt and tls.key for Flux`
      : `TLS handshake refused by the registry (TLS alert: ${alert}): it may require a client certificate (mutual TLS) — a certSecretRef Secret with tls.crt and tls.key for Flux`;
  return new OciError('TLS', `${registry}: ${what}: tls: ${problem} [${code}]`, { cause: err });
}

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
 * The context says whether a CA bundle and a client certificate were given (the advice differs).
 */
export function tlsError(err: unknown, registry: string, what: string, { hasCa, hasClientCert }: TlsContext): OciError | undefined {
  const refused = clientCertError(err, registry, what, hasClientCert);
  if (refused) return refused;
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
