import { parseOsciEnvelope, parseOsciMessage } from '../codec/parse.js';
import { attachmentReferences, serializeOsciMessage } from '../codec/serialize.js';
import { MESSAGE_SPECS } from '../codec/spec.js';
import { parseXmlDocumentStrict, type XElement } from '../codec/xml.js';
import { OsciError } from '../errors.js';
import {
  type BuiltMultipart,
  buildMultipartRelated,
  type MimeAttachmentInput,
  type ParsedMultipart,
  parseContentType,
  parseMultipartRelated,
} from '../mime/multipart.js';
import { OSCI_NS, SOAP_ACTOR_NEXT, SOAP_ENV_NS } from '../model/namespaces.js';
import type {
  NonIntermediaryCertificates,
  OsciMessage,
  OsciRequest,
  OsciResponse,
  SoapMessageEncrypted,
} from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  type TrustOptions,
  trustOptionsOf,
} from '../security/certificates.js';
import {
  type DigestAlgorithmName,
  DS_NAMESPACE,
  type SignatureAlgorithmName,
  signXml,
  type VerifiedXmlSignature,
  verifyXmlSignature,
} from '../security/xmldsig.js';
import {
  BASE64_TRANSFORM,
  type ContentEncryptionAlgorithm,
  decryptDetached,
  decryptElement,
  encryptDetached,
  encryptElement,
  XENC_NAMESPACE,
} from '../security/xmlenc.js';
import {
  childElements,
  type Document,
  type Element,
  findElements,
  parseXmlStrict,
  serializeXml,
} from '../xml/parse.js';
import {
  type AttachmentSource,
  attachmentResolver,
  type PrivateKeyInput,
  requireAttachments,
  type SignerCredentials,
  sourceUris,
} from './carrier.js';

/** Requests and responses: the messages that carry a client or supplier signature. */
export type OsciOrder = OsciRequest | OsciResponse;

export interface SignOrderOptions {
  /** The sender: the client (originator or intermediary) for requests, the supplier for responses. */
  readonly signer: SignerCredentials;
  readonly algorithm?: SignatureAlgorithmName;
  readonly digest?: DigestAlgorithmName;
  /** Id of the ClientSignature/SupplierSignature block; default `clientsignature` / `suppliersignature`. */
  readonly id?: string;
  /**
   * Every attachment part the message will be sent with, as the bytes of the MIME part (ciphertext for
   * encrypted attachments); each is signed by a `cid:` reference. Attachments referenced by plain Content
   * elements must be among them.
   */
  readonly attachments?: AttachmentSource;
}

export interface VerifyOrderOptions extends TrustOptions {
  readonly allowLegacy?: boolean;
  readonly maxBytes?: number;
  /** Attachment parts when the message is given as XML; a MIME package given as input brings its own. */
  readonly attachments?: AttachmentSource;
  /** Largest MIME part when the input is a MIME package; default 256 MiB. */
  readonly maxPartBytes?: number;
}

