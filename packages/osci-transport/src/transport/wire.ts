import { parseOsciMessage } from '../codec/parse.js';
import { serializeOsciMessage } from '../codec/serialize.js';
import { MESSAGE_SPECS } from '../codec/spec.js';
import { OsciError } from '../errors.js';
import type { PrivateKeyInput, SignerCredentials } from '../layers/carrier.js';
import {
  decryptFromClient,
  decryptFromClientMime,
  encryptForIntermediary,
  encryptForIntermediaryMime,
  type OsciOrder,
  signOrderData,
  verifyOrderSignature,
} from '../layers/order.js';
import { buildMultipartRelated, type ParsedMultipart, parseMultipartRelated } from '../mime/multipart.js';
import type { Certificate, SoapFault } from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  type TrustOptions,
  trustOptionsOf,
} from '../security/certificates.js';

/** An attachment as it travels: the bytes of its MIME part (ciphertext for encrypted attachments). */
export interface WireAttachment {
  /** Content-ID without `cid:` and without angle brackets. */
  readonly contentId: string;
  readonly data: Uint8Array;
  readonly contentType?: string;
}

/** A packed message ready to be written to an HTTP body: chunks in order, attachments not copied. */
export interface WireMessage {
  /** Value of the HTTP `Content-Type` header (`multipart/related; …` or `text/xml; charset=UTF-8`). */
  readonly contentType: string;
  readonly chunks: readonly Uint8Array[];
  readonly length: number;
}

/** The receiver's key for opening `soapMessageEncrypted`. */
export interface DecryptionCredentials {
  readonly key: PrivateKeyInput;
  /** The receiver's encryption certificate (PEM or DER); picks its EncryptedKey. */
  readonly certificate: CertificateInput;
}

export interface PackOrderOptions {
  /** Signs the order data: ClientSignature on requests, SupplierSignature on responses. */
  readonly signer: SignerCredentials;
  /**
   * Encryption certificate of the receiver: the intermediary's for requests, the client's
   * (`CipherCertificateOriginator` of the request or its dialog) for responses. Omit only for tests.
   */
  readonly encryptFor?: CertificateInput;
  /** Attachment parts sent with the message; every one is covered by the order signature (`cid:`). */
  readonly attachments?: readonly WireAttachment[];
  /**
   * Form of the encrypted order: `mime` (default; the whole signed package, attachments included, encrypted
   * into the part `cid:osci_enc` as OSCI libraries exchange it) or `inline` (only the envelope encrypted,
   * `CipherValue`, attachment parts beside it as they are).
   */
  readonly encryptionForm?: 'mime' | 'inline';
}

/**
 * Packs a request or response for the wire: signs the order data (signOrderData, covering every attachment
 * part), encrypts the signed envelope for the receiver (`soapMessageEncrypted`) and puts it as the root part
 * of a MIME multipart/related package, followed by the attachment parts. The HTTP body is the package
 * without entity headers; its type goes into the HTTP `Content-Type` header.
 */
export async function packOrder(message: OsciOrder, options: PackOrderOptions): Promise<WireMessage> {
  const attachments = options.attachments ?? [];
  const map = new Map<string, Uint8Array>();
  for (const attachment of attachments) map.set(attachment.contentId, attachment.data);
  const signed = await signOrderData(message, { signer: options.signer, attachments: map });
  if (options.encryptFor !== undefined && options.encryptionForm !== 'inline') {
    const encrypted = await encryptForIntermediaryMime(signed, options.encryptFor, {
      attachments: attachments.map((attachment) => ({
        contentId: attachment.contentId,
        data: attachment.data,
        ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
      })),
    });
    return { contentType: encrypted.contentType, chunks: encrypted.bodyChunks, length: encrypted.bodyLength };
  }
  const outer =
    options.encryptFor === undefined ? signed : await encryptForIntermediary(signed, options.encryptFor);
  const soapXml = serializeOsciMessage(outer);
  const mime = buildMultipartRelated({
    soapXml,
    attachments: attachments.map((attachment) => ({
      contentId: attachment.contentId,
      data: attachment.data,
      ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
    })),
  });
  return { contentType: mime.contentType, chunks: mime.bodyChunks, length: mime.bodyLength };
}

