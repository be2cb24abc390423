import { checkServerIdentity, type DetailedPeerCertificate } from 'node:tls';
import { KbaWsError } from '../errors.js';
import { type CertificateInfo, describeCertificate, describeKey, keyMeetsMinimum } from './certificates.js';
import type { PinSet } from './pinning.js';
import type { TlsPreset } from './presets.js';

/** What to do with chain certificates signed with RSA PKCS#1 v1.5: report them (default) or refuse. */
export type LegacyChainSignaturePolicy = 'report' | 'refuse';

export interface ServerVerificationPolicy {
  readonly preset: TlsPreset;
  readonly pins: PinSet | undefined;
  readonly legacyChainSignatures: LegacyChainSignaturePolicy;
}

export interface ServerVerification {
  /** Leaf first, up to the trust anchor as far as the TLS stack reports it. */
  readonly chain: readonly CertificateInfo[];
  /** Chain certificates (except the self-signed anchor) signed with RSA PKCS#1 v1.5 or SHA-1. */
  readonly legacySignatures: readonly CertificateInfo[];
  readonly matchedPins: readonly string[];
  /** True when every configured pin matches the chain: no backup pin is left. */
  readonly noBackupPin: boolean;
}

/** Walks Node's detailed peer certificate (leaf → issuer → ... → self-signed root). */
export function peerChain(peer: DetailedPeerCertificate): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw !== undefined && chain.length < 16) {
    const info = describeCertificate(current.raw, 'SERVER_CERTIFICATE_INVALID');
    if (seen.has(info.fingerprintSha256)) break;
    seen.add(info.fingerprintSha256);
    chain.push(info);
    current = current.issuerCertificate;
  }
  return chain;
}

/**
 * Checks beyond OpenSSL's chain validation (which always runs and cannot be switched off): host name, key
 * size of the server certificate per preset, pins, and legacy chain signatures. Returns an error, never
 * throws, because node:tls expects `checkServerIdentity` to return one.
 */
export function verifyServer(
  hostname: string,
  peer: DetailedPeerCertificate,
  policy: ServerVerificationPolicy,
): { error: KbaWsError; chain: readonly CertificateInfo[] } | ServerVerification {
  let chain: CertificateInfo[] = [];
  try {
    chain = peerChain(peer);
    const identityError = checkServerIdentity(hostname, peer);
    if (identityError !== undefined) {
      return {
        error: new KbaWsError(
          'SERVER_HOSTNAME_MISMATCH',
          `The server certificate is not valid for "${hostname}".`,
          { cause: identityError, details: { hostname, subject: chain[0]?.subject } },
        ),
        chain,
      };
    }
    return checkChain(hostname, chain, policy);
  } catch (cause) {
    const error =
      cause instanceof KbaWsError
        ? cause
        : new KbaWsError('SERVER_CERTIFICATE_INVALID', 'The server certificate cannot be checked.', {
            cause,
          });
    return { error, chain };
  }
}

/**
 * The policy checks on an already validated chain: key size, pins and legacy signatures. Used for full
 * handshakes and again for resumed sessions, whose chain is the one recorded when the session was made.
 */
