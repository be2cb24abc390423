/**
 * Typed model of OSCI-Transport 1.2 messages (unsigned, unencrypted view).
 *
 * Structure, names and cardinalities follow the XML schemas of OSCI-Transport 1.2 with the
 * corrections up to [KORR8] and the 2017 supplement for partial messages; see SOURCES.md.
 * Everything the security layers produce (signatures, encrypted data) is carried as opaque,
 * self-contained XML strings so that this layer never needs to understand them.
 */

// ---------------------------------------------------------------------------------------------
// Opaque XML produced or consumed by the security layers
// ---------------------------------------------------------------------------------------------

/**
 * A complete `<ds:Signature>` element as XML text. It must declare the namespaces it uses itself
 * (it is checked to be a single well-formed element when serialised).
 */
export type SignatureXml = string;

/**
 * A complete `<xenc:EncryptedData>` element as XML text, self-contained like {@link SignatureXml}.
 * Used for content containers encrypted end to end and for the whole order data encrypted for the
 * intermediary (`soapMessageEncrypted`).
 */
export type EncryptedDataXml = string;

/** Any other complete XML element (custom SOAP headers, arbitrary content), self-contained. */
export type XmlElementText = string;

// ---------------------------------------------------------------------------------------------
// Simple types
// ---------------------------------------------------------------------------------------------

/** `osci:MessageIdType`: xsd:base64Binary, issued by the intermediary (getMessageId). Kept as the base64 text. */
export type MessageId = string;

/** An `xsd:dateTime` in its lexical form, e.g. `2024-05-01T12:00:00+02:00`. Kept verbatim. */
export type XsdDateTime = string;

// ---------------------------------------------------------------------------------------------
// ControlBlock (dialog control, challenge/response)
// ---------------------------------------------------------------------------------------------

/** Presence of a ControlBlock field in one message type, from the message's schema restriction. */
export type Presence = 'required' | 'optional' | 'prohibited';

/** Presence rules of the four ControlBlock fields for one message type. */
export interface ControlBlockRule {
  readonly conversationId: Presence;
  readonly sequenceNumber: Presence;
  readonly response: Presence;
  readonly challenge: Presence;
}

type FieldFor<K extends string, V, P extends Presence> = P extends 'required'
  ? { readonly [Q in K]: V }
  : P extends 'optional'
    ? { readonly [Q in K]?: V }
    : { readonly [Q in K]?: never };

/**
 * `osci:ControlBlock` header block, typed per message: required fields are required, prohibited
 * fields cannot be set.
 */
export type ControlBlockOf<R extends ControlBlockRule> = {
  /** `Id` attribute; referenced by the client/supplier signature. */
  readonly id: string;
} & FieldFor<'conversationId', string, R['conversationId']> &
  FieldFor<'sequenceNumber', number, R['sequenceNumber']> &
  FieldFor<'response', string, R['response']> &
  FieldFor<'challenge', string, R['challenge']>;

/**
 * The untyped ControlBlock (union of all message variants).
 * - `conversationId`: dialog id (`osci:Number`, digits only, may exceed 2^53, hence a string), issued by the supplier in responseToInitDialog.
 * - `sequenceNumber`: number of the message within the explicit dialog (`osci:Number`), counted by the client.
 * - `response`: the challenge value of the previous message of the other side, returned.
 * - `challenge`: a fresh random value the other side must return as its `response`.
 */
export interface ControlBlock {
  readonly id: string;
  readonly conversationId?: string;
  readonly sequenceNumber?: number;
  readonly response?: string;
  readonly challenge?: string;
}

