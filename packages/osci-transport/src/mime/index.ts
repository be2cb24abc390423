export {
  type BuildMultipartOptions,
  type BuiltMultipart,
  buildMultipartRelated,
  type MimeAttachmentInput,
  type MimePart,
  type ParsedMultipart,
  type ParseMultipartOptions,
  parseContentType,
  parseMultipartRelated,
  requireParts,
  type TransferEncoding,
} from './multipart.js';