export interface VerifiedOrder<M extends OsciOrder = OsciOrder> {
  readonly message: M;
  readonly signer: CertificateInfo;
  readonly signature: VerifiedXmlSignature;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function isOrder(message: OsciMessage): message is OsciOrder {
  return message.type !== 'soapMessageEncrypted' && message.type !== 'soapFault';
}

function blockName(message: OsciOrder): 'ClientSignature' | 'SupplierSignature' {
  return MESSAGE_SPECS[message.type].role === 'request' ? 'ClientSignature' : 'SupplierSignature';
}

function envelopeParts(document: Document): { header: Element; body: Element } {
  const root = document.documentElement as Element;
  const header = childElements(root, SOAP_ENV_NS, 'Header')[0];
  const body = childElements(root, SOAP_ENV_NS, 'Body')[0];
  if (header === undefined || body === undefined) {
    throw new OsciError('MESSAGE_INVALID', 'envelope needs soap:Header and soap:Body');
  }
  return { header, body };
}

/**
 * Signs the order data: a ClientSignature (requests) or SupplierSignature (responses) header block right
 * after the ControlBlock, whose ds:Signature references every other header block and the soap:Body
 * (as the OSCI library does: ControlBlock, DesiredLanguages, FeatureDescription, QualityOfTimestamp, the
 * message block, custom headers, IntermediaryCertificates, NonIntermediaryCertificates, Body) and every
 * attachment part by `cid:` (digest over the part's bytes). An existing signature is replaced.
 */
export async function signOrderData<M extends OsciOrder>(message: M, options: SignOrderOptions): Promise<M> {
  if (!isOrder(message))
    throw new OsciError('MESSAGE_INVALID', `a ${(message as OsciMessage).type} cannot be signed`);
  const resolve = attachmentResolver(options.attachments);
  const uris = [
    ...new Set([
      ...attachmentReferences(message).map((cid) => `cid:${cid}`),
      ...sourceUris(options.attachments),
    ]),
  ];
  requireAttachments(uris, resolve);
  const name = blockName(message);
  const {
    clientSignature: _client,
    supplierSignature: _supplier,
    ...unsigned
  } = message as OsciOrder & {
    clientSignature?: unknown;
    supplierSignature?: unknown;
  };
  const document = parseXmlStrict(serializeOsciMessage(unsigned as OsciMessage, { xmlDeclaration: false }));
  const { header, body } = envelopeParts(document);
  const references = [...childElements(header), body];
  const block = document.createElementNS(OSCI_NS, `osci:${name}`);
  block.setAttribute('Id', options.id ?? name.toLowerCase());
  block.setAttributeNS(SOAP_ENV_NS, 'soap:mustUnderstand', '1');
  block.setAttributeNS(SOAP_ENV_NS, 'soap:actor', SOAP_ACTOR_NEXT);
  header.insertBefore(block, references[0]?.nextSibling ?? null);
  await signXml(document, {
    references: references.map((element) => ({ element, idAttribute: 'Id' })),
    attachments: uris.map((uri) => ({ uri, data: resolve(uri) as Uint8Array })),
    signingKey: options.signer.key,
    certificateChain: options.signer.certificateChain,
    placeIn: block,
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
    ...(options.digest === undefined ? {} : { digest: options.digest }),
  });
  return parseOsciEnvelope(document.documentElement as unknown as XElement) as M;
}

function signatureCertificates(message: OsciOrder): string[] {
  const certificates = (message as { nonIntermediaryCertificates?: NonIntermediaryCertificates })
    .nonIntermediaryCertificates;
  const intermediary = (
    message as {
      intermediaryCertificates?: { signatureCertificateIntermediary?: { certificateBase64: string } };
    }
  ).intermediaryCertificates;
  return [
    certificates?.signatureCertificateOriginator?.certificateBase64,
    certificates?.signatureCertificateAddressee?.certificateBase64,
    intermediary?.signatureCertificateIntermediary?.certificateBase64,
  ]
    .filter((value): value is string => value !== undefined)
    .map((value) => value.replace(/\s+/g, ''));
}

/**
 * Verifies the ClientSignature or SupplierSignature of a serialised message, of a MIME package (Buffer:
 * SOAP part plus attachment parts) or of a model (serialised first): it must reference exactly every other
 * header block, the body and every attachment part (`cid:`), and its certificate must chain to a trust
 * anchor. A referenced part that is missing is `MIME_PART_MISSING`, an unsigned extra part
 * `SIGNATURE_REFERENCE_INVALID`, a changed one `SIGNATURE_INVALID`. If the message names signature
 * certificates (originator, addressee, intermediary), the signer must be one of them.
 */
export async function verifyOrderSignature(
  input: string | Buffer | OsciOrder,
  options: VerifyOrderOptions,
): Promise<VerifiedOrder> {
  let xml: string;
  let source = options.attachments;
  if (typeof input === 'string') xml = input;
  else if (Buffer.isBuffer(input)) {
    const mime = parseMultipartRelated(
      input,
      options.maxPartBytes === undefined ? {} : { maxPartBytes: options.maxPartBytes },
    );
    xml = mime.soapPart.body.toString('utf8');
    source = mime;
  } else xml = serializeOsciMessage(input);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // One strict parse: the codec reads the model from the same DOM that the signature is checked on.
  const root = parseXmlDocumentStrict(xml, { maxBytes });
  const message = parseOsciEnvelope(root);
  if (!isOrder(message)) {
    throw new OsciError('SIGNATURE_MISSING', `a ${message.type} carries no order signature`);
  }
  const name = blockName(message);
  const document = (root as unknown as Element).ownerDocument as Document;
  const { header, body } = envelopeParts(document);
  const blocks = childElements(header, OSCI_NS, name);
  const [block] = blocks;
  if (block === undefined || blocks.length !== 1) {
    throw new OsciError('SIGNATURE_MISSING', `the message needs exactly one osci:${name}`);
  }
  const expected = [...childElements(header).filter((element) => element !== block), body];
  const signatureElement = childElements(block)[0] as Element;
  // Every part of the package, every part a Content references and every part the signature names.
  const signedUris = findElements(signatureElement, DS_NAMESPACE, 'Reference')
    .map((reference) => reference.getAttribute('URI') ?? '')
    .filter((uri) => uri.startsWith('cid:'));
  const uris = [
    ...new Set([
      ...sourceUris(source),
      ...attachmentReferences(message).map((cid) => `cid:${cid}`),
      ...signedUris,
    ]),
  ];
  const resolve = attachmentResolver(source);
  requireAttachments(uris, resolve);
  const signature = await verifyXmlSignature(signatureElement, {
    expectedReferences: expected,
    expectedAttachments: uris,
    resolveAttachment: resolve,
    ...trustOptionsOf(options),
    ...(options.allowLegacy === undefined ? {} : { allowLegacy: options.allowLegacy }),
  });
  const named = signatureCertificates(message);
  const signerBase64 = Buffer.from(signature.signer.certificateDer).toString('base64');
  if (named.length > 0 && !named.includes(signerBase64)) {
    throw new OsciError(
      'SIGNATURE_INVALID',
      'the signer is not a signature certificate named in the message',
      {
        details: { subject: signature.signer.subject },
      },
    );
  }
  return { message, signer: signature.signer, signature };
}

/** The intermediary's check of a request: {@link verifyOrderSignature} restricted to ClientSignature. */
export async function verifyClientSignature(
  input: string | OsciRequest,
  options: VerifyOrderOptions,
): Promise<VerifiedOrder<OsciRequest>> {
  const verified = await verifyOrderSignature(input, options);
  if (MESSAGE_SPECS[verified.message.type].role !== 'request') {
    throw new OsciError('SIGNATURE_MISSING', 'a response carries a SupplierSignature, not a ClientSignature');
  }
  return verified as VerifiedOrder<OsciRequest>;
}

export interface EncryptOrderOptions {
  readonly algorithm?: ContentEncryptionAlgorithm;
}

/**
 * Encrypts the whole serialised message for its receiver (the intermediary, or the client for a response)
 * as `soapMessageEncrypted`: the envelope is one xenc:EncryptedData of Type Element with AES-GCM and an
 * RSA-OAEP EncryptedKey. The ciphertext is inline (CipherValue) and only the envelope is encrypted; the
 * form OSCI libraries exchange, with the whole MIME package in a part `cid:osci_enc`, is
 * {@link encryptForIntermediaryMime}.
 */
export async function encryptForIntermediary(
  message: OsciOrder,
  intermediaryCertificate: CertificateInput,
  options: EncryptOrderOptions = {},
): Promise<SoapMessageEncrypted> {
  if (!isOrder(message)) throw new OsciError('MESSAGE_INVALID', 'only requests and responses are encrypted');
  certificateDerList(intermediaryCertificate);
  const document = parseXmlStrict(serializeOsciMessage(message, { xmlDeclaration: false }));
  const encrypted = encryptElement(document.documentElement as Element, {
    recipients: [{ certificate: intermediaryCertificate }],
    ivLengthElement: true,
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
  });
  encrypted.setAttribute('MimeType', 'text/xml');
  return { type: 'soapMessageEncrypted', encryptedData: serializeXml(encrypted) };
}

export interface DecryptOrderOptions {
  readonly privateKey: PrivateKeyInput;
  readonly certificate?: CertificateInput;
  readonly legacy?: boolean;
  /** Largest decrypted envelope; default 64 MiB. */
  readonly maxBytes?: number;
}

/**
 * Opens a `soapMessageEncrypted` (model, or the serialised envelope) with the receiver's key and parses the
 * inner message with the strict codec. Key or cipher failures are `DECRYPTION_FAILED`; an inner message that
 * is not a request or response is `MESSAGE_INVALID`. Verify the signature next with
 * {@link verifyOrderSignature} on `xml`.
 */
export async function decryptFromClient(
  input: SoapMessageEncrypted | string,
  options: DecryptOrderOptions,
): Promise<{ readonly message: OsciOrder; readonly xml: string }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const outer = typeof input === 'string' ? parseOsciMessage(input, { maxBytes }) : input;
  if (outer.type !== 'soapMessageEncrypted') {
    throw new OsciError('MESSAGE_INVALID', 'expected a soapMessageEncrypted envelope');
  }
  const document = parseXmlStrict(outer.encryptedData, { maxBytes });
  decryptElement(document.documentElement as Element, {
    privateKey: options.privateKey,
    maxBytes,
    defaultGcmIvLength: 16,
    ...(options.certificate === undefined ? {} : { certificate: options.certificate }),
    ...(options.legacy === undefined ? {} : { legacy: options.legacy }),
  });
  const xml = serializeXml(document);
  const message = parseOsciMessage(xml, { maxBytes });
  if (!isOrder(message)) {
    throw new OsciError('MESSAGE_INVALID', `an encrypted envelope cannot hold a ${message.type}`);
  }
  return { message, xml };
}

