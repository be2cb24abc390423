import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { OsciError } from '../errors.js';
import { feedbackToError } from '../feedback.js';
import type { SignerCredentials } from '../layers/carrier.js';
import type {
  ContentPackage,
  ControlBlock,
  DeliverySelectionRule,
  FeatureDescription,
  Feedback,
  FetchProcessCardBlock,
  NonIntermediaryCertificates,
  OsciRequest,
  OsciResponse,
  ProcessCardBundle,
  ProcessCardSelectionRule,
  ResponseToFetchDelivery,
  ResponseToFetchProcessCard,
  ResponseToForwardDelivery,
  ResponseToGetMessageId,
  ResponseToMediateDelivery,
  ResponseToPartialFetchDelivery,
  ResponseToPartialStoreDelivery,
  ResponseToStoreDelivery,
  StoreDelivery,
} from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  type TrustOptions,
  trustOptionsOf,
} from '../security/certificates.js';
import { type OpenedContent, openContent, type SealedContent } from '../transport/content.js';
import { createDispatcher, type HttpTimeouts, postWire } from '../transport/post.js';
import {
  type DecryptionCredentials,
  osciCertificate,
  packOrder,
  unpackOrder,
  type WireAttachment,
} from '../transport/wire.js';

/** Trust settings for the intermediary's and the authors' certificates. */
export interface OsciClientOptions extends TrustOptions {
  /** URL of the intermediary. */
  readonly url: string;
  /** The intermediary's certificates (PEM or DER): orders are encrypted for `encryption`, answers must be signed by `signature`. */
  readonly intermediaryCertificates: {
    readonly signature: CertificateInput;
    readonly encryption: CertificateInput;
  };
  /** The client's signature key and certificate chain: signs every order (ClientSignature). */
  readonly signer: SignerCredentials;
  /** The client's encryption key and certificate: answers are encrypted for it; it is also the mailbox address. */
  readonly decryption: DecryptionCredentials;
  readonly timeouts?: HttpTimeouts;
  /**
   * Retries of a failed exchange. Only where repeating cannot do harm: any order whose connection could
   * not be made (it never reached the intermediary), and a getMessageId outside a dialog (idempotent: at
   * worst an unused MessageId). Default `{ attempts: 2, delayMs: 200 }`; `attempts` counts the retries.
   */
  readonly retries?: { readonly attempts?: number; readonly delayMs?: number };
  /** Extra CA certificates for HTTPS to the intermediary. */
  readonly tlsCa?: string | readonly string[];
  /** An undici dispatcher to use instead of the client's own (the timeouts then are its own). */
  readonly dispatcher?: Dispatcher;
  /** Largest accepted answer; default 512 MiB. */
  readonly maxResponseBytes?: number;
  /** `DesiredLanguages`; default `['de']`. */
  readonly languages?: readonly [string, ...string[]];
}

/** The parts of an answer the client hands on. */
export interface Exchange<R extends OsciResponse = OsciResponse> {
  readonly message: R;
  readonly attachments: ReadonlyMap<string, Buffer>;
  readonly signer: CertificateInfo;
}

export interface StoreDeliveryInput {
  /** The addressee's encryption certificate: its mailbox at the intermediary. */
  readonly addresseeCipherCertificate: CertificateInput;
  /** Sealed content (see `sealContent`) with its attachment parts. */
  readonly content: SealedContent;
  readonly subject?: string;
  /** A MessageId from getMessageId; fetched first when not given. */
  readonly messageId?: string;
  /**
   * Send the delivery in chunks of this many bytes (partialStoreDelivery, 2017 supplement): the whole
   * storeDelivery, signed and encrypted for the intermediary, is split and sent chunk by chunk.
   */
  readonly chunkSize?: number;
}

export interface DeliveryReceipt {
  readonly messageId: string;
  readonly processCard: ProcessCardBundle | undefined;
  readonly feedback: Feedback;
}

