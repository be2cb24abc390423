import { EgovkitError } from '@egovkit/internal';

/**
 * Stable error codes of `@egovkit/kba-ws-client`. Branch on these, never on messages.
 */
export type KbaWsErrorCode =
  // configuration and start-up
  | 'CONFIG_INVALID'
  | 'CLIENT_CERTIFICATE_UNREADABLE'
  | 'CLIENT_CERTIFICATE_INVALID'
  | 'CLIENT_CERTIFICATE_EXPIRED'
  | 'CLIENT_CERTIFICATE_NOT_YET_VALID'
  | 'CLIENT_KEY_TOO_WEAK'
  | 'CLIENT_CERTIFICATE_KEY_USAGE'
  | 'TRUST_ANCHORS_INVALID'
  | 'PIN_SET_INVALID'
  // connection and server validation
  | 'SERVER_CERTIFICATE_UNTRUSTED'
  | 'SERVER_CERTIFICATE_EXPIRED'
  | 'SERVER_CERTIFICATE_NOT_YET_VALID'
  | 'SERVER_CERTIFICATE_REVOKED'
  | 'SERVER_CERTIFICATE_INVALID'
  | 'SERVER_HOSTNAME_MISMATCH'
  | 'SERVER_KEY_TOO_WEAK'
  | 'SERVER_CHAIN_LEGACY_SIGNATURE'
  | 'PIN_MISMATCH'
  | 'TLS_PROTOCOL_REJECTED'
  | 'TLS_NO_SHARED_ALGORITHMS'
  | 'TLS_HANDSHAKE_FAILED'
  | 'CLIENT_CERTIFICATE_REJECTED'
  | 'CONNECT_TIMEOUT'
  | 'CONNECTION_FAILED'
  | 'RESPONSE_TIMEOUT'
  | 'ABORTED'
  | 'CLIENT_CLOSED'
  // calls, SOAP and HTTP
  | 'CONTEXT_MISSING'
  | 'CONTEXT_INVALID'
  | 'HTTP_STATUS'
  | 'RESPONSE_TOO_LARGE'
  | 'SOAP_FAULT'
  | 'SOAP_INVALID'
  | 'XML_INVALID'
  | 'XML_DOCTYPE_FORBIDDEN'
  | 'MESSAGE_INVALID'
  // audit
  | 'AUDIT_FAILED'
  | 'AUDIT_SINK_CLOSED'
  | 'AUDIT_LOG_INVALID'
  | 'AUDIT_LOG_UNREADABLE'
  | 'AUDIT_LOG_LOCKED'
  // kept for the error contract test of all packages
  | (string & {});

/** Every error this package throws; branch on `code`, which is stable across releases. */
export class KbaWsError extends EgovkitError<KbaWsErrorCode> {}