/** Same as {@link decryptFromClient}, for the client opening an encrypted response. */
export const decryptOrderData = decryptFromClient;

/** Content-ID of the MIME part that carries the encrypted order in OSCI libraries. */
export const OSCI_ENC_CONTENT_ID = 'osci_enc';

export interface EncryptOrderMimeOptions extends EncryptOrderOptions {
  /** Attachment parts of the message as signed (ciphertext of encrypted attachments), when a model is given. */
  readonly attachments?: readonly MimeAttachmentInput[];
  /**
   * Transfer encoding of the `osci_enc` part: `binary` (default, `application/octet-stream`) or `base64`
   * (76-character lines; OSCI libraries decode it by its Content-Transfer-Encoding).
   */
  readonly transferEncoding?: 'binary' | 'base64';
  /** Fixed boundary of the outer package (tests); default random. */
  readonly boundary?: string;
  /** Content-ID of the outer SOAP part; default random. */
  readonly soapContentId?: string;
}

/** The outer package of an encrypted order and the `soapMessageEncrypted` envelope in its SOAP part. */
export interface EncryptedOrderPackage extends BuiltMultipart {
  readonly message: SoapMessageEncrypted;
}

function isBuilt(input: OsciOrder | BuiltMultipart | Buffer): input is BuiltMultipart {
  return !Buffer.isBuffer(input) && 'bodyChunks' in input;
}