export interface FetchDeliveryInput {
  /** Fetch this delivery; without it, the oldest delivery not fetched yet. */
  readonly messageId?: string;
  /** Fetch the oldest delivery that arrived after this time. */
  readonly receivedAfter?: Date;
  /** Fetch the answer in chunks of this many bytes (partialFetchDelivery, 2017 supplement). */
  readonly chunkSize?: number;
}

/** A fetched delivery. Its content is still encrypted end to end: `open()` decrypts and verifies it. */
export interface FetchedDelivery {
  readonly messageId: string;
  readonly subject: string | undefined;
  readonly processCard: ProcessCardBundle | undefined;
  /** Certificates of the originator as the delivery named them. */
  readonly certificates: NonIntermediaryCertificates | undefined;
  readonly contentPackage: ContentPackage | undefined;
  readonly attachments: ReadonlyMap<string, Buffer>;
  /** Feedback 3800: further deliveries are waiting. */
  readonly moreWaiting: boolean;
  /** Decrypts with the client's key and verifies the author signatures against the client's trust anchors. */
  open(): Promise<OpenedContent[]>;
}

export interface FetchProcessCardInput {
  readonly messageIds?: readonly [string, ...string[]];
  /** Cards whose reception (`by: 'reception'`) or last change (`by: 'modification'`) is at or after `date`. */
  readonly since?: { readonly date: Date; readonly by: 'reception' | 'modification' };
  /** Only cards of messages this client sent (`Originator`) or received (`Addressee`). */
  readonly role?: 'Originator' | 'Addressee';
  /** Only cards without reception. */
  readonly noReception?: boolean;
  readonly limit?: number;
}

export interface ActiveDeliveryInput {
  /** URI of the active recipient (`ContentReceiver`), as the intermediary knows it. */
  readonly recipientUrl: string;
  /** The recipient's encryption certificate; lets the intermediary find the recipient by certificate. */
  readonly addresseeCipherCertificate?: CertificateInput;
  readonly content: SealedContent;
  readonly subject?: string;
  readonly messageId?: string;
}

export interface MediatedAnswer {
  readonly messageId: string;
  readonly requestProcessCard: ProcessCardBundle | undefined;
  readonly replyProcessCard: ProcessCardBundle | undefined;
  readonly contentPackage: ContentPackage | undefined;
  readonly attachments: ReadonlyMap<string, Buffer>;
  readonly feedback: Feedback;
  /** Decrypts and verifies the recipient's answer content. */
  open(): Promise<OpenedContent[]>;
}

/**
 * The orders a client sends. On `OsciClient` each runs in an implicit dialog, except fetchDelivery and
 * mediateDelivery, which need an explicit one and get a short one of their own; on `OsciDialog` all run in that
 * dialog, one after another.
 */
export interface OsciOrders {
  getMessageId(): Promise<string>;
  /** Gets a MessageId first unless one is given. */
  storeDelivery(input: StoreDeliveryInput): Promise<DeliveryReceipt>;
  /** `undefined` when no delivery matches (feedback 9803). */
  fetchDelivery(input?: FetchDeliveryInput): Promise<FetchedDelivery | undefined>;
  /** An empty list when no card matches (feedback 9804). */
  fetchProcessCard(input?: FetchProcessCardInput): Promise<ProcessCardBundle[]>;
  /** Gets a MessageId first unless one is given. */
  forwardDelivery(input: ActiveDeliveryInput): Promise<DeliveryReceipt>;
  mediateDelivery(input: ActiveDeliveryInput): Promise<MediatedAnswer>;
  /**
   * Sends an order built by the caller: the ControlBlock's ConversationId, SequenceNumber, Response and
   * Challenge are filled in for the dialog unless `keepControlBlock` is set (for conformance tests).
   */
  send<R extends OsciResponse = OsciResponse>(
    request: OsciRequest,
    options?: { readonly attachments?: readonly WireAttachment[]; readonly keepControlBlock?: boolean },
  ): Promise<Exchange<R>>;
}

/** An explicit dialog (initDialog … exitDialog). Its orders run one after another. */
export interface OsciDialog extends OsciOrders {
  readonly conversationId: string;
  /** SequenceNumber of the next order. */
  readonly sequenceNumber: number;
  readonly closed: boolean;
  /** exitDialog. */
  close(): Promise<void>;
}

