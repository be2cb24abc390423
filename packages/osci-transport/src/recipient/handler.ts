import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OsciError } from '../errors.js';
import { FEEDBACK_CODES } from '../feedback.js';
import type { SignerCredentials } from '../layers/carrier.js';
import type {
  AcceptDelivery,
  ContentContainer,
  Feedback,
  NonIntermediaryCertificates,
  ProcessCardBundle,
  ProcessDelivery,
  ResponseToAcceptDelivery,
  ResponseToProcessDelivery,
} from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  type TrustOptions,
  trustOptionsOf,
} from '../security/certificates.js';
import { type OpenedContent, openContent, type SealedContent, sealContent } from '../transport/content.js';
import { readBody, writeWire } from '../transport/http.js';
import { codeForFailure } from '../transport/refusal.js';
import {
  certificateDer,
  type DecryptionCredentials,
  osciCertificate,
  packFault,
  packOrder,
  unpackOrder,
  type WireAttachment,
  type WireMessage,
} from '../transport/wire.js';

/** A delivery an active recipient received from the intermediary, decrypted and verified. */
export interface ReceivedDelivery {
  readonly type: 'acceptDelivery' | 'processDelivery';
  /** MessageId of the delivery (from its process card). */
  readonly messageId: string | undefined;
  readonly subject: string | undefined;
  /** Process card as the intermediary sent it (creation, forwarding, inspections). */
  readonly processCard: ProcessCardBundle | undefined;
  /** The opened content containers with their plaintext attachments and verified authors. */
  readonly contents: readonly OpenedContent[];
  /** Certificates of the originator and the other roles as the order named them. */
  readonly certificates: NonIntermediaryCertificates | undefined;
  /** The intermediary that signed the order. */
  readonly intermediary: CertificateInfo;
}

/** The answer content of a processDelivery. */
export type RecipientReply =
  | {
      /** An unsigned container: the handler signs it as author and encrypts it for the originator. */
      readonly container: ContentContainer;
      /** Plaintext attachments the container references. */
      readonly attachments?: readonly WireAttachment[];
      readonly subject?: string;
    }
  | {
      /** Content sealed by the caller (see `sealContent`). */
      readonly content: SealedContent;
      readonly subject?: string;
    };

/** Trust settings for the intermediary's and the authors' certificates. */
export interface RecipientHandlerOptions extends TrustOptions {
  /** Signs the answers (SupplierSignature) and, as author, reply containers. */
  readonly signer: SignerCredentials;
  /** The recipient's encryption key and certificate: opens orders and content. */
  readonly decryption: DecryptionCredentials;
  /** When given, orders must be signed by this intermediary signature certificate. */
  readonly intermediaryCertificate?: CertificateInput;
  /** Called with every acceptDelivery (forwardDelivery); throw to refuse it (feedback 9808 to the sender). */
  readonly onAcceptDelivery?: (delivery: ReceivedDelivery) => void | Promise<void>;
  /** Called with every processDelivery (mediateDelivery); returns the answer content. */
  readonly onProcessDelivery?: (delivery: ReceivedDelivery) => RecipientReply | Promise<RecipientReply>;
  /** Accept plain containers without author signature. Default false. */
  readonly allowUnsignedContent?: boolean;
  /** Largest accepted order; default 512 MiB. */
  readonly maxBodyBytes?: number;
  readonly bodyTimeoutMs?: number;
  /** Called with every refusal, e.g. for logging. */
  readonly onRefusal?: (refusal: {
    readonly code: string;
    readonly reason: string;
    readonly error: unknown;
  }) => void;
}

function feedback(code: string): Feedback {
  return [{ code, text: FEEDBACK_CODES.get(code)?.de ?? code, lang: 'de' }];
}