/**
 * The encrypted order as OSCI libraries exchange it: the whole message — its MIME package with entity headers,
 * SOAP part and every attachment part — is encrypted (AES-GCM, `osci128:IvLength` 12, RSA-OAEP key for the
 * receiver) into a MIME part `cid:osci_enc`; the SOAP part of the outer package is a `soapMessageEncrypted`
 * whose `xenc:EncryptedData MimeType="Multipart/Related"` points to it by `CipherReference` (with the
 * `#base64` transform the library writes). Input is the signed message (and `options.attachments`), or its
 * built MIME package. The plaintext package is encrypted chunk by chunk into one ciphertext buffer.
 */
export async function encryptForIntermediaryMime(
  input: OsciOrder | BuiltMultipart | Buffer,
  receiverCertificate: CertificateInput,
  options: EncryptOrderMimeOptions = {},
): Promise<EncryptedOrderPackage> {
  certificateDerList(receiverCertificate);
  let chunks: readonly Uint8Array[];
  if (Buffer.isBuffer(input)) {
    // A package built elsewhere: it must be an OSCI order with entity headers, as it will be read back.
    const inner = parseMultipartRelated(input);
    const message = parseOsciMessage(inner.soapPart.body.toString('utf8'));
    if (!isOrder(message))
      throw new OsciError('MESSAGE_INVALID', 'only requests and responses are encrypted');
    chunks = [input];
  } else if (isBuilt(input)) {
    chunks = [input.entityHeaders, ...input.bodyChunks];
  } else {
    if (!isOrder(input)) throw new OsciError('MESSAGE_INVALID', 'only requests and responses are encrypted');
    const built = buildMultipartRelated({
      soapXml: serializeOsciMessage(input),
      ...(options.attachments === undefined ? {} : { attachments: options.attachments }),
    });
    chunks = [built.entityHeaders, ...built.bodyChunks];
  }
  const { encryptedData, ciphertext } = encryptDetached(chunks, {
    recipients: [{ certificate: receiverCertificate }],
    cipherReference: `cid:${OSCI_ENC_CONTENT_ID}`,
    mimeType: 'Multipart/Related',
    base64Transform: true,
    ivLengthElement: true,
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
  });
  const message: SoapMessageEncrypted = {
    type: 'soapMessageEncrypted',
    encryptedData: serializeXml(encryptedData),
  };
  const built = buildMultipartRelated({
    soapXml: serializeOsciMessage(message),
    attachments: [
      {
        contentId: OSCI_ENC_CONTENT_ID,
        contentType: 'application/octet-stream',
        transferEncoding: options.transferEncoding ?? 'binary',
        data: ciphertext,
      },
    ],
    ...(options.boundary === undefined ? {} : { boundary: options.boundary }),
    ...(options.soapContentId === undefined ? {} : { soapContentId: options.soapContentId }),
  });
  return Object.assign(built, { message });
}