/** ControlBlock field rules for every message type, from the per-message schemas (and [KORR1]). */
export const CONTROL_BLOCK_RULES = {
  initDialog: {
    conversationId: 'prohibited',
    sequenceNumber: 'prohibited',
    response: 'prohibited',
    challenge: 'required',
  },
  responseToInitDialog: {
    conversationId: 'required',
    sequenceNumber: 'prohibited',
    response: 'required',
    challenge: 'required',
  },
  exitDialog: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  responseToExitDialog: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'prohibited',
  },
  getMessageId: {
    conversationId: 'optional',
    sequenceNumber: 'required',
    response: 'optional',
    challenge: 'required',
  },
  responseToGetMessageId: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'optional',
  },
  storeDelivery: {
    conversationId: 'optional',
    sequenceNumber: 'required',
    response: 'optional',
    challenge: 'required',
  },
  responseToStoreDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'optional',
  },
  fetchDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  responseToFetchDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  fetchProcessCard: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  responseToFetchProcessCard: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  forwardDelivery: {
    conversationId: 'optional',
    sequenceNumber: 'required',
    response: 'optional',
    challenge: 'required',
  },
  responseToForwardDelivery: {
    conversationId: 'optional',
    sequenceNumber: 'optional',
    response: 'required',
    challenge: 'optional',
  },
  acceptDelivery: {
    conversationId: 'prohibited',
    sequenceNumber: 'prohibited',
    response: 'prohibited',
    challenge: 'required',
  },
  responseToAcceptDelivery: {
    conversationId: 'prohibited',
    sequenceNumber: 'prohibited',
    response: 'required',
    challenge: 'prohibited',
  },
  processDelivery: {
    conversationId: 'prohibited',
    sequenceNumber: 'prohibited',
    response: 'prohibited',
    challenge: 'required',
  },
  responseToProcessDelivery: {
    conversationId: 'prohibited',
    sequenceNumber: 'prohibited',
    response: 'required',
    challenge: 'prohibited',
  },
  mediateDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  responseToMediateDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  // The partial messages include the schemas of storeDelivery/fetchDelivery and their responses (…OldNS.xsd).
  partialStoreDelivery: {
    conversationId: 'optional',
    sequenceNumber: 'required',
    response: 'optional',
    challenge: 'required',
  },
  responseToPartialStoreDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'optional',
  },
  partialFetchDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
  responseToPartialFetchDelivery: {
    conversationId: 'required',
    sequenceNumber: 'required',
    response: 'required',
    challenge: 'required',
  },
} as const satisfies Record<string, ControlBlockRule>;

type Rules = typeof CONTROL_BLOCK_RULES;

// ---------------------------------------------------------------------------------------------
// Other header blocks
// ---------------------------------------------------------------------------------------------

/** `osci:ClientSignature` / `osci:SupplierSignature`: header block holding one `ds:Signature` (slot for the security layer). */
export interface SignatureBlock {
  /** `Id` attribute of the header block. */
  readonly id: string;
  /** The `<ds:Signature>` element over the referenced header blocks and body. */
  readonly signature: SignatureXml;
}

/** `osci:DesiredLanguages`: languages the client wants feedback texts in (`LanguagesList`, at least one `xsd:language`). */
export interface DesiredLanguages {
  readonly id: string;
  readonly languages: readonly [string, ...string[]];
}

/** Quality of a requested timestamp (`QualityOfTimestamp/@Quality`). */
export type TimestampQuality = 'plain' | 'cryptographic';

/** One `osci:QualityOfTimestamp` block without its `Service` attribute (the key it is stored under). */
export interface QualityOfTimestamp {
  readonly id: string;
  /** `plain` (system time of the intermediary) or `cryptographic` (timestamp service). */
  readonly quality: TimestampQuality;
}

/** The `osci:QualityOfTimestamp` blocks of a message, keyed by `Service`. */
export interface QualityOfTimestamps {
  /** `Service="creation"`: quality of the timestamp of reception at the intermediary ("Eingang"). */
  readonly creation?: QualityOfTimestamp;
  /** `Service="reception"`: quality of the timestamp of acknowledgement of receipt by the recipient. */
  readonly reception?: QualityOfTimestamp;
}

/** An `osci:CertificateType` element: `ds:X509Data/ds:X509Certificate` with an optional `Id`. */
export interface Certificate {
  readonly id?: string;
  /** The DER encoded X.509 certificate, base64 (the text of `ds:X509Certificate`). */
  readonly certificateBase64: string;
}