export function checkChain(
  hostname: string,
  chain: readonly CertificateInfo[],
  policy: ServerVerificationPolicy,
): { error: KbaWsError; chain: readonly CertificateInfo[] } | ServerVerification {
  const leaf = chain[0];
  if (leaf === undefined) {
    return { error: new KbaWsError('SERVER_CERTIFICATE_INVALID', 'The server sent no certificate.'), chain };
  }
  if (!keyMeetsMinimum(leaf.key, policy.preset.minimumKeySizes)) {
    return {
      error: new KbaWsError(
        'SERVER_KEY_TOO_WEAK',
        `The server key (${describeKey(leaf.key)}) is below the "${policy.preset.name}" floor.`,
        { details: { subject: leaf.subject, key: describeKey(leaf.key), preset: policy.preset.name } },
      ),
      chain,
    };
  }
  const chainPins = chain.map((certificate) => certificate.spkiPin);
  const matchedPins = policy.pins?.matching(chainPins) ?? [];
  if (policy.pins !== undefined && matchedPins.length === 0) {
    return {
      error: new KbaWsError('PIN_MISMATCH', 'No certificate of the server chain matches a configured pin.', {
        details: { hostname, expected: policy.pins.pins, presented: chainPins },
      }),
      chain,
    };
  }
  const legacySignatures = chain.filter(
    (certificate) => certificate.signatureAlgorithm.legacy && certificate.subject !== certificate.issuer,
  );
  if (legacySignatures.length > 0 && policy.legacyChainSignatures === 'refuse') {
    return {
      error: new KbaWsError(
        'SERVER_CHAIN_LEGACY_SIGNATURE',
        'The server chain contains certificates signed with RSA PKCS#1 v1.5 or SHA-1.',
        {
          details: {
            certificates: legacySignatures.map((c) => ({
              subject: c.subject,
              algorithm: c.signatureAlgorithm.name,
            })),
          },
        },
      ),
      chain,
    };
  }
  return {
    chain,
    legacySignatures,
    matchedPins,
    noBackupPin: policy.pins !== undefined && matchedPins.length === policy.pins.pins.length,
  };
}

const OPENSSL_VERIFY_CODES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'SERVER_CERTIFICATE_EXPIRED',
  CERT_NOT_YET_VALID: 'SERVER_CERTIFICATE_NOT_YET_VALID',
  CERT_REVOKED: 'SERVER_CERTIFICATE_REVOKED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'SERVER_CERTIFICATE_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'SERVER_CERTIFICATE_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'SERVER_CERTIFICATE_UNTRUSTED',
  SELF_SIGNED_CERT_IN_CHAIN: 'SERVER_CERTIFICATE_UNTRUSTED',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'SERVER_CERTIFICATE_UNTRUSTED',
  CERT_UNTRUSTED: 'SERVER_CERTIFICATE_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'SERVER_CERTIFICATE_UNTRUSTED',
  CERT_CHAIN_TOO_LONG: 'SERVER_CERTIFICATE_UNTRUSTED',
  INVALID_CA: 'SERVER_CERTIFICATE_UNTRUSTED',
  UNABLE_TO_GET_CRL: 'SERVER_CERTIFICATE_INVALID',
  CRL_HAS_EXPIRED: 'SERVER_CERTIFICATE_INVALID',
  INVALID_PURPOSE: 'SERVER_CERTIFICATE_INVALID',
  ERR_TLS_CERT_ALTNAME_INVALID: 'SERVER_HOSTNAME_MISMATCH',
};

const CLIENT_CERTIFICATE_ALERTS = [
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
];

const PROTOCOL_ERRORS = [
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_UNKNOWN_PROTOCOL',
];

const ALGORITHM_ERRORS = [
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_NO_SHARED_CIPHER',
  'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM',
  'ERR_SSL_WRONG_CIPHER_RETURNED',
  'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY',
  'ERR_SSL_NO_SUITABLE_KEY_SHARE',
  'ERR_SSL_WRONG_CURVE',
  'ERR_SSL_BAD_ECPOINT',
  'ERR_SSL_DH_KEY_TOO_SMALL',
  'ERR_SSL_WRONG_SIGNATURE_TYPE',
];

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
];

