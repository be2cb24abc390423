import type { OsciOrderType } from '../model/types.js';

/** Where the element naming the message lives. */
export type Placement = 'header' | 'body';

/** Envelope layout of one message type, from the soap<Type>.xsd schemas. */
export interface MessageSpec {
  readonly role: 'request' | 'response';
  /** Namespace of the message element: OSCI 1.2 or the 2017 supplement. */
  readonly ns: 'osci' | 'osci2017';
  /** `header`: message block is a header block and the body holds a ContentPackage (or nothing). */
  readonly placement: Placement;
  /** Whether the body element (empty body block) carries data in the model. */
  readonly bodyHasData: boolean;
  readonly qualityOfTimestamp: 'none' | 'both' | 'optional';
  readonly intermediaryCertificates: boolean;
  readonly nonIntermediaryCertificates: 'none' | 'optional' | 'required';
  readonly featureDescriptionRequired: boolean;
  readonly contentPackage: 'none' | 'optional' | 'required';
}

const req = (s: Partial<MessageSpec>): MessageSpec => ({
  role: 'request',
  ns: 'osci',
  placement: 'header',
  bodyHasData: false,
  qualityOfTimestamp: 'none',
  intermediaryCertificates: false,
  nonIntermediaryCertificates: 'optional',
  featureDescriptionRequired: false,
  contentPackage: 'none',
  ...s,
});
const res = (s: Partial<MessageSpec>): MessageSpec => ({
  role: 'response',
  ns: 'osci',
  placement: 'header',
  bodyHasData: false,
  qualityOfTimestamp: 'none',
  intermediaryCertificates: true,
  nonIntermediaryCertificates: 'none',
  featureDescriptionRequired: false,
  contentPackage: 'none',
  ...s,
});

/** Layout of every OSCI order and order response. Header order is fixed in the codec. */
export const MESSAGE_SPECS: Readonly<Record<OsciOrderType, MessageSpec>> = {
  initDialog: req({ placement: 'body', nonIntermediaryCertificates: 'required' }),
  responseToInitDialog: res({ placement: 'body', bodyHasData: true }),
  exitDialog: req({ placement: 'body' }),
  responseToExitDialog: res({ placement: 'body', bodyHasData: true }),
  getMessageId: req({ placement: 'body' }),
  responseToGetMessageId: res({ placement: 'body', bodyHasData: true }),
  storeDelivery: req({
    qualityOfTimestamp: 'both',
    nonIntermediaryCertificates: 'required',
    contentPackage: 'required',
  }),
  responseToStoreDelivery: res({}),
  fetchDelivery: req({}),
  responseToFetchDelivery: res({ nonIntermediaryCertificates: 'optional', contentPackage: 'optional' }),
  fetchProcessCard: req({ placement: 'body', bodyHasData: true }),
  responseToFetchProcessCard: res({ placement: 'body', bodyHasData: true }),
  forwardDelivery: req({ qualityOfTimestamp: 'both', contentPackage: 'required' }),
  responseToForwardDelivery: res({}),
  acceptDelivery: req({ intermediaryCertificates: true, contentPackage: 'required' }),
  responseToAcceptDelivery: res({ intermediaryCertificates: false, nonIntermediaryCertificates: 'optional' }),
  mediateDelivery: req({ qualityOfTimestamp: 'optional', contentPackage: 'required' }),
  responseToMediateDelivery: res({ nonIntermediaryCertificates: 'optional', contentPackage: 'optional' }),
  processDelivery: req({ intermediaryCertificates: true, contentPackage: 'required' }),
  responseToProcessDelivery: res({
    intermediaryCertificates: false,
    qualityOfTimestamp: 'optional',
    nonIntermediaryCertificates: 'optional',
    contentPackage: 'optional',
  }),
  partialStoreDelivery: req({
    ns: 'osci2017',
    qualityOfTimestamp: 'optional',
    nonIntermediaryCertificates: 'required',
    featureDescriptionRequired: true,
    contentPackage: 'required',
  }),
  responseToPartialStoreDelivery: res({ ns: 'osci2017', featureDescriptionRequired: true }),
  partialFetchDelivery: req({ ns: 'osci2017', featureDescriptionRequired: true }),
  responseToPartialFetchDelivery: res({
    ns: 'osci2017',
    nonIntermediaryCertificates: 'optional',
    featureDescriptionRequired: true,
    contentPackage: 'optional',
  }),
};

/** Whether `name` is the local name of a modelled OSCI order or response. */
export function isOrderType(name: string): name is OsciOrderType {
  return Object.hasOwn(MESSAGE_SPECS, name);
}
