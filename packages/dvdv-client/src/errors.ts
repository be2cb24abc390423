import { EgovkitError } from '@egovkit/internal';

/**
 * Stable error codes. New codes may be added in minor releases; `(string & {})` keeps exhaustive `switch`
 * statements honest about that.
 */
export type DvdvErrorCode =
  /** A Behördenkennung that is not `<prefix>:<Organisations-ID>` (three lower-case letters, 1–12 digits). */
  | 'DVDV_INVALID_KENNUNG'
  /** An argument or option outside its allowed range (empty service URI, bad URL, negative timeout …). */
  | 'DVDV_INVALID_ARGUMENT'
  /** No organisation with this Behördenkennung. */
  | 'DVDV_ORGANISATION_NOT_FOUND'
  /** The organisation exists but offers no service with this URI. */
  | 'DVDV_SERVICE_NOT_FOUND'
  /** A directory entry lacks a mandatory attribute or carries an unusable value. */
  | 'DVDV_ENTRY_INVALID'
  /** A certificate in the directory (or given to `verifyAuthority`) is not a parseable X.509 certificate. */
  | 'DVDV_CERTIFICATE_INVALID'
  /** A listed certificate is expired or not yet valid at the time of the call (checked on every cache hit). */
  | 'DVDV_CERTIFICATE_NOT_VALID'
  /** The service description is not well-formed or not a WSDL document with the expected elements. */
  | 'DVDV_SERVICE_DESCRIPTION_INVALID'
  /** An LDIF file could not be parsed. */
  | 'DVDV_LDIF_INVALID'
  /** One LDAP operation (or connecting) took longer than its timeout. */
  | 'DVDV_TIMEOUT'
  /** Connecting to a DVDV server failed or the connection was lost. */
  | 'DVDV_CONNECTION_FAILED'
  /** The TLS handshake failed, e.g. the server certificate does not chain to the configured CA. */
  | 'DVDV_TLS_FAILED'
  /** The simple bind was rejected. */
  | 'DVDV_BIND_FAILED'
  /** The server answered an operation with an LDAP error result. */
  | 'DVDV_LDAP_ERROR'
  /** A search hit the caller's or the server's size limit. */
  | 'DVDV_SIZE_LIMIT_EXCEEDED'
  /** Every configured server failed for this call; `details.attempts` lists each failure. */
  | 'DVDV_ALL_SERVERS_FAILED'
  /** The call's overall deadline passed or its AbortSignal fired. */
  | 'DVDV_ABORTED'
  /** `assertAuthority()`: the sender is not verified; `details.reason` says why. */
  | 'DVDV_VERIFICATION_FAILED'
  /** The client was used after `close()`. */
  | 'DVDV_CLIENT_CLOSED'
  | (string & {});

/** Every error this package throws; branch on `code`, which is stable across releases. */
export class DvdvError extends EgovkitError<DvdvErrorCode> {}
