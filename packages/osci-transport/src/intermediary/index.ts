export { type ChunkLimits, ChunkStore } from './chunks.js';
export { type DialogState, Dialogs } from './dialogs.js';
export { fsyncDirectory, writeFileDurable } from './durable.js';
export {
  Mailbox,
  messageIdKey,
  type ProcessCardRecord,
  processCardBundle,
  type StoredDelivery,
} from './mailbox.js';
export {
  type ActiveRecipient,
  type Intermediary,
  type IntermediaryOptions,
  startIntermediary,
} from './server.js';
