import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Agent } from 'undici';
import { parseOsciMessage } from '../codec/parse.js';
import { OsciError } from '../errors.js';
import { FEEDBACK_CODES } from '../feedback.js';
import type { SignerCredentials } from '../layers/carrier.js';
import type { OsciOrder } from '../layers/order.js';
import type {
  AcceptDelivery,
  Certificate,
  ControlBlock,
  DeliverySelectionRule,
  FeatureDescription,
  Feedback,
  FeedbackEntry,
  FetchDelivery,
  FetchProcessCard,
  ForwardDelivery,
  InitDialog,
  Inspection,
  IntermediaryCertificates,
  MediateDelivery,
  NonIntermediaryCertificates,
  OsciRequest,
  PartialFetchDelivery,
  PartialStoreDelivery,
  ProcessCardBundle,
  ProcessDelivery,
  ResponseToExitDialog,
  ResponseToFetchDelivery,
  ResponseToFetchProcessCard,
  ResponseToForwardDelivery,
  ResponseToGetMessageId,
  ResponseToInitDialog,
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
  type KeyUsageName,
  type TrustOptions,
  trustOptionsOf,
  validateCertificate,
} from '../security/certificates.js';
import { readBody, writeWire } from '../transport/http.js';
import { createDispatcher, type HttpTimeouts, postWire } from '../transport/post.js';
import { codeForFailure } from '../transport/refusal.js';
import {
  certificateDer,
  type DecryptionCredentials,
  osciCertificate,
  packFault,
  packOrder,
  type UnpackedOrder,
  unpackOrder,
  type WireAttachment,
  type WireMessage,
} from '../transport/wire.js';
import { type ChunkLimits, ChunkStore } from './chunks.js';
import { type DialogState, Dialogs, dialogRefusal, newChallenge, newConversationId } from './dialogs.js';
import { Mailbox, type ProcessCardRecord, processCardBundle } from './mailbox.js';

/** An active recipient the intermediary forwards and mediates to. */
export interface ActiveRecipient {
  /** URL of the recipient's OSCI endpoint (see `createRecipientHandler`). */
  readonly url: string;
  /** The recipient's encryption certificate (PEM or DER): identifies it and is used to encrypt for it. */
  readonly cipherCertificate: CertificateInput;
  /** When given, the recipient's answers must be signed with this certificate. */
  readonly signatureCertificate?: CertificateInput;
}

/**
 * Trust settings every certificate must meet (clients, addressees, recipients). Certificates in orders come
 * without their chain: `intermediates` help to build paths, and so do the CA certificates of
 * `signer.certificateChain`. `at` fixes the validation time (default: the time of each check).
 */
export interface IntermediaryOptions extends TrustOptions {
  /** Directory of the mailbox, MessageIds and process cards; created if missing. */
  readonly dataDir: string;
  /** Signs responses (SupplierSignature) and forwarded orders (ClientSignature). */
  readonly signer: SignerCredentials;
  /** Opens orders encrypted for the intermediary. */
  readonly decryption: DecryptionCredentials;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Serve HTTPS with this key and certificate chain (PEM) instead of plain HTTP; TLS 1.2 at least. */
  readonly tls?: { readonly key: string; readonly certificateChain: string };
  /** Active recipients for forwardDelivery and mediateDelivery. */
  readonly activeRecipients?: readonly ActiveRecipient[];
  /** Largest accepted request body; default 512 MiB. */
  readonly maxBodyBytes?: number;
  /** Time to receive a whole request body; default 120 s. */
  readonly bodyTimeoutMs?: number;
  /** Explicit dialogs idle longer than this are forgotten; default 10 minutes. */
  readonly dialogIdleMs?: number;
  /** Timeouts of the calls to active recipients. */
  readonly recipientTimeouts?: HttpTimeouts;
  /** Extra CA certificates (PEM) for HTTPS to active recipients. */
  readonly recipientTlsCa?: string | readonly string[];
  /** Limits of chunked transfer (partialStoreDelivery, partialFetchDelivery). */
  readonly chunkLimits?: Partial<ChunkLimits>;
  /** Called with every refusal (code and reason), e.g. for logging. */
  readonly onRefusal?: (refusal: {
    readonly code: string;
    readonly reason: string;
    readonly error: unknown;
  }) => void;
}