/** `osci:IntermediaryCertificates` (actor none): certificates of the intermediary. */
export interface IntermediaryCertificates {
  readonly id: string;
  readonly cipherCertificateIntermediary?: Certificate;
  readonly signatureCertificateIntermediary?: Certificate;
}

/** `osci:NonIntermediaryCertificates` (actor none): certificates of the other roles, in schema order. */
export interface NonIntermediaryCertificates {
  readonly id: string;
  readonly cipherCertificateOriginator?: Certificate;
  readonly cipherCertificateOtherAuthors?: readonly Certificate[];
  readonly cipherCertificateAddressee?: Certificate;
  readonly cipherCertificateOtherReaders?: readonly Certificate[];
  readonly signatureCertificateOriginator?: Certificate;
  readonly signatureCertificateOtherAuthors?: readonly Certificate[];
  /** [KORR1] */
  readonly signatureCertificateAddressee?: Certificate;
}

/** `osci2017:Feature` in `SupportedFeatures`. */
export interface Feature {
  readonly key: string;
  readonly version: string;
}

/** `osci2017:FeatureDescription` header (2017 supplement): features and chunk limits of a node. */
export interface FeatureDescription {
  readonly id: string;
  readonly supportedFeatures: readonly [Feature, ...Feature[]];
  readonly maxChunkSize?: number;
  readonly maxMessageSize?: number;
  readonly minChunkSize?: number;
  /** `ChunkMessageTimeOut` */
  readonly chunkMessageTimeOut?: number;
}

// ---------------------------------------------------------------------------------------------
// Feedback, timestamps, process cards (Laufzettel)
// ---------------------------------------------------------------------------------------------

/** One `osci:Entry` of `osci:Feedback`. */
export interface FeedbackEntry {
  /** Four digit OSCI code, e.g. `0800` (kept as text: leading zeros matter). */
  readonly code: string;
  /** Human readable text, in the language of `lang`. */
  readonly text: string;
  /** `xml:lang` of the entry, e.g. `de`. */
  readonly lang?: string;
}

/** `osci:Feedback`: at least one entry. */
export type Feedback = readonly [FeedbackEntry, ...FeedbackEntry[]];

/** `osci:TimestampType`: a plain dateTime or a cryptographic timestamp. */
export type Timestamp =
  | { readonly kind: 'plain'; readonly time: XsdDateTime }
  | {
      readonly kind: 'cryptographic';
      /** base64 encoded timestamp token (e.g. RFC 3161). */
      readonly value: string;
      /** `Algorithm` attribute ([KORR8] corrected from `Algorith`). */
      readonly algorithm?: string;
    };

/** `osci:ProcessCard` (Laufzettel). Which timestamps are present depends on the message. */
export interface ProcessCard {
  /** `RecentModification`: time of the last change of the process card. */
  readonly recentModification: XsdDateTime;
  /** Time the intermediary received the delivery ("Einreichung"). */
  readonly creation?: Timestamp;
  /** Time the intermediary built the message forwarding the delivery to the recipient. */
  readonly forwarding?: Timestamp;
  /** Time the recipient acknowledged receipt. */
  readonly reception?: Timestamp;
  /** `Subject` of the delivery. */
  readonly subject?: string;
}

/** Result of the mathematical signature check (`MathResult/@Result`). */
export type MathResult = 'ok' | 'corrupted' | 'indeterminate';
/** Result of the offline certificate check (`OfflineResult/@Result`). */
export type OfflineResult = 'valid' | 'invalid' | 'indeterminate';
/** Certificate type (`CertType/@Type`); `accredited` added in [KORR1]. */
export type CertType = 'advanced' | 'qualified' | 'accredited' | 'unknown';

/** `osci:OnlineResult`: result of the online revocation check. */
export interface OnlineResult {
  readonly result: 'ok' | 'revoked';
  /** OCSP response, base64 (element is spelled `OSCP` in the schema). */
  readonly ocsp?: string;
  /** Time of the CRL used (`CRL`, xsd:dateTime). */
  readonly crl?: XsdDateTime;
  /** LDAP answer, base64 ([KORR1]). */
  readonly ldap?: string;
}

