import { EgovkitError } from '@egovkit/internal';

/**
 * Stable error codes of `@egovkit/xhd`. Branch on these; messages may change between releases.
 * Validation findings are not errors: they come back as issues (see `XhdIssueCode`).
 */
export type XhdErrorCode =
  | 'XHD_INPUT_TOO_LARGE'
  | 'XHD_DOCTYPE_FORBIDDEN'
  | 'XHD_XML_MALFORMED'
  | 'XHD_UNKNOWN_ROOT'
  | 'XHD_NAMESPACE_UNSUPPORTED'
  | 'XHD_ELEMENT_MISSING'
  | 'XHD_ELEMENT_UNEXPECTED'
  | 'XHD_VALUE_INVALID'
  | 'XHD_BINARY_FORMAT_UNKNOWN'
  | 'XHD_BUILD_INVALID'
  | 'XHD_SCHEMA_UNAVAILABLE'
  | 'XHD_SCHEMA_INVALID'
  | 'XHD_PROFILE_UNKNOWN'
  | 'XHD_MESSAGE_INVALID'
  | 'XHD_OSCI_CONTAINER_INVALID'
  | 'XHD_NUTZDATEN_ENCRYPTED'
  // @egovkit/xhd/security (TR-03132 § 4)
  | 'XHD_ALREADY_SIGNED'
  | 'XHD_SIGNER_INVALID'
  | 'XHD_SIGNATURE_MISSING'
  | 'XHD_SIGNATURE_INVALID'
  | 'XHD_SIGNATURE_UNTRUSTED'
  | 'XHD_RECIPIENT_INVALID'
  | 'XHD_RECIPIENT_MISMATCH'
  | 'XHD_NOT_ENCRYPTED'
  | 'XHD_ENCRYPTED_DATA_INVALID'
  | 'XHD_DECRYPTION_FAILED'
  | (string & {});

/** Every error this package throws; branch on `code`, which is stable across releases. */
export class XhdError extends EgovkitError<XhdErrorCode> {}
