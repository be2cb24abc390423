export {
  type ActiveDeliveryInput,
  createOsciClient,
  type DeliveryReceipt,
  type Exchange,
  type FetchDeliveryInput,
  type FetchedDelivery,
  type FetchProcessCardInput,
  type MediatedAnswer,
  type OsciClient,
  type OsciClientOptions,
  type OsciDialog,
  type StoreDeliveryInput,
} from './client.js';