/** A SOAP fault with an OSCI code as a wire message (`text/xml`); send it with HTTP status 500. */
export function packFault(code: string, text: string): WireMessage {
  const fault: SoapFault = {
    type: 'soapFault',
    faultCode: code === '9000' || code.startsWith('98') ? 'soap:Server' : 'soap:Client',
    faultString: text.replace(/[^\x20-\x7e\u00a0-\uffff]/g, ' ').slice(0, 500),
    osciCode: code,
  };
  const body = Buffer.from(serializeOsciMessage(fault), 'utf8');
  return { contentType: 'text/xml; charset=UTF-8', chunks: [body], length: body.byteLength };
}

/** Trust settings for the order signature's certificate. */
export interface UnpackOrderOptions extends TrustOptions {
  /** Key and certificate to open `soapMessageEncrypted`. */
  readonly decryption?: DecryptionCredentials;
  /** Refuse order data that is not encrypted (default true). */
  readonly requireEncryption?: boolean;
  /** The HTTP `Content-Type` header of the body. */
  readonly contentType?: string;
  /** Largest SOAP envelope (decrypted); default 64 MiB. */
  readonly maxXmlBytes?: number;
  /** Largest MIME part; default 512 MiB. */
  readonly maxPartBytes?: number;
}

/** What {@link unpackOrder} returns: a decrypted, signature-checked order and its attachment parts. */
export interface UnpackedOrder {
  readonly message: OsciOrder;
  /** The decrypted, signed envelope as received. */
  readonly xml: string;
  /** The validated signer of the ClientSignature / SupplierSignature. */
  readonly signer: CertificateInfo;
  /** Whether the order data arrived encrypted. */
  readonly encrypted: boolean;
  /** The MIME package (attachment parts are views into the HTTP body). */
  readonly mime: ParsedMultipart | undefined;
  /** The attachment parts by Content-ID. */
  readonly attachments: ReadonlyMap<string, Buffer>;
}

/** Where a step of unpacking failed; the intermediary maps it to the OSCI feedback code. */
export type UnpackStage = 'mime' | 'parse' | 'decrypt' | 'order' | 'signature';

function stageError(stage: UnpackStage, error: unknown): never {
  if (error instanceof OsciError) {
    throw new OsciError(error.code, error.message, {
      details: { ...(error.details ?? {}), stage },
      cause: error.cause ?? error,
    });
  }
  throw new OsciError('MESSAGE_INVALID', `message could not be read (${stage})`, {
    details: { stage },
    cause: error,
  });
}

/** Throws the SOAP fault as `FEEDBACK_ERROR` with its OSCI code. */
export function faultToError(fault: SoapFault): OsciError {
  return new OsciError('FEEDBACK_ERROR', `OSCI fault ${fault.osciCode ?? '?'}: ${fault.faultString}`, {
    details: {
      feedbackCode: fault.osciCode ?? '9000',
      text: fault.faultString,
      faultCode: fault.faultCode,
      fault: true,
    },
  });
}

/**
 * Reads a request or response from an HTTP body: MIME multipart/related (with or without entity headers in
 * the body) or a bare SOAP envelope; opens `soapMessageEncrypted` with the receiver's key; parses the inner
 * message strictly and verifies its order signature (every header block, the body and every attachment
 * part) against the trust anchors. A SOAP fault becomes `FEEDBACK_ERROR` with its OSCI code. Every other
 * failure keeps its code and gets `details.stage`.
 */