export interface OsciClient extends OsciOrders {
  openDialog(): Promise<OsciDialog>;
  close(): Promise<void>;
}

function challenge(): string {
  return randomBytes(16).toString('base64');
}

const RESPONSE_TYPE: Readonly<Record<string, string>> = {
  initDialog: 'responseToInitDialog',
  exitDialog: 'responseToExitDialog',
  getMessageId: 'responseToGetMessageId',
  storeDelivery: 'responseToStoreDelivery',
  fetchDelivery: 'responseToFetchDelivery',
  fetchProcessCard: 'responseToFetchProcessCard',
  forwardDelivery: 'responseToForwardDelivery',
  mediateDelivery: 'responseToMediateDelivery',
  partialStoreDelivery: 'responseToPartialStoreDelivery',
  partialFetchDelivery: 'responseToPartialFetchDelivery',
};

function feedbackOf(message: OsciResponse): Feedback | undefined {
  const m = message as unknown as Record<string, { feedback?: Feedback } | undefined>;
  const block = m[message.type];
  return block?.feedback;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Creates a client for an OSCI-Transport 1.2 intermediary over HTTP(S) (undici). Every order is signed with
 * the client's key, encrypted for the intermediary, and answers must be encrypted for the client and signed
 * by the configured intermediary certificate. Feedback errors and SOAP faults become `OsciError`
 * `FEEDBACK_ERROR` with `details.feedbackCode`.
 */
export function createOsciClient(options: OsciClientOptions): OsciClient {
  if (options.trustAnchors.length === 0)
    throw new OsciError('OPTIONS_INVALID', 'the client needs trust anchors');
  const signatureCertificate = options.signer.certificateChain[0];
  if (signatureCertificate === undefined)
    throw new OsciError('OPTIONS_INVALID', 'signer needs a certificate');
  const ownCipher = osciCertificate(options.decryption.certificate);
  const ownSignature = osciCertificate(signatureCertificate);
  const intermediaryPin = sha256(
    certificateDerList(options.intermediaryCertificates.signature)[0] as Uint8Array,
  );
  const ownDispatcher =
    options.dispatcher === undefined
      ? createDispatcher(
          options.timeouts ?? {},
          options.tlsCa === undefined ? undefined : { ca: options.tlsCa },
        )
      : undefined;
  const dispatcher = options.dispatcher ?? (ownDispatcher as Dispatcher);
  const languages = options.languages ?? ['de'];
  const retries = { attempts: options.retries?.attempts ?? 2, delayMs: options.retries?.delayMs ?? 200 };

  const common = () => ({
    desiredLanguages: { id: 'desiredlanguages', languages },
    bodyId: 'body',
  });
  const ownCertificates = (
    extra: Partial<NonIntermediaryCertificates> = {},
  ): NonIntermediaryCertificates => ({
    id: 'nonintermediarycertificates',
    cipherCertificateOriginator: ownCipher,
    signatureCertificateOriginator: ownSignature,
    ...extra,
  });

  async function exchangeOnce<R extends OsciResponse>(
    request: OsciRequest,
    attachments: readonly WireAttachment[],
  ): Promise<Exchange<R>> {
    const wire = await packOrder(request, {
      signer: options.signer,
      encryptFor: options.intermediaryCertificates.encryption,
      attachments,
    });
    const answer = await postWire(options.url, wire, {
      dispatcher,
      ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    });
    let unpacked: Awaited<ReturnType<typeof unpackOrder>>;
    try {
      unpacked = await unpackOrder(answer.body, {
        ...trustOptionsOf(options),
        decryption: options.decryption,
        ...(answer.contentType === undefined ? {} : { contentType: answer.contentType }),
      });
    } catch (error) {
      if (answer.status !== 200 && !(error instanceof OsciError && error.code === 'FEEDBACK_ERROR')) {
        throw new OsciError('HTTP_STATUS', `the intermediary answered with HTTP ${answer.status}`, {
          details: { status: answer.status },
          cause: error,
        });
      }
      throw error;
    }
    if (sha256(unpacked.signer.certificateDer) !== intermediaryPin) {
      throw new OsciError('SIGNATURE_INVALID', 'the answer is not signed by the configured intermediary', {
        details: { subject: unpacked.signer.subject },
      });
    }
    const message = unpacked.message as OsciResponse;
    if (message.type !== RESPONSE_TYPE[request.type]) {
      throw new OsciError('MESSAGE_INVALID', `expected ${RESPONSE_TYPE[request.type]}, got ${message.type}`);
    }
    const cb = message.controlBlock as ControlBlock;
    if (cb.response !== (request.controlBlock as ControlBlock).challenge) {
      throw new OsciError(
        'DIALOG_RESPONSE_MISMATCH',
        'the answer does not return the challenge of the order',
      );
    }
    return { message: message as R, attachments: unpacked.attachments, signer: unpacked.signer };
  }

  async function exchange<R extends OsciResponse>(
    build: () => OsciRequest,
    attachments: readonly WireAttachment[],
    idempotent: boolean,
  ): Promise<Exchange<R>> {
    for (let attempt = 0; ; attempt++) {
      const request = build();
      try {
        return await exchangeOnce<R>(request, attachments);
      } catch (error) {
        const transient =
          error instanceof OsciError &&
          (error.code === 'HTTP_ERROR' || error.code === 'TIMEOUT' || error.code === 'HTTP_STATUS');
        const notSent = transient && error.details?.notSent === true;
        if (attempt >= retries.attempts || !(notSent || (idempotent && transient))) throw error;
        await sleep(retries.delayMs * (attempt + 1));
      }
    }
  }

  /** Throws the first error feedback of an answer. */
  function check(message: OsciResponse): Feedback {
    const fb = feedbackOf(message);
    if (fb !== undefined) {
      const error = feedbackToError(fb);
      if (error) throw error;
    }
    return fb ?? ([{ code: '0800', text: '' }] as unknown as Feedback);
  }

  /** The order layer of a conversation: implicit (one order) or explicit (a dialog). */
  interface Channel {
    send<R extends OsciResponse>(
      request: OsciRequest,
      attachments: readonly WireAttachment[],
      keep?: boolean,
    ): Promise<Exchange<R>>;
  }

  const implicit: Channel = {
    send<R extends OsciResponse>(request: OsciRequest, attachments: readonly WireAttachment[], keep = false) {
      const build = () =>
        keep
          ? request
          : ({
              ...request,
              controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: challenge() },
            } as OsciRequest);
      return exchange<R>(build, attachments, request.type === 'getMessageId');
    },
  };

  // --- orders, shared by the client (implicit) and dialogs (explicit) ----------------------------------

  async function getMessageIdOn(channel: Channel): Promise<string> {
    const { message } = await channel.send<ResponseToGetMessageId>(
      {
        type: 'getMessageId',
        controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: '' },
        nonIntermediaryCertificates: ownCertificates(),
        ...common(),
      },
      [],
    );
    check(message);
    const id = message.responseToGetMessageId.messageId;
    if (id === undefined) throw new OsciError('MESSAGE_INVALID', 'responseToGetMessageId without MessageId');
    return id;
  }

  const features: FeatureDescription = {
    id: 'featuredescription',
    supportedFeatures: [{ key: 'PartialMessageTransmission', version: '1.0' }],
  };

  function storeRequest(input: StoreDeliveryInput, messageId: string): StoreDelivery {
    return {
      type: 'storeDelivery',
      controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: challenge() },
      qualityOfTimestamp: {
        creation: { id: 'qot-creation', quality: 'plain' },
        reception: { id: 'qot-reception', quality: 'plain' },
      },
      storeDelivery: {
        id: 'storedelivery',
        messageId,
        ...(input.subject === undefined ? {} : { subject: input.subject }),
      },
      nonIntermediaryCertificates: {
        ...ownCertificates(),
        cipherCertificateAddressee: osciCertificate(input.addresseeCipherCertificate),
      },
      contentPackage: input.content.contentPackage,
      ...common(),
    };
  }

  /** partialStoreDelivery: the packed storeDelivery (signed, encrypted for the intermediary) in chunks. */
  async function storeChunkedOn(
    channel: Channel,
    input: StoreDeliveryInput,
    chunkSize: number,
  ): Promise<DeliveryReceipt> {
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
      throw new OsciError('OPTIONS_INVALID', 'chunkSize must be a positive integer');
    }
    const messageId = input.messageId ?? (await getMessageIdOn(channel));
    const wire = await packOrder(storeRequest(input, messageId), {
      signer: options.signer,
      encryptFor: options.intermediaryCertificates.encryption,
      attachments: input.content.attachments,
    });
    const whole = Buffer.concat([
      Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${wire.contentType}\r\n\r\n`, 'latin1'),
      ...wire.chunks,
    ]);
    const total = Math.ceil(whole.byteLength / chunkSize);
    let last: ResponseToPartialStoreDelivery | undefined;
    for (let number = 1; number <= total; number++) {
      const contentId = `chunk-${number}@egovkit`;
      const { message } = await channel.send<ResponseToPartialStoreDelivery>(
        {
          type: 'partialStoreDelivery',
          controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: '' },
          partialStoreDelivery: {
            id: 'partialstoredelivery',
            messageId,
            ...(input.subject === undefined ? {} : { subject: input.subject }),
            chunk: {
              chunkInformation: {
                chunkNumber: number,
                chunkSize,
                totalChunkNumbers: total,
                totalMessageSize: whole.byteLength,
              },
            },
          },
          nonIntermediaryCertificates: {
            ...ownCertificates(),
            cipherCertificateAddressee: osciCertificate(input.addresseeCipherCertificate),
          },
          featureDescription: features,
          contentPackage: {
            contentContainers: [
              { id: 'chunk', contents: [{ kind: 'attachment', href: `cid:${contentId}` }] },
            ],
          },
          ...common(),
        },
        [{ contentId, data: whole.subarray((number - 1) * chunkSize, number * chunkSize) }],
      );
      check(message);
      last = message;
    }
    const block = last?.responseToPartialStoreDelivery;
    const inside = block?.insideFeedback;
    if (inside === undefined) {
      throw new OsciError('MESSAGE_INVALID', 'the last chunk was answered without InsideFeedback');
    }
    const error = feedbackToError(inside);
    if (error) throw error;
    return { messageId, processCard: block?.processCardBundle, feedback: inside };
  }

  async function storeOn(channel: Channel, input: StoreDeliveryInput): Promise<DeliveryReceipt> {
    if (input.chunkSize !== undefined) return storeChunkedOn(channel, input, input.chunkSize);
    const messageId = input.messageId ?? (await getMessageIdOn(channel));
    // The channel fills in the ControlBlock (challenge, sequence number) of the dialog it belongs to.
    const { message } = await channel.send<ResponseToStoreDelivery>(
      storeRequest(input, messageId),
      input.content.attachments,
    );
    const feedback = check(message);
    return { messageId, processCard: message.responseToStoreDelivery.processCardBundle, feedback };
  }

  /** partialFetchDelivery: the answer of a fetchDelivery in chunks, put together and checked. */
  async function fetchChunkedOn(
    channel: Channel,
    selectionRule: DeliverySelectionRule | undefined,
    chunkSize: number,
  ): Promise<Exchange<ResponseToFetchDelivery> | undefined> {
    const parts: Buffer[] = [];
    const received: number[] = [];
    let total = 1;
    let size = 0;
    let messageId: string | undefined;
    for (let number = 1; number <= total; number++) {
      const rule = messageId !== undefined ? { messageId } : selectionRule;
      let answer: Exchange<ResponseToPartialFetchDelivery>;
      try {
        answer = await channel.send<ResponseToPartialFetchDelivery>(
          {
            type: 'partialFetchDelivery',
            controlBlock: {
              id: 'controlblock',
              conversationId: '0',
              sequenceNumber: 0,
              response: '',
              challenge: '',
            },
            partialFetchDelivery: {
              id: 'partialfetchdelivery',
              ...(rule === undefined ? {} : { selectionRule: rule }),
              chunkInformation: { chunkNumber: number, chunkSize, receivedChunks: [...received] },
            },
            nonIntermediaryCertificates: ownCertificates(),
            featureDescription: features,
            ...common(),
          },
          [],
        );
      } catch (error) {
        if (number === 1 && error instanceof OsciError && error.details?.feedbackCode === '9803')
          return undefined;
        throw error;
      }
      check(answer.message);
      const block = answer.message.responseToPartialFetchDelivery;
      if (number === 1) {
        total = block.chunkInformation.totalChunkNumbers;
        size = block.chunkInformation.totalMessageSize;
        messageId = block.messageId;
      } else if (block.chunkInformation.totalMessageSize !== size || block.messageId !== messageId) {
        throw new OsciError('MESSAGE_INVALID', 'the chunks belong to different answers');
      }
      const [part, ...extra] = [...answer.attachments.values()];
      if (part === undefined || extra.length > 0 || block.chunkInformation.chunkNumber !== number) {
        throw new OsciError('MESSAGE_INVALID', 'a chunk answer must carry exactly its chunk');
      }
      parts.push(part);
      received.push(number);
    }
    const whole = Buffer.concat(parts);
    if (whole.byteLength !== size)
      throw new OsciError('MESSAGE_INVALID', 'the chunks do not add up to the message');
    const inner = await unpackOrder(whole, {
      ...trustOptionsOf(options),
      decryption: options.decryption,
      contentType: 'multipart/related',
    });
    if (
      sha256(inner.signer.certificateDer) !== intermediaryPin ||
      inner.message.type !== 'responseToFetchDelivery'
    ) {
      throw new OsciError(
        'SIGNATURE_INVALID',
        'the reassembled answer is not a responseToFetchDelivery of the intermediary',
      );
    }
    return { message: inner.message, attachments: inner.attachments, signer: inner.signer };
  }

  async function fetchOn(
    channel: Channel,
    input: FetchDeliveryInput = {},
  ): Promise<FetchedDelivery | undefined> {
    const selectionRule =
      input.messageId !== undefined
        ? { messageId: input.messageId }
        : input.receivedAfter !== undefined
          ? { receptionOfDelivery: input.receivedAfter.toISOString() }
          : undefined;
    if (input.chunkSize !== undefined) {
      const chunked = await fetchChunkedOn(channel, selectionRule, input.chunkSize);
      return chunked === undefined ? undefined : fetched(chunked.message, chunked.attachments, input);
    }
    const { message, attachments } = await channel.send<ResponseToFetchDelivery>(
      {
        type: 'fetchDelivery',
        controlBlock: {
          id: 'controlblock',
          conversationId: '0',
          sequenceNumber: 0,
          response: '',
          challenge: '',
        },
        fetchDelivery: { id: 'fetchdelivery', ...(selectionRule === undefined ? {} : { selectionRule }) },
        nonIntermediaryCertificates: ownCertificates(),
        ...common(),
      },
      [],
    );
    if (message.responseToFetchDelivery.feedback.some((entry) => entry.code === '9803')) return undefined;
    return fetched(message, attachments, input);
  }

  function fetched(
    message: ResponseToFetchDelivery,
    attachments: ReadonlyMap<string, Buffer>,
    input: FetchDeliveryInput,
  ): FetchedDelivery {
    const block = message.responseToFetchDelivery;
    check(message);
    const bundle = block.processCardBundle;
    const contentPackage = message.contentPackage;
    return {
      messageId: bundle?.messageId ?? input.messageId ?? '',
      subject: bundle?.processCard.subject,
      processCard: bundle,
      certificates: message.nonIntermediaryCertificates,
      contentPackage,
      attachments,
      moreWaiting: block.feedback.some((entry) => entry.code === '3800'),
      open: () =>
        openContent(contentPackage, attachments, {
          ...trustOptionsOf(options),
          decryption: options.decryption,
        }),
    };
  }

  async function fetchCardsOn(
    channel: Channel,
    input: FetchProcessCardInput = {},
  ): Promise<ProcessCardBundle[]> {
    let selectionRule: ProcessCardSelectionRule | undefined;
    if (input.messageIds !== undefined) selectionRule = { messageIds: input.messageIds };
    else if (input.since !== undefined || input.role !== undefined || input.noReception !== undefined) {
      const date = {
        value: (input.since?.date ?? new Date(0)).toISOString(),
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(input.noReception === undefined ? {} : { noReception: input.noReception }),
      };
      selectionRule =
        input.since?.by === 'reception' ? { receptionOfDelivery: date } : { recentModification: date };
    }
    const block: FetchProcessCardBlock = {
      ...(selectionRule === undefined ? {} : { selectionRule }),
      ...(input.limit === undefined ? {} : { quantityLimit: input.limit }),
    };
    const { message } = await channel.send<ResponseToFetchProcessCard>(
      {
        type: 'fetchProcessCard',
        controlBlock: {
          id: 'controlblock',
          conversationId: '0',
          sequenceNumber: 0,
          response: '',
          challenge: '',
        },
        fetchProcessCard: block,
        nonIntermediaryCertificates: ownCertificates(),
        ...common(),
      },
      [],
    );
    if (message.responseToFetchProcessCard.feedback.some((entry) => entry.code === '9804')) return [];
    check(message);
    return [...message.responseToFetchProcessCard.processCardBundles];
  }

  function activeCertificates(input: ActiveDeliveryInput): NonIntermediaryCertificates {
    return ownCertificates(
      input.addresseeCipherCertificate === undefined
        ? {}
        : { cipherCertificateAddressee: osciCertificate(input.addresseeCipherCertificate) },
    );
  }

  async function forwardOn(channel: Channel, input: ActiveDeliveryInput): Promise<DeliveryReceipt> {
    const messageId = input.messageId ?? (await getMessageIdOn(channel));
    const { message } = await channel.send<ResponseToForwardDelivery>(
      {
        type: 'forwardDelivery',
        controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: '' },
        qualityOfTimestamp: {
          creation: { id: 'qot-creation', quality: 'plain' },
          reception: { id: 'qot-reception', quality: 'plain' },
        },
        forwardDelivery: {
          id: 'forwarddelivery',
          contentReceiverUri: input.recipientUrl,
          messageId,
          ...(input.subject === undefined ? {} : { subject: input.subject }),
        },
        nonIntermediaryCertificates: activeCertificates(input),
        contentPackage: input.content.contentPackage,
        ...common(),
      },
      input.content.attachments,
    );
    const feedback = check(message);
    return { messageId, processCard: message.responseToForwardDelivery.processCardBundle, feedback };
  }

  async function mediateOn(channel: Channel, input: ActiveDeliveryInput): Promise<MediatedAnswer> {
    const messageId = input.messageId ?? (await getMessageIdOn(channel));
    const { message, attachments } = await channel.send<ResponseToMediateDelivery>(
      {
        type: 'mediateDelivery',
        controlBlock: {
          id: 'controlblock',
          conversationId: '0',
          sequenceNumber: 0,
          response: '',
          challenge: '',
        },
        mediateDelivery: {
          id: 'mediatedelivery',
          contentReceiverUri: input.recipientUrl,
          messageId,
          ...(input.subject === undefined ? {} : { subject: input.subject }),
        },
        nonIntermediaryCertificates: activeCertificates(input),
        contentPackage: input.content.contentPackage,
        ...common(),
      },
      input.content.attachments,
    );
    const feedback = check(message);
    const block = message.responseToMediateDelivery;
    const contentPackage = message.contentPackage;
    return {
      messageId,
      requestProcessCard: block.requestProcessCardBundle,
      replyProcessCard: block.replyProcessCardBundle,
      contentPackage,
      attachments,
      feedback,
      open: () =>
        openContent(contentPackage, attachments, {
          ...trustOptionsOf(options),
          decryption: options.decryption,
        }),
    };
  }

  async function openDialog(): Promise<OsciDialog> {
    const first = challenge();
    const { message } = await exchange<OsciResponse>(
      () => ({
        type: 'initDialog',
        controlBlock: { id: 'controlblock', challenge: first },
        nonIntermediaryCertificates: { ...ownCertificates(), cipherCertificateOriginator: ownCipher },
        ...common(),
      }),
      [],
      false,
    );
    if (message.type !== 'responseToInitDialog')
      throw new OsciError('MESSAGE_INVALID', 'expected responseToInitDialog');
    check(message);
    const conversationId = message.controlBlock.conversationId;
    let serverChallenge = message.controlBlock.challenge;
    let sequenceNumber = 0;
    let closed = false;
    let queue: Promise<unknown> = Promise.resolve();

    const channel: Channel = {
      send<R extends OsciResponse>(
        request: OsciRequest,
        attachments: readonly WireAttachment[],
        keep = false,
      ) {
        const run = async (): Promise<Exchange<R>> => {
          if (closed) throw new OsciError('DIALOG_CLOSED', 'the dialog is closed');
          const sent = keep
            ? request
            : ({
                ...request,
                controlBlock: {
                  id: 'controlblock',
                  conversationId,
                  sequenceNumber,
                  response: serverChallenge,
                  challenge: challenge(),
                },
              } as OsciRequest);
          const result = await exchange<R>(() => sent, attachments, false);
          const cb = result.message.controlBlock as ControlBlock;
          if (!keep) {
            if (cb.conversationId !== conversationId || cb.sequenceNumber !== sequenceNumber) {
              throw new OsciError('DIALOG_SEQUENCE', 'the answer belongs to another conversation or order', {
                details: { conversationId: cb.conversationId, sequenceNumber: cb.sequenceNumber },
              });
            }
            sequenceNumber++;
            if (cb.challenge !== undefined) serverChallenge = cb.challenge;
          }
          return result;
        };
        const next = queue.then(run, run);
        queue = next.catch(() => undefined);
        return next;
      },
    };

    const dialog: OsciDialog = {
      conversationId,
      get sequenceNumber() {
        return sequenceNumber;
      },
      get closed() {
        return closed;
      },
      getMessageId: () => getMessageIdOn(channel),
      storeDelivery: (input) => storeOn(channel, input),
      fetchDelivery: (input) => fetchOn(channel, input),
      fetchProcessCard: (input) => fetchCardsOn(channel, input),
      forwardDelivery: (input) => forwardOn(channel, input),
      mediateDelivery: (input) => mediateOn(channel, input),
      send: (request, sendOptions = {}) =>
        channel.send(request, sendOptions.attachments ?? [], sendOptions.keepControlBlock === true),
      async close() {
        if (closed) return;
        const { message: answer } = await channel.send<OsciResponse>(
          {
            type: 'exitDialog',
            controlBlock: {
              id: 'controlblock',
              conversationId,
              sequenceNumber: 0,
              response: '',
              challenge: '',
            },
            ...common(),
          },
          [],
        );
        closed = true;
        check(answer);
      },
    };
    return dialog;
  }

  async function inDialog<T>(work: (dialog: OsciDialog) => Promise<T>): Promise<T> {
    const dialog = await openDialog();
    try {
      return await work(dialog);
    } finally {
      await dialog.close().catch(() => undefined);
    }
  }

  return {
    getMessageId: () => getMessageIdOn(implicit),
    storeDelivery: (input) => storeOn(implicit, input),
    fetchDelivery: (input) => inDialog((dialog) => dialog.fetchDelivery(input)),
    fetchProcessCard: (input) => inDialog((dialog) => dialog.fetchProcessCard(input)),
    forwardDelivery: (input) => forwardOn(implicit, input),
    mediateDelivery: (input) => inDialog((dialog) => dialog.mediateDelivery(input)),
    openDialog,
    send: (request, sendOptions = {}) =>
      implicit.send(request, sendOptions.attachments ?? [], sendOptions.keepControlBlock === true),
    async close() {
      await ownDispatcher?.close();
    },
  };
}
