import { EgovkitError } from '@egovkit/internal';

/** Stable error codes of `@egovkit/osci-transport`. Branch on these, never on messages. */
export type OsciErrorCode =
  // --- XML parsing and XML security (src/xml, src/security) ---
  | 'XML_INVALID'
  | 'XML_DOCTYPE_FORBIDDEN'
  | 'XML_TOO_LARGE'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_REFERENCE_INVALID'
  | 'SIGNATURE_ALGORITHM_FORBIDDEN'
  | 'CERTIFICATE_UNTRUSTED'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_KEY_USAGE'
  | 'CERTIFICATE_INVALID'
  | 'DECRYPTION_FAILED'
  | 'ENCRYPTION_ALGORITHM_FORBIDDEN'
  | 'ENCRYPTION_INVALID'
  | 'KEY_INVALID'
  // --- message layer (src/model, src/mime, src/codec, src/feedback) ---
  | 'MESSAGE_INVALID'
  | 'MESSAGE_TYPE_UNKNOWN'
  | 'MIME_INVALID'
  | 'MIME_PART_MISSING'
  | 'MIME_PART_TOO_LARGE'
  | 'FEEDBACK_ERROR'
  // --- wire, client, intermediary and recipient (src/transport, src/client, src/intermediary, src/recipient) ---
  | 'OPTIONS_INVALID'
  | 'HTTP_ERROR'
  | 'HTTP_STATUS'
  | 'HTTP_BODY_TOO_LARGE'
  | 'HTTP_CONTENT_TYPE'
  | 'TIMEOUT'
  | 'DIALOG_CLOSED'
  | 'DIALOG_RESPONSE_MISMATCH'
  | 'DIALOG_SEQUENCE'
  | 'MAILBOX_IO'
  | 'MAILBOX_CORRUPT'
  | 'RECIPIENT_UNKNOWN'
  // kept open for the error contract test of all packages
  | (string & {});

/** Every error this package throws; branch on `code`, which is stable across releases. */
export class OsciError extends EgovkitError<OsciErrorCode> {}