export async function unpackOrder(body: Buffer, options: UnpackOrderOptions): Promise<UnpackedOrder> {
  const maxXmlBytes = options.maxXmlBytes ?? 64 * 1024 * 1024;
  let mime: ParsedMultipart | undefined;
  let soap: Buffer;
  try {
    const type = (options.contentType ?? '').toLowerCase();
    if (type.startsWith('multipart/related')) {
      const withEntityHeaders = !body.subarray(0, 2).equals(Buffer.from('--'));
      mime = parseMultipartRelated(body, {
        maxPartBytes: options.maxPartBytes ?? 512 * 1024 * 1024,
        maxTotalBytes: Number.MAX_SAFE_INTEGER,
        ...(withEntityHeaders || options.contentType === undefined
          ? {}
          : { contentType: options.contentType }),
      });
      soap = mime.soapPart.body;
    } else if (type.startsWith('text/xml') || type === '') {
      soap = body;
    } else {
      throw new OsciError('HTTP_CONTENT_TYPE', `content type ${type} is not an OSCI message`, {
        details: { contentType: type },
      });
    }
  } catch (error) {
    stageError('mime', error);
  }
  if (soap.byteLength > maxXmlBytes) {
    stageError('parse', new OsciError('XML_TOO_LARGE', 'SOAP envelope exceeds the size limit'));
  }
  let outer: ReturnType<typeof parseOsciMessage>;
  let xml = soap.toString('utf8');
  try {
    outer = parseOsciMessage(xml, { maxBytes: maxXmlBytes });
  } catch (error) {
    stageError('parse', error);
  }
  if (outer.type === 'soapFault') throw faultToError(outer);
  let encrypted = false;
  if (outer.type === 'soapMessageEncrypted') {
    if (options.decryption === undefined) {
      stageError('decrypt', new OsciError('DECRYPTION_FAILED', 'no key to open soapMessageEncrypted'));
    }
    try {
      if (outer.encryptedData.includes('CipherReference')) {
        // The MIME form: the whole inner package is the part `cid:osci_enc`.
        if (mime === undefined)
          throw new OsciError('MIME_PART_MISSING', 'the encrypted order part is missing');
        const opened = await decryptFromClientMime(mime, {
          privateKey: options.decryption.key,
          certificate: options.decryption.certificate,
          maxBytes: maxXmlBytes,
          maxPartBytes: options.maxPartBytes ?? 512 * 1024 * 1024,
        });
        xml = opened.xml;
        mime = opened.parts;
      } else {
        const opened = await decryptFromClient(outer, {
          privateKey: options.decryption.key,
          certificate: options.decryption.certificate,
          maxBytes: maxXmlBytes,
        });
        xml = opened.xml;
      }
    } catch (error) {
      stageError(
        error instanceof OsciError && error.code === 'DECRYPTION_FAILED' ? 'decrypt' : 'order',
        error,
      );
    }
    encrypted = true;
  } else if (options.requireEncryption !== false) {
    stageError('decrypt', new OsciError('DECRYPTION_FAILED', 'order data must be encrypted'));
  }
  const attachments = new Map<string, Buffer>();
  for (const part of mime?.attachments ?? []) attachments.set(part.contentId, part.body);
  let verified: Awaited<ReturnType<typeof verifyOrderSignature>>;
  try {
    verified = await verifyOrderSignature(xml, {
      ...trustOptionsOf(options),
      attachments,
      maxBytes: maxXmlBytes,
    });
  } catch (error) {
    const code = error instanceof OsciError ? error.code : '';
    stageError(code === 'MESSAGE_INVALID' || code.startsWith('XML_') ? 'order' : 'signature', error);
  }
  return { message: verified.message, xml, signer: verified.signer, encrypted, mime, attachments };
}

/** Whether a message type is a request (sent by a client) or a response. */
export function orderRole(message: OsciOrder): 'request' | 'response' {
  return MESSAGE_SPECS[message.type].role;
}

/** An OSCI certificate element for a PEM or DER certificate (the first block of a PEM chain). */
export function osciCertificate(input: CertificateInput, id?: string): Certificate {
  const [der] = certificateDerList(input);
  if (der === undefined) throw new OsciError('CERTIFICATE_INVALID', 'no certificate given');
  return { ...(id === undefined ? {} : { id }), certificateBase64: Buffer.from(der).toString('base64') };
}

/** DER bytes of an OSCI certificate element. */
export function certificateDer(certificate: Certificate): Buffer {
  return Buffer.from(certificate.certificateBase64.replace(/\s+/g, ''), 'base64');
}