/** A running intermediary. */
export interface Intermediary {
  /** `http://127.0.0.1:<port>/` (`https://` with `tls`) */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** The intermediary's certificates as clients need them (PEM/DER as configured). */
  readonly certificates: { readonly signature: CertificateInput; readonly encryption: CertificateInput };
  /** Number of open explicit dialogs. */
  readonly openDialogs: () => number;
  /** Stops accepting requests, waits for running ones and closes connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Handled {
  readonly message: OsciOrder;
  readonly attachments?: readonly WireAttachment[];
}

const LANGUAGE = 'de';

function feedback(...codes: string[]): Feedback {
  const entries = codes.map(
    (code): FeedbackEntry => ({ code, text: FEEDBACK_CODES.get(code)?.de ?? code, lang: LANGUAGE }),
  );
  return entries as unknown as Feedback;
}

function refuse(code: string, reason: string, cause?: unknown): OsciError {
  return new OsciError('FEEDBACK_ERROR', reason, {
    details: { feedbackCode: code },
    ...(cause === undefined ? {} : { cause }),
  });
}

function now(): string {
  return new Date().toISOString();
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Decimal text of a hex serial number (`xsd:integer`). */
function decimalSerial(hex: string): string {
  return BigInt(`0x${hex === '' ? '0' : hex}`).toString(10);
}

function inspection(info: CertificateInfo): Inspection {
  return {
    timestamp: { kind: 'plain', time: now() },
    x509SubjectName: info.subject,
    x509IssuerName: info.issuer,
    x509SerialNumber: decimalSerial(info.serialNumber),
    certType: 'advanced',
    mathResult: 'ok',
    offlineResult: 'valid',
  };
}

/** The codes for a certificate of each role that fails its check: [not valid, revoked]. */
const CERTIFICATE_CODES = {
  clientCipher: ['9501', '9502'],
  addresseeCipher: ['9706', '9707'],
  authorCipher: ['9704', '9705'],
  readerCipher: ['9708', '9709'],
  addresseeSignature: ['9711', '9712'],
  clientSignature: ['9700', '9701'],
} as const;

type CertificateRole = keyof typeof CERTIFICATE_CODES;

/**
 * Starts a local OSCI-Transport 1.2 intermediary on node:http (127.0.0.1 and a free port by default): explicit
 * and implicit dialogs, getMessageId, storeDelivery into a durable filesystem mailbox, fetchDelivery and
 * fetchProcessCard by the addressee, forwardDelivery → acceptDelivery and mediateDelivery → processDelivery
 * to configured active recipients. Every order must be encrypted for the intermediary and signed by a
 * certificate that chains to the trust anchors; refusals are SOAP faults with the OSCI feedback code.
 */
export async function startIntermediary(options: IntermediaryOptions): Promise<Intermediary> {
  if (options.trustAnchors.length === 0) {
    throw new OsciError('OPTIONS_INVALID', 'the intermediary needs at least one trust anchor');
  }
  const mailbox = await Mailbox.open(options.dataDir);
  const dialogs = new Dialogs(options.dialogIdleMs ?? 10 * 60_000);
  const signatureCertificate = options.signer.certificateChain[0];
  if (signatureCertificate === undefined)
    throw new OsciError('OPTIONS_INVALID', 'signer needs a certificate');
  const intermediaryCertificates: IntermediaryCertificates = {
    id: 'intermediarycertificates',
    cipherCertificateIntermediary: osciCertificate(options.decryption.certificate, 'cipher-intermediary'),
    signatureCertificateIntermediary: osciCertificate(signatureCertificate, 'signature-intermediary'),
  };
  const recipients = (options.activeRecipients ?? []).map((recipient) => ({
    ...recipient,
    cipher: osciCertificate(recipient.cipherCertificate),
    key: sha256Hex(certificateDer(osciCertificate(recipient.cipherCertificate))),
    pin:
      recipient.signatureCertificate === undefined
        ? undefined
        : sha256Hex(certificateDer(osciCertificate(recipient.signatureCertificate))),
  }));
  const agent: Agent = createDispatcher(
    options.recipientTimeouts ?? {},
    options.recipientTlsCa === undefined ? undefined : { ca: options.recipientTlsCa },
  );
  // Certificates in orders come without their chain: the CA certificates of the intermediary's own chain help
  // to build paths (they are not trusted by that; only the trust anchors are).
  const ownCas = options.signer.certificateChain.flatMap((entry) => certificateDerList(entry)).slice(1);
  const validation = {
    ...trustOptionsOf(options),
    intermediates: [...(options.intermediates ?? []), ...ownCas],
  };

  const validated = new Map<string, { readonly info: CertificateInfo; readonly until: number }>();

  async function checkCertificate(certificate: Certificate, role: CertificateRole): Promise<Inspection> {
    const keyUsage: KeyUsageName[] = role.endsWith('Cipher')
      ? ['keyEncipherment', 'dataEncipherment', 'keyAgreement']
      : ['digitalSignature', 'nonRepudiation'];
    const der = certificateDer(certificate);
    const cacheKey = `${keyUsage[0]}:${sha256Hex(der)}`;
    const cached = validated.get(cacheKey);
    const time = Date.now();
    const validAt = options.at?.getTime() ?? time;
    if (cached !== undefined && cached.until > time && cached.info.notAfter.getTime() > validAt) {
      return inspection(cached.info);
    }
    try {
      const info = await validateCertificate(der, { ...validation, keyUsage });
      // A successful check is reused for a minute (chain building is the costly part); failures never are.
      if (validated.size >= 1000) validated.clear();
      validated.set(cacheKey, { info, until: time + 60_000 });
      return inspection(info);
    } catch (error) {
      const [invalid, revoked] = CERTIFICATE_CODES[role];
      const isRevoked = error instanceof OsciError && error.details?.reason === 'revoked';
      throw refuse(
        isRevoked ? revoked : invalid,
        `${role} certificate refused: ${(error as Error).message}`,
        error,
      );
    }
  }

  /** Checks the certificates a delivery names, returns their inspections. */
  async function checkDeliveryCertificates(
    certs: NonIntermediaryCertificates | undefined,
  ): Promise<Inspection[]> {
    const out: Inspection[] = [];
    if (certs === undefined) return out;
    if (certs.cipherCertificateAddressee)
      out.push(await checkCertificate(certs.cipherCertificateAddressee, 'addresseeCipher'));
    for (const c of certs.cipherCertificateOtherAuthors ?? [])
      out.push(await checkCertificate(c, 'authorCipher'));
    for (const c of certs.cipherCertificateOtherReaders ?? [])
      out.push(await checkCertificate(c, 'readerCipher'));
    if (certs.signatureCertificateAddressee) {
      out.push(await checkCertificate(certs.signatureCertificateAddressee, 'addresseeSignature'));
    }
    return out;
  }

  function controlFor(
    request: OsciRequest,
    dialog: DialogState | undefined,
    next: string | undefined,
  ): ControlBlock {
    const cb = request.controlBlock as ControlBlock;
    return {
      id: 'controlblock',
      conversationId: dialog?.conversationId ?? newConversationId(),
      ...(cb.sequenceNumber === undefined ? {} : { sequenceNumber: cb.sequenceNumber }),
      ...(cb.challenge === undefined ? {} : { response: cb.challenge }),
      ...(next === undefined ? {} : { challenge: next }),
    };
  }

  /** The explicit dialog of a request, checked and locked; `undefined` for an implicit dialog. */
  function dialogOf(request: OsciRequest, owner: string): DialogState | undefined {
    const cb = request.controlBlock as ControlBlock;
    if (request.type === 'initDialog') return undefined;
    if (cb.conversationId === undefined) {
      if (cb.sequenceNumber !== 0) throw dialogRefusal('an implicit dialog has SequenceNumber 0');
      return undefined;
    }
    return dialogs.enter(cb, owner);
  }

  function resolveRecipient(request: ForwardDelivery | MediateDelivery, uri: string) {
    const addressee = request.nonIntermediaryCertificates?.cipherCertificateAddressee;
    const byCertificate =
      addressee === undefined
        ? undefined
        : recipients.find((r) => r.key === sha256Hex(certificateDer(addressee)));
    const recipient = byCertificate ?? recipients.find((r) => r.url === uri);
    if (recipient === undefined) {
      throw new OsciError('FEEDBACK_ERROR', 'no active recipient is configured for this addressee', {
        details: { feedbackCode: '9809', contentReceiver: uri },
      });
    }
    return recipient;
  }

  /** Sends acceptDelivery/processDelivery to an active recipient and returns its verified answer. */
  async function callRecipient(
    recipient: (typeof recipients)[number],
    order: AcceptDelivery | ProcessDelivery,
    attachments: readonly WireAttachment[],
  ): Promise<UnpackedOrder> {
    const wire = await packOrder(order, {
      signer: options.signer,
      encryptFor: recipient.cipherCertificate,
      attachments,
    });
    let answer: Awaited<ReturnType<typeof postWire>>;
    try {
      answer = await postWire(recipient.url, wire, {
        dispatcher: agent,
        ...(options.recipientTimeouts === undefined ? {} : { timeouts: options.recipientTimeouts }),
        maxResponseBytes: options.maxBodyBytes ?? 512 * 1024 * 1024,
      });
    } catch (error) {
      throw refuse('9809', 'the delivery did not reach the recipient', error);
    }
    let unpacked: UnpackedOrder;
    try {
      unpacked = await unpackOrder(answer.body, {
        ...validation,
        decryption: options.decryption,
        ...(answer.contentType === undefined ? {} : { contentType: answer.contentType }),
      });
    } catch (error) {
      if (error instanceof OsciError && error.code === 'FEEDBACK_ERROR') {
        const code = String(error.details?.feedbackCode ?? '');
        throw refuse(
          code === '9808' ? '9808' : '9805',
          `the recipient refused the delivery (${code})`,
          error,
        );
      }
      if (error instanceof OsciError && error.details?.stage === 'signature') {
        throw refuse(
          error.code === 'SIGNATURE_MISSING' ? '3802' : '9807',
          'the recipient signature is not valid',
          error,
        );
      }
      throw refuse('9810', 'the answer of the recipient could not be read', error);
    }
    const expected =
      order.type === 'acceptDelivery' ? 'responseToAcceptDelivery' : 'responseToProcessDelivery';
    const message = unpacked.message;
    if (
      message.type !== expected ||
      (message.controlBlock as ControlBlock).response !== order.controlBlock.challenge
    ) {
      throw refuse('9810', `the recipient answered with an unexpected ${message.type}`);
    }
    if (recipient.pin !== undefined && sha256Hex(unpacked.signer.certificateDer) !== recipient.pin) {
      throw refuse('9807', 'the answer is not signed by the configured recipient');
    }
    const block =
      message.type === 'responseToAcceptDelivery'
        ? message.responseToAcceptDelivery
        : message.type === 'responseToProcessDelivery'
          ? message.responseToProcessDelivery
          : undefined;
    const failure = block?.feedback.find((entry) => entry.code.startsWith('9'));
    if (failure !== undefined)
      throw refuse(failure.code === '9808' ? '9808' : '9805', `the recipient refused: ${failure.code}`);
    return unpacked;
  }

  async function handleRequest(unpacked: UnpackedOrder): Promise<Handled> {
    const request = unpacked.message as OsciRequest;
    const owner = unpacked.signer.spkiSha256;
    const clientInspection = inspection(unpacked.signer);
    switch (request.type) {
      case 'initDialog':
        return initDialog(request, owner, clientInspection);
      case 'acceptDelivery':
      case 'processDelivery':
        throw refuse('9300', `${request.type} is sent by an intermediary, not to it`);
      default:
        break;
    }
    const dialog = dialogOf(request, owner);
    try {
      const named = (request as { nonIntermediaryCertificates?: NonIntermediaryCertificates })
        .nonIntermediaryCertificates;
      const clientCipher = dialog?.clientCipherCertificate ?? named?.cipherCertificateOriginator;
      if (clientCipher === undefined) {
        throw refuse('9500', "the client's encryption certificate is missing from the order data");
      }
      const inspections = [clientInspection];
      if (dialog === undefined) inspections.push(await checkCertificate(clientCipher, 'clientCipher'));
      const context: Context = {
        dialog,
        clientCipher,
        client: sha256Hex(certificateDer(clientCipher)),
        inspections,
        next: dialog === undefined ? undefined : newChallenge(),
        owner,
        attachments: [...unpacked.attachments].map(([contentId, data]) => ({ contentId, data })),
        xml: unpacked.xml,
      };
      const handled = await dispatch(request, context);
      if (dialog !== undefined) {
        if (request.type === 'exitDialog') dialogs.close(dialog);
        else
          dialogs.advance(
            dialog,
            (request.controlBlock as ControlBlock).challenge as string,
            context.next as string,
          );
      }
      return { ...handled, encryptFor: clientCipher } as Handled & { encryptFor: Certificate };
    } catch (error) {
      if (dialog !== undefined) dialogs.leave(dialog);
      throw error;
    }
  }

  interface Context {
    readonly dialog: DialogState | undefined;
    readonly clientCipher: Certificate;
    /** SHA-256 hex of the client's encryption certificate: its identity for mailbox and process cards. */
    readonly client: string;
    readonly inspections: Inspection[];
    readonly next: string | undefined;
    /** SPKI SHA-256 of the order's signer. */
    readonly owner: string;
    readonly attachments: readonly WireAttachment[];
    readonly xml: string;
  }

  async function initDialog(
    request: InitDialog,
    owner: string,
    clientInspection: Inspection,
  ): Promise<Handled & { encryptFor: Certificate }> {
    const cipher = request.nonIntermediaryCertificates.cipherCertificateOriginator;
    await checkCertificate(cipher, 'clientCipher');
    void clientInspection;
    const dialog = dialogs.open(owner, cipher, request.controlBlock.challenge);
    const response: ResponseToInitDialog = {
      type: 'responseToInitDialog',
      controlBlock: {
        id: 'controlblock',
        conversationId: dialog.conversationId,
        response: request.controlBlock.challenge,
        challenge: dialog.challenge,
      },
      intermediaryCertificates,
      responseToInitDialog: { feedback: feedback('0801') },
      bodyId: 'body',
    };
    return { message: response, encryptFor: cipher };
  }

  async function dispatch(request: OsciRequest, ctx: Context): Promise<Handled> {
    const ok = ctx.dialog === undefined ? '0800' : '0801';
    switch (request.type) {
      case 'exitDialog': {
        const response: ResponseToExitDialog = {
          type: 'responseToExitDialog',
          controlBlock: {
            id: 'controlblock',
            conversationId: ctx.dialog?.conversationId as string,
            sequenceNumber: request.controlBlock.sequenceNumber,
            response: request.controlBlock.challenge,
          },
          intermediaryCertificates,
          responseToExitDialog: { feedback: feedback('0800') },
          bodyId: 'body',
        };
        return { message: response };
      }
      case 'getMessageId': {
        const messageId = randomBytes(24).toString('base64');
        await mailbox.issueMessageId(messageId, ctx.client);
        const response: ResponseToGetMessageId = {
          type: 'responseToGetMessageId',
          controlBlock: controlFor(request, ctx.dialog, ctx.next) as ResponseToGetMessageId['controlBlock'],
          intermediaryCertificates,
          responseToGetMessageId: { feedback: feedback(ok), messageId },
          bodyId: 'body',
        };
        return { message: response };
      }
      case 'storeDelivery':
        return storeDelivery(request, ctx, ok);
      case 'fetchDelivery':
        return fetchDelivery(request, ctx);
      case 'fetchProcessCard':
        return fetchProcessCard(request, ctx);
      case 'forwardDelivery':
        return forwardDelivery(request, ctx, ok);
      case 'mediateDelivery':
        return mediateDelivery(request, ctx);
      case 'partialStoreDelivery':
        return partialStoreDelivery(request, ctx);
      case 'partialFetchDelivery':
        return partialFetchDelivery(request, ctx);
      default:
        throw refuse('9300', `${request.type} is not an order for an intermediary`);
    }
  }

  async function storeDelivery(request: StoreDelivery, ctx: Context, ok: string): Promise<Handled> {
    const { messageId, subject } = request.storeDelivery;
    const release = mailbox.reserve(messageId);
    try {
      const inspections = [
        ...ctx.inspections,
        ...(await checkDeliveryCertificates(request.nonIntermediaryCertificates)),
      ];
      const addressee = sha256Hex(
        certificateDer(request.nonIntermediaryCertificates.cipherCertificateAddressee),
      );
      const time = now();
      const card: ProcessCardRecord = {
        messageId,
        kind: 'store',
        originator: ctx.client,
        addressee,
        ...(subject === undefined ? {} : { subject }),
        creation: time,
        recentModification: time,
        inspections,
      };
      await mailbox.storeDelivery(card, ctx.xml, ctx.attachments);
      const bundle = processCardBundle(card);
      const response: ResponseToStoreDelivery = {
        type: 'responseToStoreDelivery',
        controlBlock: controlFor(request, ctx.dialog, ctx.next) as ResponseToStoreDelivery['controlBlock'],
        responseToStoreDelivery: {
          id: 'responsetostoredelivery',
          feedback: feedback(ok),
          processCardBundle: bundle,
        },
        intermediaryCertificates,
        bodyId: 'body',
      };
      return { message: response };
    } finally {
      release();
    }
  }

  function selectDelivery(
    client: string,
    rule: DeliverySelectionRule | undefined,
  ): { messageId?: string; more: boolean } {
    const ids = mailbox.deliveries(client);
    if (rule !== undefined && 'messageId' in rule) {
      return { ...(ids.includes(rule.messageId) ? { messageId: rule.messageId } : {}), more: false };
    }
    const after = rule === undefined ? undefined : Date.parse(rule.receptionOfDelivery);
    const candidates = ids.filter((id) => {
      const card = mailbox.card(id);
      if (card === undefined) return false;
      // Without a rule: the deliveries not yet fetched. With ReceptionOfDelivery: those that arrived after it.
      return after === undefined ? card.reception === undefined : Date.parse(card.creation) > after;
    });
    const [first, ...rest] = candidates;
    return { ...(first === undefined ? {} : { messageId: first }), more: rest.length > 0 };
  }

  async function fetchDelivery(request: FetchDelivery, ctx: Context): Promise<Handled> {
    const rule = request.fetchDelivery.selectionRule;
    const selected = selectDelivery(ctx.client, rule);
    const base = {
      type: 'responseToFetchDelivery' as const,
      controlBlock: controlFor(request, ctx.dialog, ctx.next) as ResponseToFetchDelivery['controlBlock'],
      intermediaryCertificates,
      bodyId: 'body',
    };
    const echo = rule === undefined ? {} : { selectionRule: rule };
    const stored =
      selected.messageId === undefined
        ? undefined
        : await mailbox.readDelivery(ctx.client, selected.messageId);
    if (stored === undefined) {
      const response: ResponseToFetchDelivery = {
        ...base,
        responseToFetchDelivery: {
          id: 'responsetofetchdelivery',
          feedback: feedback('9803'),
          fetchDelivery: echo,
        },
      };
      return { message: response };
    }
    const delivery = parseOsciMessage(stored.xml);
    if (delivery.type !== 'storeDelivery')
      throw new OsciError('MAILBOX_CORRUPT', 'stored message is not a storeDelivery');
    let card = stored.card;
    if (card.reception === undefined) {
      // Forwarding: the intermediary builds the message that hands the delivery over; reception: the
      // addressee receives it in the answer to its fetch.
      const time = now();
      card = { ...card, forwarding: time, reception: time, recentModification: time };
      await mailbox.saveCard(card);
    }
    const response: ResponseToFetchDelivery = {
      ...base,
      responseToFetchDelivery: {
        id: 'responsetofetchdelivery',
        feedback: selected.more ? feedback('0801', '3800') : feedback('0801'),
        fetchDelivery: echo,
        processCardBundle: processCardBundle(card),
      },
      nonIntermediaryCertificates: delivery.nonIntermediaryCertificates,
      contentPackage: delivery.contentPackage,
    };
    return {
      message: response,
      attachments: stored.mime.attachments.map((part) => ({ contentId: part.contentId, data: part.body })),
    };
  }

  async function fetchProcessCard(request: FetchProcessCard, ctx: Context): Promise<Handled> {
    const { selectionRule, quantityLimit } = request.fetchProcessCard;
    const visible = mailbox.allCards().filter((card) => {
      const role =
        selectionRule === undefined || 'messageIds' in selectionRule
          ? undefined
          : ('receptionOfDelivery' in selectionRule
              ? selectionRule.receptionOfDelivery
              : selectionRule.recentModification
            ).role;
      const asOriginator = card.originator === ctx.client;
      const asAddressee = card.addressee === ctx.client;
      if (role === 'Originator') return asOriginator;
      if (role === 'Addressee') return asAddressee;
      return asOriginator || asAddressee;
    });
    let matching = visible;
    if (selectionRule !== undefined) {
      if ('messageIds' in selectionRule) {
        matching = visible.filter((card) => selectionRule.messageIds.includes(card.messageId));
      } else {
        const date =
          'receptionOfDelivery' in selectionRule
            ? selectionRule.receptionOfDelivery
            : selectionRule.recentModification;
        const from = Date.parse(date.value);
        matching = visible.filter((card) => {
          if (date.noReception === true && card.reception !== undefined) return false;
          const time =
            'receptionOfDelivery' in selectionRule
              ? (card.reception ?? card.creation)
              : card.recentModification;
          return Date.parse(time) >= from;
        });
      }
    }
    const limit = quantityLimit ?? matching.length;
    const chosen = matching.slice(0, limit);
    const codes = chosen.length === 0 ? ['9804'] : matching.length > limit ? ['0801', '3801'] : ['0801'];
    const response: ResponseToFetchProcessCard = {
      type: 'responseToFetchProcessCard',
      controlBlock: controlFor(request, ctx.dialog, ctx.next) as ResponseToFetchProcessCard['controlBlock'],
      intermediaryCertificates,
      responseToFetchProcessCard: {
        feedback: feedback(...codes),
        fetchProcessCard: request.fetchProcessCard,
        processCardBundles: chosen.map(processCardBundle),
      },
      bodyId: 'body',
    };
    return { message: response };
  }

  /** The process card of a delivery to an active recipient, after checking the certificates it names. */
  async function activeDeliveryCard(
    kind: 'forward' | 'mediate',
    request: ForwardDelivery | MediateDelivery,
    ctx: Context,
    addressee: string,
    messageId: string,
    subject: string | undefined,
  ): Promise<ProcessCardRecord> {
    const inspections = [
      ...ctx.inspections,
      ...(await checkDeliveryCertificates(request.nonIntermediaryCertificates)),
    ];
    const creation = now();
    return {
      messageId,
      kind,
      originator: ctx.client,
      addressee,
      ...(subject === undefined ? {} : { subject }),
      creation,
      forwarding: now(),
      recentModification: creation,
      inspections,
    };
  }

  async function forwardDelivery(request: ForwardDelivery, ctx: Context, ok: string): Promise<Handled> {
    const { messageId, subject, contentReceiverUri } = request.forwardDelivery;
    const recipient = resolveRecipient(request, contentReceiverUri);
    const release = mailbox.reserve(messageId);
    try {
      let card = await activeDeliveryCard('forward', request, ctx, recipient.key, messageId, subject);
      const accept: AcceptDelivery = {
        type: 'acceptDelivery',
        controlBlock: { id: 'controlblock', challenge: newChallenge() },
        desiredLanguages: { id: 'desiredlanguages', languages: [LANGUAGE] },
        acceptDelivery: { id: 'acceptdelivery', processCardBundle: processCardBundle(card) },
        intermediaryCertificates,
        nonIntermediaryCertificates: {
          ...(request.nonIntermediaryCertificates ?? {}),
          id: 'nonintermediarycertificates',
          cipherCertificateOriginator: ctx.clientCipher,
        },
        contentPackage: request.contentPackage,
        bodyId: 'body',
      };
      await mailbox.saveCard(card);
      await callRecipient(recipient, accept, ctx.attachments);
      const reception = now();
      card = { ...card, reception, recentModification: reception };
      await mailbox.saveCard(card);
      const response: ResponseToForwardDelivery = {
        type: 'responseToForwardDelivery',
        controlBlock: controlFor(request, ctx.dialog, ctx.next) as ResponseToForwardDelivery['controlBlock'],
        responseToForwardDelivery: {
          id: 'responsetoforwarddelivery',
          feedback: feedback(ok),
          processCardBundle: processCardBundle(card),
        },
        intermediaryCertificates,
        bodyId: 'body',
      };
      return { message: response };
    } finally {
      release();
    }
  }

  async function mediateDelivery(request: MediateDelivery, ctx: Context): Promise<Handled> {
    const { subject, contentReceiverUri } = request.mediateDelivery;
    const recipient = resolveRecipient(request, contentReceiverUri);
    const messageId = request.mediateDelivery.messageId ?? randomBytes(24).toString('base64');
    if (request.mediateDelivery.messageId === undefined) await mailbox.issueMessageId(messageId, ctx.client);
    const release = mailbox.reserve(messageId);
    try {
      let card = await activeDeliveryCard('mediate', request, ctx, recipient.key, messageId, subject);
      const replyId = randomBytes(24).toString('base64');
      await mailbox.issueMessageId(replyId, recipient.key);
      const processOrder: ProcessDelivery = {
        type: 'processDelivery',
        controlBlock: { id: 'controlblock', challenge: newChallenge() },
        desiredLanguages: { id: 'desiredlanguages', languages: [LANGUAGE] },
        processDelivery: {
          id: 'processdelivery',
          messageIdResponse: replyId,
          processCardBundle: processCardBundle(card),
        },
        intermediaryCertificates,
        nonIntermediaryCertificates: {
          ...(request.nonIntermediaryCertificates ?? {}),
          id: 'nonintermediarycertificates',
          cipherCertificateOriginator: ctx.clientCipher,
        },
        contentPackage: request.contentPackage,
        bodyId: 'body',
      };
      await mailbox.saveCard(card);
      const answer = await callRecipient(recipient, processOrder, ctx.attachments);
      const reply = answer.message;
      if (reply.type !== 'responseToProcessDelivery') throw refuse('9810', 'unexpected answer');
      const reception = now();
      card = { ...card, reception, recentModification: reception };
      await mailbox.saveCard(card);
      const replyCard: ProcessCardRecord = {
        messageId: reply.responseToProcessDelivery.messageId ?? replyId,
        kind: 'reply',
        originator: recipient.key,
        addressee: ctx.client,
        ...(reply.responseToProcessDelivery.subject === undefined
          ? {}
          : { subject: reply.responseToProcessDelivery.subject }),
        creation: reception,
        forwarding: now(),
        recentModification: reception,
        inspections: [inspection(answer.signer)],
      };
      if (replyCard.messageId !== replyId)
        throw refuse('9810', 'the recipient answered with a foreign MessageId');
      await mailbox.saveCard(replyCard);
      const response: ResponseToMediateDelivery = {
        type: 'responseToMediateDelivery',
        controlBlock: controlFor(request, ctx.dialog, ctx.next) as ResponseToMediateDelivery['controlBlock'],
        responseToMediateDelivery: {
          id: 'responsetomediatedelivery',
          feedback: feedback('0801'),
          requestProcessCardBundle: processCardBundle(card),
          replyProcessCardBundle: processCardBundle(replyCard),
        },
        intermediaryCertificates,
        ...(reply.nonIntermediaryCertificates === undefined
          ? {}
          : { nonIntermediaryCertificates: reply.nonIntermediaryCertificates }),
        ...(reply.contentPackage === undefined ? {} : { contentPackage: reply.contentPackage }),
        bodyId: 'body',
      };
      return {
        message: response,
        attachments: [...answer.attachments].map(([contentId, data]) => ({ contentId, data })),
      };
    } finally {
      release();
    }
  }

  const limits: ChunkLimits = {
    maxChunkSize: options.chunkLimits?.maxChunkSize ?? 16 * 1024 * 1024,
    minChunkSize: options.chunkLimits?.minChunkSize ?? 1024,
    maxMessageSize: options.chunkLimits?.maxMessageSize ?? 2 * 1024 * 1024 * 1024,
    chunkMessageTimeOut: options.chunkLimits?.chunkMessageTimeOut ?? 24 * 3600,
  };
  const chunkStore = new ChunkStore(join(options.dataDir, 'chunks'), limits);
  const features: FeatureDescription = {
    id: 'featuredescription',
    supportedFeatures: [{ key: 'PartialMessageTransmission', version: '1.0' }],
    maxChunkSize: limits.maxChunkSize,
    minChunkSize: limits.minChunkSize,
    maxMessageSize: limits.maxMessageSize,
    chunkMessageTimeOut: limits.chunkMessageTimeOut,
  };
  /** Built answers of partialFetchDelivery, split by the chunks the client asks for; per client and message. */
  const outgoing = new Map<string, { bytes: Buffer; created: number }>();

  function chunkPart(request: PartialStoreDelivery, attachments: readonly WireAttachment[]): Uint8Array {
    const hrefs = (request.contentPackage.contentContainers ?? []).flatMap((container) =>
      (container.contents ?? []).flatMap((content) => (content.kind === 'attachment' ? [content.href] : [])),
    );
    const [href, ...rest] = hrefs;
    const part = href === undefined ? undefined : attachments.find((a) => `cid:${a.contentId}` === href);
    if (part === undefined || rest.length > 0 || attachments.length !== 1) {
      throw refuse('9905', 'a chunk is one attachment part referenced by the content package');
    }
    return part.data;
  }

  async function partialStoreDelivery(request: PartialStoreDelivery, ctx: Context): Promise<Handled> {
    const block = request.partialStoreDelivery;
    const control = controlFor(
      request,
      ctx.dialog,
      ctx.next,
    ) as ResponseToPartialStoreDelivery['controlBlock'];
    const ok = ctx.dialog === undefined ? '0800' : '0801';
    if ('infoOnly' in block.chunk) {
      const info = await chunkStore.info(block.messageId);
      const response: ResponseToPartialStoreDelivery = {
        type: 'responseToPartialStoreDelivery',
        controlBlock: control,
        responseToPartialStoreDelivery: {
          id: 'responsetopartialstoredelivery',
          feedback: feedback(ok),
          chunkInformation: {
            chunkNumber: 0,
            receivedChunks: info?.received ?? [],
            totalChunkNumbers: info?.total ?? 0,
          },
        },
        intermediaryCertificates,
        featureDescription: features,
        bodyId: 'body',
      };
      return { message: response };
    }
    if (!mailbox.isUsable(block.messageId)) {
      throw refuse('9801', 'MessageId not issued by this intermediary or already used');
    }
    const info = block.chunk.chunkInformation;
    const { received, complete } = await chunkStore.add(
      block.messageId,
      ctx.owner,
      info,
      chunkPart(request, ctx.attachments),
    );
    let insideFeedback: Feedback | undefined;
    let bundle: ProcessCardBundle | undefined;
    if (complete !== undefined) {
      // The reassembled message is an order of its own: encrypted for the intermediary, signed by the same client.
      const inner = await unpackOrder(complete, {
        ...validation,
        decryption: options.decryption,
        contentType: 'multipart/related',
        maxPartBytes: limits.maxMessageSize,
      });
      if (
        inner.message.type !== 'storeDelivery' ||
        inner.message.storeDelivery.messageId !== block.messageId ||
        inner.signer.spkiSha256 !== ctx.owner
      ) {
        throw refuse('9905', 'the reassembled message is not the storeDelivery of this MessageId and client');
      }
      const handled = (await handleRequest(inner)).message;
      if (handled.type !== 'responseToStoreDelivery') throw refuse('9000', 'unexpected inner answer');
      insideFeedback = handled.responseToStoreDelivery.feedback;
      bundle = handled.responseToStoreDelivery.processCardBundle;
      await chunkStore.remove(block.messageId);
    }
    const response: ResponseToPartialStoreDelivery = {
      type: 'responseToPartialStoreDelivery',
      controlBlock: control,
      responseToPartialStoreDelivery: {
        id: 'responsetopartialstoredelivery',
        ...(insideFeedback === undefined ? {} : { insideFeedback }),
        feedback: feedback(ok),
        ...(bundle === undefined ? {} : { processCardBundle: bundle }),
        chunkInformation: {
          chunkNumber: info.chunkNumber,
          receivedChunks: received,
          totalChunkNumbers: info.totalChunkNumbers,
        },
      },
      intermediaryCertificates,
      featureDescription: features,
      bodyId: 'body',
    };
    return { message: response };
  }

  async function partialFetchDelivery(request: PartialFetchDelivery, ctx: Context): Promise<Handled> {
    const block = request.partialFetchDelivery;
    const { chunkNumber, chunkSize } = block.chunkInformation;
    if (chunkSize > limits.maxChunkSize) throw refuse('9902', 'maximum chunk size exceeded');
    if (chunkSize < limits.minChunkSize) throw refuse('9903', 'chunk smaller than the minimum chunk size');
    const selected = selectDelivery(ctx.client, block.selectionRule);
    if (selected.messageId === undefined)
      throw refuse('9803', 'no delivery matches the criteria of the order');
    const cacheKey = `${ctx.client}:${selected.messageId}`;
    for (const [key, entry] of outgoing)
      if (Date.now() - entry.created > limits.chunkMessageTimeOut * 1000) outgoing.delete(key);
    let built = outgoing.get(cacheKey);
    if (built === undefined) {
      // The whole answer, as a fetchDelivery would get it, encrypted for the client; sent in chunks.
      const stored = await mailbox.readDelivery(ctx.client, selected.messageId);
      if (stored === undefined) throw refuse('9803', 'no delivery matches the criteria of the order');
      const delivery = parseOsciMessage(stored.xml);
      if (delivery.type !== 'storeDelivery')
        throw new OsciError('MAILBOX_CORRUPT', 'stored message is not a storeDelivery');
      const inner: ResponseToFetchDelivery = {
        type: 'responseToFetchDelivery',
        controlBlock: {
          id: 'controlblock',
          conversationId: ctx.dialog?.conversationId ?? newConversationId(),
          sequenceNumber: 0,
          response: 'partialFetchDelivery',
          challenge: newChallenge(),
        },
        responseToFetchDelivery: {
          id: 'responsetofetchdelivery',
          feedback: feedback('0801'),
          fetchDelivery: { selectionRule: { messageId: selected.messageId } },
          processCardBundle: processCardBundle(stored.card),
        },
        intermediaryCertificates,
        nonIntermediaryCertificates: delivery.nonIntermediaryCertificates,
        contentPackage: delivery.contentPackage,
        bodyId: 'body',
      };
      const wire = await packOrder(inner, {
        signer: options.signer,
        encryptFor: certificateDer(ctx.clientCipher),
        attachments: stored.mime.attachments.map((part) => ({ contentId: part.contentId, data: part.body })),
      });
      const head = Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${wire.contentType}\r\n\r\n`, 'latin1');
      built = { bytes: Buffer.concat([head, ...wire.chunks]), created: Date.now() };
      outgoing.set(cacheKey, built);
    }
    const total = Math.max(1, Math.ceil(built.bytes.byteLength / chunkSize));
    if (chunkNumber < 1 || chunkNumber > total) throw refuse('9901', 'wrong chunk number');
    const data = built.bytes.subarray((chunkNumber - 1) * chunkSize, chunkNumber * chunkSize);
    const missing = Array.from({ length: total }, (_, n) => n + 1).filter(
      (n) => n !== chunkNumber && !block.chunkInformation.receivedChunks.includes(n),
    );
    if (missing.length === 0) {
      // The last chunk goes out: the delivery counts as received.
      outgoing.delete(cacheKey);
      const card = mailbox.card(selected.messageId);
      if (card !== undefined && card.reception === undefined) {
        const time = now();
        await mailbox.saveCard({ ...card, forwarding: time, reception: time, recentModification: time });
      }
    }
    const contentId = `chunk-${chunkNumber}@egovkit`;
    const response: ResponseToPartialFetchDelivery = {
      type: 'responseToPartialFetchDelivery',
      controlBlock: controlFor(
        request,
        ctx.dialog,
        ctx.next,
      ) as ResponseToPartialFetchDelivery['controlBlock'],
      responseToPartialFetchDelivery: {
        id: 'responsetopartialfetchdelivery',
        feedback: feedback('0801'),
        fetchDelivery: block.selectionRule === undefined ? {} : { selectionRule: block.selectionRule },
        chunkInformation: { chunkNumber, totalChunkNumbers: total, totalMessageSize: built.bytes.byteLength },
        messageId: selected.messageId,
      },
      intermediaryCertificates,
      featureDescription: features,
      contentPackage: {
        contentContainers: [{ id: 'chunk', contents: [{ kind: 'attachment', href: `cid:${contentId}` }] }],
      },
      bodyId: 'body',
    };
    return { message: response, attachments: [{ contentId, data }] };
  }

  const maxBodyBytes = options.maxBodyBytes ?? 512 * 1024 * 1024;
  const active = new Set<Promise<void>>();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let wire: WireMessage;
    let status = 200;
    try {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      const body = await readBody(req, {
        maxBytes: maxBodyBytes,
        timeoutMs: options.bodyTimeoutMs ?? 120_000,
      });
      const unpacked = await unpackOrder(body, {
        ...validation,
        decryption: options.decryption,
        ...(req.headers['content-type'] === undefined ? {} : { contentType: req.headers['content-type'] }),
        maxPartBytes: maxBodyBytes,
      });
      if (unpacked.message.type.startsWith('responseTo')) throw refuse('9300', 'a response is not an order');
      const handled = (await handleRequest(unpacked)) as Handled & { encryptFor: Certificate };
      wire = await packOrder(handled.message, {
        signer: options.signer,
        encryptFor: certificateDer(handled.encryptFor),
        ...(handled.attachments === undefined ? {} : { attachments: handled.attachments }),
      });
    } catch (error) {
      const failure = codeForFailure(error);
      options.onRefusal?.({ code: failure.code, reason: failure.reason, error });
      wire = packFault(failure.code, failure.code === '9000' ? 'internal error' : failure.reason);
      status = failure.status;
    }
    if (!res.destroyed) await writeWire(res, status, wire).catch(() => undefined);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const task = serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
    active.add(task);
    void task.finally(() => active.delete(task));
  };
  const server: Server =
    options.tls === undefined
      ? createServer(listener)
      : createHttpsServer(
          { key: options.tls.key, cert: options.tls.certificateChain, minVersion: 'TLSv1.2' },
          listener,
        );
  server.requestTimeout = 0;
  const sweeper = setInterval(() => dialogs.sweep(), 60_000);
  sweeper.unref();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...active]);
      server.closeAllConnections();
      await closed;
      await agent.close();
    })();
    return closing;
  };
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${urlHost}:${port}/`,
    host,
    port,
    dataDir: options.dataDir,
    certificates: { signature: signatureCertificate, encryption: options.decryption.certificate },
    openDialogs: () => dialogs.size,
    close,
    [Symbol.asyncDispose]: close,
  };
}