/** `osci:Inspection`: the intermediary's check of one certificate. */
export interface Inspection {
  readonly timestamp: Timestamp;
  /** [KORR1] */
  readonly x509SubjectName: string;
  readonly x509IssuerName: string;
  /** xsd:integer, kept as decimal text. */
  readonly x509SerialNumber: string;
  readonly certType: CertType;
  readonly mathResult: MathResult;
  readonly offlineResult: OfflineResult;
  readonly onlineResult?: OnlineResult;
}

/** `osci:ProcessCardBundle` (also `RequestProcessCardBundle`, `ReplyProcessCardBundle`). */
export interface ProcessCardBundle {
  readonly messageId: MessageId;
  readonly processCard: ProcessCard;
  /** `InspectionReport`: zero or more inspections. */
  readonly inspectionReport: readonly Inspection[];
}

// ---------------------------------------------------------------------------------------------
// Content (ContentPackage, ContentContainer, Content)
// ---------------------------------------------------------------------------------------------

/** `osci:Content`: one piece of content of a container. */
export type Content =
  | {
      readonly kind: 'attachment';
      readonly id?: string;
      /** `href`, `cid:<Content-ID of the MIME part>`. */
      readonly href: string;
    }
  | {
      readonly kind: 'base64';
      readonly id?: string;
      /** `osci:Base64Content/@Id` ([KORR8]). */
      readonly base64ContentId: string;
      /** The base64 text. */
      readonly data: string;
    }
  | {
      readonly kind: 'container';
      readonly id?: string;
      /** A nested, unencrypted content container. */
      readonly container: ContentContainer;
    }
  | {
      readonly kind: 'xml';
      readonly id?: string;
      /** Other content: one or more complete, self-contained XML elements. */
      readonly xml: readonly [XmlElementText, ...XmlElementText[]];
    }
  | { readonly kind: 'empty'; readonly id?: string };

/** `osci:ContentContainer`: signatures of authors, contents, and encrypted data, in that order. */
export interface ContentContainer {
  /** `Id`, required since [KORR8]. */
  readonly id: string;
  /** Author signatures over the container (`ds:Signature`*). */
  readonly signatures?: readonly SignatureXml[];
  readonly contents?: readonly Content[];
  /** Encrypted contents inside the container (`xenc:EncryptedData`*). */
  readonly encryptedData?: readonly EncryptedDataXml[];
}

/** `osci:ContentPackage` (SOAP body): end-to-end encrypted containers first, then plain containers. */
export interface ContentPackage {
  /** Content containers encrypted end to end for the readers (`xenc:EncryptedData`*). */
  readonly encryptedData?: readonly EncryptedDataXml[];
  readonly contentContainers?: readonly ContentContainer[];
}

// ---------------------------------------------------------------------------------------------
// Message specific blocks
// ---------------------------------------------------------------------------------------------

/** `osci:SelectionRule` of fetchDelivery / partialFetchDelivery: which delivery to fetch. */
export type DeliverySelectionRule =
  | { readonly receptionOfDelivery: XsdDateTime }
  | { readonly messageId: MessageId };

/** `SelectionDateType` of fetchProcessCard. */
export interface SelectionDate {
  readonly value: XsdDateTime;
  readonly noReception?: boolean;
  readonly role?: 'Addressee' | 'Originator';
}

/** `SelectionRule` of fetchProcessCard. */
export type ProcessCardSelectionRule =
  | { readonly receptionOfDelivery: SelectionDate }
  | { readonly recentModification: SelectionDate }
  | { readonly messageIds: readonly [MessageId, ...MessageId[]] };

/** Body of fetchProcessCard (and its echo in responseToFetchProcessCard). */
export interface FetchProcessCardBlock {
  readonly selectionRule?: ProcessCardSelectionRule;
  /** `Quantity/@Limit` (positiveInteger). */
  readonly quantityLimit?: number;
}

