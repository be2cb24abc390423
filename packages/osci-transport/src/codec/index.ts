export { type ParseOptions, parseOsciEnvelope, parseOsciMessage } from './parse.js';
export {
  attachmentReferences,
  checkControlBlock,
  type SerializeOptions,
  serializeOsciMessage,
} from './serialize.js';
export { MESSAGE_SPECS, type MessageSpec } from './spec.js';
export { parseXmlDocumentStrict, type StrictXmlOptions } from './xml.js';