export interface DecryptOrderMimeOptions extends DecryptOrderOptions {
  /** Largest MIME part of the outer and of the decrypted package; default 256 MiB. */
  readonly maxPartBytes?: number;
}

/** A decrypted order: the inner package, ready for {@link verifyOrderSignature} and content decryption. */
export interface DecryptedOrderPackage {
  readonly message: OsciOrder;
  /** The SOAP envelope of the inner message. */
  readonly xml: string;
  /** The decrypted MIME package (entity headers, SOAP part, attachment parts). */
  readonly mime: Buffer;
  /** `mime` parsed; its attachment parts are views into `mime`. */
  readonly parts: ParsedMultipart;
}

function cipherReferenceOf(encryptedData: Element): string {
  const invalid = (message: string) => new OsciError('ENCRYPTION_INVALID', message);
  const cipherData = childElements(encryptedData, XENC_NAMESPACE, 'CipherData');
  const references =
    cipherData.length === 1 ? childElements(cipherData[0] as Element, XENC_NAMESPACE, 'CipherReference') : [];
  const reference = references[0];
  if (reference === undefined || references.length !== 1) {
    throw invalid('the encrypted order needs one xenc:CipherReference (MIME form)');
  }
  const uri = reference.getAttribute('URI') ?? '';
  if (!/^cid:[\x21-\x3b\x3d\x3f-\x7e]+$/.test(uri)) throw invalid('CipherReference must be a cid: URI');
  // Only the library's base64 transform, which describes the part's transfer encoding.
  const groups = childElements(reference);
  for (const group of groups) {
    const inner = childElements(group);
    if (
      groups.length > 1 ||
      group.namespaceURI !== XENC_NAMESPACE ||
      group.localName !== 'Transforms' ||
      inner.length > 1 ||
      inner.some((t) => t.namespaceURI !== DS_NAMESPACE || t.getAttribute('Algorithm') !== BASE64_TRANSFORM)
    ) {
      throw new OsciError('ENCRYPTION_ALGORITHM_FORBIDDEN', 'CipherReference transform not accepted');
    }
  }
  return uri;
}

