export {
  type OpenContentOptions,
  type OpenedContent,
  openContent,
  type SealContentOptions,
  type SealedContent,
  sealContent,
} from './content.js';
export { type ReadBodyOptions, readBody, readBounded, wireChunks, writeWire } from './http.js';
export { createDispatcher, type HttpTimeouts, type PostOptions, type PostResult, postWire } from './post.js';
export { codeForFailure } from './refusal.js';
export {
  certificateDer,
  type DecryptionCredentials,
  faultToError,
  orderRole,
  osciCertificate,
  type PackOrderOptions,
  packFault,
  packOrder,
  type UnpackedOrder,
  type UnpackOrderOptions,
  type UnpackStage,
  unpackOrder,
  type WireAttachment,
  type WireMessage,
} from './wire.js';