function errorChain(error: unknown): Array<Error & { code?: unknown }> {
  const chain: Array<Error & { code?: unknown }> = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 8) {
    chain.push(current as Error & { code?: unknown });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Turns what node:tls, node:net and undici throw into a typed error with a stable code. Our own errors
 * (from `checkServerIdentity` or the connector) pass through unchanged.
 */
export function classifyTransportError(
  error: unknown,
  context: { phase: 'connect' | 'response' },
): KbaWsError {
  const chain = errorChain(error);
  const own = chain.find((item): item is KbaWsError => item instanceof KbaWsError);
  if (own !== undefined) return own;
  const codes = chain.map((item) => (typeof item.code === 'string' ? item.code : ''));
  const messages = chain.map((item) => item.message).join(' | ');
  const has = (list: readonly string[]) => codes.find((code) => list.includes(code));
  const verify = codes.find((code) => code in OPENSSL_VERIFY_CODES);
  if (verify !== undefined) {
    const code = OPENSSL_VERIFY_CODES[verify] ?? 'SERVER_CERTIFICATE_INVALID';
    return new KbaWsError(
      code,
      `The server certificate was rejected (${verify}); the connection was closed.`,
      {
        cause: error,
        details: { reason: verify },
      },
    );
  }
  const clientAlert = has(CLIENT_CERTIFICATE_ALERTS);
  if (clientAlert !== undefined) {
    return new KbaWsError(
      'CLIENT_CERTIFICATE_REJECTED',
      `The server refused the client certificate (${clientAlert}).`,
      { cause: error, details: { reason: clientAlert } },
    );
  }
  const protocol = has(PROTOCOL_ERRORS);
  if (protocol !== undefined || /protocol version|unsupported protocol/i.test(messages)) {
    return new KbaWsError(
      'TLS_PROTOCOL_REJECTED',
      'The server offers no TLS version the preset allows (TLS 1.2 or 1.3).',
      { cause: error, details: { reason: protocol ?? 'protocol version' } },
    );
  }
  const algorithm = has(ALGORITHM_ERRORS);
  if (algorithm !== undefined) {
    return new KbaWsError(
      'TLS_NO_SHARED_ALGORITHMS',
      'The server offers no cipher suite, group or signature algorithm the preset allows.',
      { cause: error, details: { reason: algorithm } },
    );
  }
  if (codes.some((code) => code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    const reason = codes.find((code) => code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
    return new KbaWsError('TLS_HANDSHAKE_FAILED', `The TLS handshake failed (${reason}).`, {
      cause: error,
      details: { reason },
    });
  }
  if (/before secure TLS connection was established/i.test(messages)) {
    return new KbaWsError(
      'TLS_HANDSHAKE_FAILED',
      'The server closed the connection during the TLS handshake without an alert (a refused client certificate, or no shared parameters).',
      { cause: error, details: { reason: 'CLOSED_DURING_HANDSHAKE' } },
    );
  }
  if (chain.some((item) => item.name === 'TimeoutError')) {
    return new KbaWsError('RESPONSE_TIMEOUT', 'The call did not complete within its time limit.', {
      cause: error,
    });
  }
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    return new KbaWsError('CONNECT_TIMEOUT', 'Connecting to the server timed out.', { cause: error });
  }
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT') || codes.includes('UND_ERR_BODY_TIMEOUT')) {
    return new KbaWsError('RESPONSE_TIMEOUT', 'The server did not answer in time.', { cause: error });
  }
  if (codes.includes('UND_ERR_ABORTED') || chain.some((item) => item.name === 'AbortError')) {
    return new KbaWsError('ABORTED', 'The call was aborted.', { cause: error });
  }
  if (codes.includes('UND_ERR_DESTROYED') || codes.includes('UND_ERR_CLOSED')) {
    return new KbaWsError('CLIENT_CLOSED', 'The client was closed.', { cause: error });
  }
  const network = has(NETWORK_CODES);
  return new KbaWsError(
    'CONNECTION_FAILED',
    context.phase === 'connect'
      ? `The connection to the server failed${network === undefined ? '' : ` (${network})`}.`
      : `The connection broke before the response was complete${network === undefined ? '' : ` (${network})`}.`,
    {
      cause: error,
      details: { reason: network ?? codes.find((code) => code !== '') ?? 'unknown', phase: context.phase },
    },
  );
}