/** The cipher bytes of the `osci_enc` part: decoded by its transfer encoding, or `text/base64` as text. */
function cipherBytes(part: ParsedMultipart['attachments'][number]): Buffer {
  if (part.transferEncoding === 'base64') return part.body;
  if (parseContentType(part.contentType).type !== 'text/base64') return part.body;
  const text = part.body.toString('latin1').replace(/[\r\n\t ]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new OsciError('MIME_INVALID', 'text/base64 part is not valid base64', {
      details: { contentId: part.contentId },
    });
  }
  return Buffer.from(text, 'base64');
}

/**
 * Opens the MIME form of an encrypted order (see {@link encryptForIntermediaryMime}; also as written by OSCI
 * libraries): the outer SOAP part must be a `soapMessageEncrypted` whose EncryptedData refers by
 * `CipherReference` to the only other part. A missing part is `MIME_PART_MISSING`, an extra part
 * `MIME_INVALID`, a changed one or a wrong key `DECRYPTION_FAILED`. AES-GCM without `osci128:IvLength`
 * (16-byte IV), AES-CBC, 3DES, RSA-OAEP-SHA1 and RSA-1.5 only with `legacy`. The plaintext is parsed as a MIME
 * package (a bare SOAP envelope is accepted too) and its SOAP part with the strict codec; verify next with
 * {@link verifyOrderSignature} on `mime`.
 */
export async function decryptFromClientMime(
  input: Buffer | ParsedMultipart,
  options: DecryptOrderMimeOptions,
): Promise<DecryptedOrderPackage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const partLimit = options.maxPartBytes === undefined ? {} : { maxPartBytes: options.maxPartBytes };
  const outer = Buffer.isBuffer(input) ? parseMultipartRelated(input, partLimit) : input;
  const envelope = parseOsciMessage(outer.soapPart.body.toString('utf8'), { maxBytes });
  if (envelope.type !== 'soapMessageEncrypted') {
    throw new OsciError('MESSAGE_INVALID', 'expected a soapMessageEncrypted envelope');
  }
  const encryptedData = parseXmlStrict(envelope.encryptedData, { maxBytes }).documentElement as Element;
  const uri = cipherReferenceOf(encryptedData);
  const resolve = attachmentResolver(outer);
  requireAttachments([uri], resolve);
  if (outer.attachments.length !== 1) {
    throw new OsciError('MIME_INVALID', 'an encrypted order has exactly one part beside the SOAP part', {
      details: { parts: outer.attachments.map((part) => part.contentId) },
    });
  }
  const part = outer.get(uri.slice(4)) as ParsedMultipart['attachments'][number];
  const plaintext = decryptDetached(encryptedData, cipherBytes(part), {
    privateKey: options.privateKey,
    defaultGcmIvLength: 16,
    ...(options.certificate === undefined ? {} : { certificate: options.certificate }),
    ...(options.legacy === undefined ? {} : { legacy: options.legacy }),
  });
  // A bare envelope (no attachments, no MIME wrapper) is wrapped, so that callers see one shape.
  const bare = /^\s*</.test(plaintext.toString('latin1', 0, Math.min(plaintext.length, 64)));
  const mime = bare ? buildMultipartRelated({ soapXml: plaintext }).toBuffer() : plaintext;
  const parts = parseMultipartRelated(mime, partLimit);
  const xml = parts.soapPart.body.toString('utf8');
  const message = parseOsciMessage(xml, { maxBytes });
  if (!isOrder(message)) {
    throw new OsciError('MESSAGE_INVALID', `an encrypted envelope cannot hold a ${message.type}`);
  }
  return { message, xml, mime, parts };
}

/** Same as {@link decryptFromClientMime}, for the client opening an encrypted response. */
export const decryptOrderDataMime = decryptFromClientMime;