/** Header block `osci:storeDelivery`. */
export interface StoreDeliveryBlock {
  readonly id: string;
  readonly messageId: MessageId;
  readonly subject?: string;
}

/** Header block `osci:fetchDelivery`. */
export interface FetchDeliveryBlock {
  readonly id: string;
  readonly selectionRule?: DeliverySelectionRule;
}

/** Header block `osci:forwardDelivery`. */
export interface ForwardDeliveryBlock {
  readonly id: string;
  /** `ContentReceiver/@URI`: URI of the recipient the intermediary forwards to. */
  readonly contentReceiverUri: string;
  readonly messageId: MessageId;
  readonly subject?: string;
}

/** Header block `osci:acceptDelivery` (intermediary → passive recipient). */
export interface AcceptDeliveryBlock {
  readonly id: string;
  readonly processCardBundle: ProcessCardBundle;
}

/** Header block `osci:processDelivery` (intermediary → passive recipient). */
export interface ProcessDeliveryBlock {
  readonly id: string;
  /** `MessageIdResponse`: message id for the recipient's answer. */
  readonly messageIdResponse?: MessageId;
  readonly processCardBundle?: ProcessCardBundle;
}

/** Header block `osci:mediateDelivery`. */
export interface MediateDeliveryBlock {
  readonly id: string;
  readonly contentReceiverUri: string;
  /** MessageId and Subject form an optional group: subject only with messageId. */
  readonly messageId?: MessageId;
  readonly subject?: string;
}

/** `osci2017:ChunkInformation` of partialStoreDelivery. */
export interface StoreChunkInformation {
  readonly chunkNumber: number;
  readonly chunkSize: number;
  readonly totalChunkNumbers: number;
  readonly totalMessageSize: number;
}

/** Header block `osci2017:partialStoreDelivery`. */
export interface PartialStoreDeliveryBlock {
  readonly id: string;
  readonly messageId: MessageId;
  readonly subject?: string;
  /** Either `InfoOnly` (ask for the state of the chunks) or the chunk information of this chunk. */
  readonly chunk: { readonly infoOnly: true } | { readonly chunkInformation: StoreChunkInformation };
}

/** Header block `osci2017:partialFetchDelivery`. */
export interface PartialFetchDeliveryBlock {
  readonly id: string;
  readonly selectionRule?: DeliverySelectionRule;
  readonly chunkInformation: {
    readonly chunkNumber: number;
    readonly chunkSize: number;
    /** `ReceivedChunks`: numbers of the chunks received so far (space separated on the wire). */
    readonly receivedChunks: readonly number[];
  };
}

interface FeedbackHeaderBlock {
  readonly id: string;
  readonly feedback: Feedback;
}

/** Header block `osci:responseToStoreDelivery`; the process card has `Creation` (and optionally `Subject`). */
export interface ResponseToStoreDeliveryBlock extends FeedbackHeaderBlock {
  readonly processCardBundle?: ProcessCardBundle;
}

/** Header block `osci:responseToFetchDelivery`. */
export interface ResponseToFetchDeliveryBlock extends FeedbackHeaderBlock {
  /** Echo of the request's `fetchDelivery` content. */
  readonly fetchDelivery: { readonly selectionRule?: DeliverySelectionRule };
  readonly processCardBundle?: ProcessCardBundle;
}

/** Header block `osci:responseToForwardDelivery`. */
export interface ResponseToForwardDeliveryBlock extends FeedbackHeaderBlock {
  readonly processCardBundle?: ProcessCardBundle;
}

/** Header block `osci:responseToAcceptDelivery`. */
export type ResponseToAcceptDeliveryBlock = FeedbackHeaderBlock;

/** Header block `osci:responseToProcessDelivery`. */
export interface ResponseToProcessDeliveryBlock extends FeedbackHeaderBlock {
  /** MessageId and Subject form an optional group: subject only with messageId. */
  readonly messageId?: MessageId;
  readonly subject?: string;
}

