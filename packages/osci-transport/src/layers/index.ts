export type { PrivateKeyInput, SignerCredentials } from './carrier.js';
export {
  type DecryptContentOptions,
  decryptContentContainer,
  type EncryptContentOptions,
  encryptContentContainer,
  type SignContentOptions,
  signContentContainer,
  type VerifiedContentContainer,
  type VerifyContentOptions,
  type VerifyMessageContentOptions,
  verifyContentContainer,
  verifyMessageContent,
} from './content.js';
export {
  type DecryptOrderOptions,
  decryptFromClient,
  decryptOrderData,
  type EncryptOrderOptions,
  encryptForIntermediary,
  type OsciOrder,
  type SignOrderOptions,
  signOrderData,
  type VerifiedOrder,
  type VerifyOrderOptions,
  verifyClientSignature,
  verifyOrderSignature,
} from './order.js';
