export {
  createRecipientHandler,
  type ReceivedDelivery,
  type RecipientHandlerOptions,
  type RecipientReply,
} from './handler.js';