/** Header block `osci:responseToMediateDelivery`. */
export interface ResponseToMediateDeliveryBlock extends FeedbackHeaderBlock {
  /** Process card of the delivery to the recipient (Creation, Forwarding, Reception). */
  readonly requestProcessCardBundle?: ProcessCardBundle;
  /** Process card of the recipient's answer (Creation, Forwarding); only together with the request bundle. */
  readonly replyProcessCardBundle?: ProcessCardBundle;
}

/** Header block `osci2017:responseToPartialStoreDelivery`. */
export interface ResponseToPartialStoreDeliveryBlock extends FeedbackHeaderBlock {
  /** `InsideFeedback`: feedback of processing the reassembled inner message. */
  readonly insideFeedback?: Feedback;
  readonly processCardBundle?: ProcessCardBundle;
  readonly chunkInformation: {
    readonly chunkNumber: number;
    readonly receivedChunks: readonly number[];
    readonly totalChunkNumbers: number;
  };
}

/** Header block `osci2017:responseToPartialFetchDelivery`. */
export interface ResponseToPartialFetchDeliveryBlock extends FeedbackHeaderBlock {
  readonly fetchDelivery: { readonly selectionRule?: DeliverySelectionRule };
  readonly chunkInformation: {
    readonly chunkNumber: number;
    readonly totalChunkNumbers: number;
    readonly totalMessageSize: number;
  };
  readonly messageId: MessageId;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

interface EnvelopeCommon<T extends keyof Rules> {
  readonly type: T;
  readonly controlBlock: ControlBlockOf<Rules[T]>;
  /** `Id` of `soap:Body` (required by all OSCI envelopes; referenced by signatures). */
  readonly bodyId: string;
  /** Optional `osci2017:FeatureDescription` (allowed in the `##other` slot of every header). */
  readonly featureDescription?: FeatureDescription;
  /** Further header blocks of foreign namespaces (`xsd:any namespace="##other"`), verbatim. */
  readonly customHeaders?: readonly XmlElementText[];
}

interface RequestCommon<T extends keyof Rules> extends EnvelopeCommon<T> {
  /** `osci:ClientSignature` (slot for the security layer; absent in unsigned messages). */
  readonly clientSignature?: SignatureBlock;
  readonly desiredLanguages: DesiredLanguages;
}

interface ResponseCommon<T extends keyof Rules> extends EnvelopeCommon<T> {
  /** `osci:SupplierSignature` (slot for the security layer). */
  readonly supplierSignature?: SignatureBlock;
}

/** Dialog initialisation (Dialoginitialisierungsauftrag), body `osci:initDialog`. */
export interface InitDialog extends RequestCommon<'initDialog'> {
  /** Must contain `cipherCertificateOriginator`. */
  readonly nonIntermediaryCertificates: NonIntermediaryCertificates & {
    readonly cipherCertificateOriginator: Certificate;
  };
}
/** Response to dialog initialisation, body `osci:responseToInitDialog`. */
export interface ResponseToInitDialog extends ResponseCommon<'responseToInitDialog'> {
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly responseToInitDialog: { readonly feedback: Feedback };
}
/** End of an explicit dialog (Dialogendeauftrag), body `osci:exitDialog`. */
export interface ExitDialog extends RequestCommon<'exitDialog'> {
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
}
/** Response to exitDialog, body `osci:responseToExitDialog`. */
export interface ResponseToExitDialog extends ResponseCommon<'responseToExitDialog'> {
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly responseToExitDialog: { readonly feedback: Feedback };
}
/** MessageId request (MessageId-Anforderungsauftrag), body `osci:getMessageId`. */
export interface GetMessageId extends RequestCommon<'getMessageId'> {
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
}
/** Response to getMessageId, body `osci:responseToGetMessageId`. */
export interface ResponseToGetMessageId extends ResponseCommon<'responseToGetMessageId'> {
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly responseToGetMessageId: { readonly feedback: Feedback; readonly messageId?: MessageId };
}
/** Store a delivery at the intermediary (Zustellungsauftrag). */
export interface StoreDelivery extends RequestCommon<'storeDelivery'> {
  /** Exactly two blocks: creation and reception. */
  readonly qualityOfTimestamp: {
    readonly creation: QualityOfTimestamp;
    readonly reception: QualityOfTimestamp;
  };
  readonly storeDelivery: StoreDeliveryBlock;
  /** Must contain `cipherCertificateAddressee`. */
  readonly nonIntermediaryCertificates: NonIntermediaryCertificates & {
    readonly cipherCertificateAddressee: Certificate;
  };
  readonly contentPackage: ContentPackage;
}
/** Response to storeDelivery (Zustellungsantwort). */
export interface ResponseToStoreDelivery extends ResponseCommon<'responseToStoreDelivery'> {
  readonly responseToStoreDelivery: ResponseToStoreDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
}
/** Fetch a delivery from the intermediary (Zustellungsabholauftrag). */
export interface FetchDelivery extends RequestCommon<'fetchDelivery'> {
  readonly fetchDelivery: FetchDeliveryBlock;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
}
/** Response to fetchDelivery (Zustellungsabholantwort), carrying the delivery. */
export interface ResponseToFetchDelivery extends ResponseCommon<'responseToFetchDelivery'> {
  readonly responseToFetchDelivery: ResponseToFetchDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage?: ContentPackage;
}
/** Fetch process cards (Laufzettelabholauftrag), body `osci:fetchProcessCard`. */
export interface FetchProcessCard extends RequestCommon<'fetchProcessCard'> {
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly fetchProcessCard: FetchProcessCardBlock;
}
/** Response to fetchProcessCard, body `osci:responseToFetchProcessCard`. */
export interface ResponseToFetchProcessCard extends ResponseCommon<'responseToFetchProcessCard'> {
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly responseToFetchProcessCard: {
    readonly feedback: Feedback;
    /** Echo of the request's selection. */
    readonly fetchProcessCard: FetchProcessCardBlock;
    readonly processCardBundles: readonly ProcessCardBundle[];
  };
}
/** Forward a delivery to a passive recipient (Weiterleitungsauftrag). */
export interface ForwardDelivery extends RequestCommon<'forwardDelivery'> {
  readonly qualityOfTimestamp: {
    readonly creation: QualityOfTimestamp;
    readonly reception: QualityOfTimestamp;
  };
  readonly forwardDelivery: ForwardDeliveryBlock;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage: ContentPackage;
}
/** Response to forwardDelivery (Weiterleitungsantwort). */
export interface ResponseToForwardDelivery extends ResponseCommon<'responseToForwardDelivery'> {
  readonly responseToForwardDelivery: ResponseToForwardDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
}
/** Intermediary hands a forwarded delivery to a passive recipient (Annahmeauftrag). */
export interface AcceptDelivery extends RequestCommon<'acceptDelivery'> {
  readonly acceptDelivery: AcceptDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage: ContentPackage;
}
/** Passive recipient's response to acceptDelivery (Annahmeantwort). */
export interface ResponseToAcceptDelivery extends ResponseCommon<'responseToAcceptDelivery'> {
  readonly responseToAcceptDelivery: ResponseToAcceptDeliveryBlock;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
}
/** Request-response through the intermediary to an active recipient (Abwicklungsauftrag). */
export interface MediateDelivery extends RequestCommon<'mediateDelivery'> {
  readonly qualityOfTimestamp?: QualityOfTimestamps;
  readonly mediateDelivery: MediateDeliveryBlock;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage: ContentPackage;
}
/** Response to mediateDelivery (Abwicklungsantwort), carrying the recipient's answer. */
export interface ResponseToMediateDelivery extends ResponseCommon<'responseToMediateDelivery'> {
  readonly responseToMediateDelivery: ResponseToMediateDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage?: ContentPackage;
}
/** Intermediary passes a mediateDelivery to the recipient (Bearbeitungsauftrag). */
export interface ProcessDelivery extends RequestCommon<'processDelivery'> {
  readonly processDelivery: ProcessDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage: ContentPackage;
}
/** Recipient's answer to processDelivery (Bearbeitungsantwort). */
export interface ResponseToProcessDelivery extends ResponseCommon<'responseToProcessDelivery'> {
  readonly qualityOfTimestamp?: QualityOfTimestamps;
  readonly responseToProcessDelivery: ResponseToProcessDeliveryBlock;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly contentPackage?: ContentPackage;
}
/** One chunk of a large storeDelivery (2017 supplement). */
export interface PartialStoreDelivery extends RequestCommon<'partialStoreDelivery'> {
  readonly qualityOfTimestamp?: QualityOfTimestamps;
  readonly partialStoreDelivery: PartialStoreDeliveryBlock;
  readonly nonIntermediaryCertificates: NonIntermediaryCertificates;
  readonly featureDescription: FeatureDescription;
  readonly contentPackage: ContentPackage;
}
/** Response to partialStoreDelivery. */
export interface ResponseToPartialStoreDelivery extends ResponseCommon<'responseToPartialStoreDelivery'> {
  readonly responseToPartialStoreDelivery: ResponseToPartialStoreDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly featureDescription: FeatureDescription;
}
/** Fetch one chunk of a large delivery (2017 supplement). */
export interface PartialFetchDelivery extends RequestCommon<'partialFetchDelivery'> {
  readonly partialFetchDelivery: PartialFetchDeliveryBlock;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly featureDescription: FeatureDescription;
}
/** Response to partialFetchDelivery, carrying one chunk. */
export interface ResponseToPartialFetchDelivery extends ResponseCommon<'responseToPartialFetchDelivery'> {
  readonly responseToPartialFetchDelivery: ResponseToPartialFetchDeliveryBlock;
  readonly intermediaryCertificates?: IntermediaryCertificates;
  readonly nonIntermediaryCertificates?: NonIntermediaryCertificates;
  readonly featureDescription: FeatureDescription;
  readonly contentPackage?: ContentPackage;
}

/**
 * The whole order data encrypted for the intermediary (or the response for the client):
 * an envelope without header whose body holds only one `xenc:EncryptedData`. The ciphertext
 * itself is usually a MIME part referenced by `CipherReference URI="cid:…"`.
 */
export interface SoapMessageEncrypted {
  readonly type: 'soapMessageEncrypted';
  readonly encryptedData: EncryptedDataXml;
}

/** A SOAP fault carrying an OSCI error code in `detail/osci:Code`. */
export interface SoapFault {
  readonly type: 'soapFault';
  /** `faultcode` as qualified name, e.g. `soap:Client` or `soap:Server`. */
  readonly faultCode: string;
  readonly faultString: string;
  /** OSCI feedback code in `detail/osci:Code`, e.g. `9100`. */
  readonly osciCode?: string;
}

/** All OSCI request messages (client → supplier). */
export type OsciRequest =
  | InitDialog
  | ExitDialog
  | GetMessageId
  | StoreDelivery
  | FetchDelivery
  | FetchProcessCard
  | ForwardDelivery
  | AcceptDelivery
  | MediateDelivery
  | ProcessDelivery
  | PartialStoreDelivery
  | PartialFetchDelivery;

/** All OSCI response messages (supplier → client). */
export type OsciResponse =
  | ResponseToInitDialog
  | ResponseToExitDialog
  | ResponseToGetMessageId
  | ResponseToStoreDelivery
  | ResponseToFetchDelivery
  | ResponseToFetchProcessCard
  | ResponseToForwardDelivery
  | ResponseToAcceptDelivery
  | ResponseToMediateDelivery
  | ResponseToProcessDelivery
  | ResponseToPartialStoreDelivery
  | ResponseToPartialFetchDelivery;

/** Every message this package models; discriminated on `type`. */
export type OsciMessage = OsciRequest | OsciResponse | SoapMessageEncrypted | SoapFault;

/** The `type` of every modelled message. */
export type OsciMessageType = OsciMessage['type'];

/** Types of the plain (not encrypted, not fault) OSCI request and response messages. */
export type OsciOrderType = keyof Rules;