function refuse(code: string, reason: string, cause?: unknown): OsciError {
  return new OsciError('FEEDBACK_ERROR', reason, {
    details: { feedbackCode: code },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * An HTTP handler (node:http `(req, res)`) for an active recipient: receives acceptDelivery and
 * processDelivery from the intermediary, opens and checks them (order encrypted for the recipient, signed
 * by a trusted intermediary; content decrypted with the recipient's key, author signatures verified),
 * hands the content to `onAcceptDelivery` / `onProcessDelivery` and answers with responseToAcceptDelivery
 * or responseToProcessDelivery (with the reply content), signed by the recipient and encrypted for the
 * intermediary. Refusals are SOAP faults with the OSCI code; an exception of the callback is 9808.
 */
export function createRecipientHandler(
  options: RecipientHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const signatureCertificate = options.signer.certificateChain[0];
  if (signatureCertificate === undefined)
    throw new OsciError('OPTIONS_INVALID', 'signer needs a certificate');
  const ownSignature = osciCertificate(signatureCertificate);
  const pin =
    options.intermediaryCertificate === undefined
      ? undefined
      : createHash('sha256')
          .update(certificateDerList(options.intermediaryCertificate)[0] as Uint8Array)
          .digest('hex');

  async function handle(body: Buffer, contentType: string | undefined): Promise<WireMessage> {
    const unpacked = await unpackOrder(body, {
      ...trustOptionsOf(options),
      decryption: options.decryption,
      ...(contentType === undefined ? {} : { contentType }),
      maxPartBytes: options.maxBodyBytes ?? 512 * 1024 * 1024,
    });
    const order = unpacked.message;
    if (order.type !== 'acceptDelivery' && order.type !== 'processDelivery') {
      throw refuse('9300', `an active recipient does not take ${order.type}`);
    }
    if (
      pin !== undefined &&
      createHash('sha256').update(unpacked.signer.certificateDer).digest('hex') !== pin
    ) {
      throw refuse('9601', 'the order is not signed by the configured intermediary');
    }
    const intermediaryCipher = order.intermediaryCertificates?.cipherCertificateIntermediary;
    if (intermediaryCipher === undefined) {
      throw refuse('9500', "the intermediary's encryption certificate is missing from the order");
    }
    const bundle =
      order.type === 'acceptDelivery'
        ? order.acceptDelivery.processCardBundle
        : order.processDelivery.processCardBundle;
    let contents: OpenedContent[];
    try {
      contents = await openContent(order.contentPackage, unpacked.attachments, {
        ...trustOptionsOf(options),
        decryption: options.decryption,
        ...(options.allowUnsignedContent === undefined
          ? {}
          : { allowUnsigned: options.allowUnsignedContent }),
      });
    } catch (error) {
      throw refuse('9808', `the content could not be opened: ${(error as Error).message}`, error);
    }
    const delivery: ReceivedDelivery = {
      type: order.type,
      messageId: bundle?.messageId,
      subject: bundle?.processCard.subject,
      processCard: bundle,
      contents,
      certificates: order.nonIntermediaryCertificates,
      intermediary: unpacked.signer,
    };
    const certificates: NonIntermediaryCertificates = {
      id: 'nonintermediarycertificates',
      signatureCertificateAddressee: ownSignature,
    };
    if (order.type === 'acceptDelivery') return accept(order, delivery, certificates, intermediaryCipher);
    return processOrder(order, delivery, certificates, intermediaryCipher);
  }

  async function accept(
    order: AcceptDelivery,
    delivery: ReceivedDelivery,
    certificates: NonIntermediaryCertificates,
    encryptFor: { certificateBase64: string },
  ): Promise<WireMessage> {
    if (options.onAcceptDelivery === undefined)
      throw refuse('9808', 'this recipient takes no acceptDelivery');
    try {
      await options.onAcceptDelivery(delivery);
    } catch (error) {
      throw refuse('9808', 'the recipient could not take the delivery', error);
    }
    const response: ResponseToAcceptDelivery = {
      type: 'responseToAcceptDelivery',
      controlBlock: { id: 'controlblock', response: order.controlBlock.challenge },
      responseToAcceptDelivery: { id: 'responsetoacceptdelivery', feedback: feedback('0800') },
      nonIntermediaryCertificates: certificates,
      bodyId: 'body',
    };
    return packOrder(response, { signer: options.signer, encryptFor: certificateDer(encryptFor) });
  }

  async function processOrder(
    order: ProcessDelivery,
    delivery: ReceivedDelivery,
    certificates: NonIntermediaryCertificates,
    encryptFor: { certificateBase64: string },
  ): Promise<WireMessage> {
    if (options.onProcessDelivery === undefined)
      throw refuse('9808', 'this recipient takes no processDelivery');
    let reply: RecipientReply;
    let sealed: SealedContent;
    try {
      reply = await options.onProcessDelivery(delivery);
      if ('content' in reply) sealed = reply.content;
      else {
        const originator = order.nonIntermediaryCertificates?.cipherCertificateOriginator;
        if (originator === undefined)
          throw refuse('9500', "the originator's encryption certificate is missing");
        sealed = await sealContent(reply.container, {
          author: options.signer,
          readers: [certificateDer(originator)],
          ...(reply.attachments === undefined ? {} : { attachments: reply.attachments }),
        });
      }
    } catch (error) {
      if (error instanceof OsciError && error.code === 'FEEDBACK_ERROR') throw error;
      throw refuse('9808', 'the recipient could not process the delivery', error);
    }
    const messageId = order.processDelivery.messageIdResponse;
    const response: ResponseToProcessDelivery = {
      type: 'responseToProcessDelivery',
      controlBlock: { id: 'controlblock', response: order.controlBlock.challenge },
      responseToProcessDelivery: {
        id: 'responsetoprocessdelivery',
        feedback: feedback('0800'),
        ...(messageId === undefined ? {} : { messageId }),
        ...(messageId === undefined || reply.subject === undefined ? {} : { subject: reply.subject }),
      },
      nonIntermediaryCertificates: certificates,
      contentPackage: sealed.contentPackage,
      bodyId: 'body',
    };
    return packOrder(response, {
      signer: options.signer,
      encryptFor: certificateDer(encryptFor),
      attachments: sealed.attachments,
    });
  }

  return (req, res) => {
    void (async () => {
      let wire: WireMessage;
      let status = 200;
      try {
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST' }).end();
          return;
        }
        const body = await readBody(req, {
          maxBytes: options.maxBodyBytes ?? 512 * 1024 * 1024,
          timeoutMs: options.bodyTimeoutMs ?? 120_000,
        });
        wire = await handle(body, req.headers['content-type']);
      } catch (error) {
        const failure = codeForFailure(error);
        options.onRefusal?.({ code: failure.code, reason: failure.reason, error });
        wire = packFault(failure.code, failure.code === '9000' ? 'internal error' : failure.reason);
        status = failure.status;
      }
      if (!res.destroyed) await writeWire(res, status, wire).catch(() => undefined);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}
