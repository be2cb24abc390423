import { parseOsciEnvelope } from '../codec/parse.js';
import { parseXmlDocumentStrict } from '../codec/xml.js';
import { OsciError } from '../errors.js';
import { parseMultipartRelated } from '../mime/multipart.js';
import { DS_NS, OSCI_NS, OSCI128_NS, SOAP_ENV_NS, XENC_NS } from '../model/namespaces.js';
import type { Content, ContentContainer, EncryptedDataXml } from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  type TrustOptions,
  trustOptionsOf,
  validateCertificate,
} from '../security/certificates.js';
import {
  type DigestAlgorithmName,
  type SignatureAlgorithmName,
  signXml,
  type VerifiedXmlSignature,
  verifyXmlSignature,
} from '../security/xmldsig.js';
import {
  acceptedContentAlgorithm,
  type ContentEncryptionAlgorithm,
  decryptElement,
  decryptWithAlgorithm,
  encryptBytes,
  encryptElement,
  generateContentKey,
} from '../security/xmlenc.js';
import { childElements, type Document, type Element, parseXmlStrict, serializeXml } from '../xml/parse.js';
import {
  type AttachmentSource,
  attachmentResolver,
  carrierDocument,
  carrierPackage,
  containerAttachmentUris,
  modelAttachmentUris,
  onlyContainer,
  type PrivateKeyInput,
  requireAttachments,
  type SignerCredentials,
} from './carrier.js';

export interface SignContentOptions {
  /** The author (Autor) of the content data. */
  readonly author: SignerCredentials;
  /** Default `rsa-sha256`. */
  readonly algorithm?: SignatureAlgorithmName;
  /** Default `sha256`. */
  readonly digest?: DigestAlgorithmName;
  /**
   * The plaintext bytes of every attachment the container references (`cid:`), recursively into nested
   * containers; each is signed by a `cid:` reference with the digest over its bytes.
   */
  readonly attachments?: AttachmentSource;
}

/**
 * With `trustAnchors`, every recipient certificate must chain to them and allow key or data encipherment; a
 * recipient given as PEM chain brings its own intermediates. The other trust settings need `trustAnchors`.
 */
export interface EncryptContentOptions extends Partial<TrustOptions> {
  /** Encryption certificates of every reader (addressee and other readers); never the intermediary's. */
  readonly recipients: readonly CertificateInput[];
  /** Default `aes256-gcm`. */
  readonly algorithm?: ContentEncryptionAlgorithm;
}

export interface DecryptContentOptions {
  readonly privateKey: PrivateKeyInput;
  /** The reader's encryption certificate; picks its EncryptedKey. */
  readonly certificate?: CertificateInput;
  /**
   * Read old messages: AES-CBC and 3DES (containers and attachments), AES-GCM with the old 16-byte IV (no
   * `osci128:IvLength`), RSA-OAEP-SHA1 and RSA-1.5. Never written.
   */
  readonly legacy?: boolean;
}

/** Trust settings for the author certificates (`at`: their validation time, default now). */
export interface VerifyContentOptions extends TrustOptions {
  readonly allowLegacy?: boolean;
  /**
   * Plaintext bytes of the referenced attachments: the parsed MIME package of an unencrypted container, or
   * the map returned by {@link decryptContentContainerWithAttachments}. A missing one is `MIME_PART_MISSING`.
   */
  readonly attachments?: AttachmentSource;
}

export interface VerifiedContentContainer {
  readonly containerId: string;
  /** One entry per ds:Signature of the container, in document order. */
  readonly authors: readonly CertificateInfo[];
  readonly signatures: readonly VerifiedXmlSignature[];
  /** Results of signed containers nested in Content elements. */
  readonly nested: readonly VerifiedContentContainer[];
}

/** Gives every Content and EncryptedData of the container an Id, so that a signature can reference it. */
function withReferenceIds(container: ContentContainer): ContentContainer {
  const contents = (container.contents ?? []).map(
    (content, index): Content =>
      content.id === undefined ? { ...content, id: `${container.id}-content-${index + 1}` } : content,
  );
  const encryptedData = (container.encryptedData ?? []).map((xml, index) => {
    const document = parseXmlStrict(xml);
    const root = document.documentElement as Element;
    if (root.getAttribute('Id')) return xml;
    root.setAttribute('Id', `${container.id}-encrypted-${index + 1}`);
    return serializeXml(root);
  });
  return {
    ...container,
    ...(contents.length > 0 ? { contents } : {}),
    ...(encryptedData.length > 0 ? { encryptedData } : {}),
  };
}

/** What an author signature covers: every Content and EncryptedData child of its container. */
function signedParts(container: Element): Element[] {
  return [
    ...childElements(container, OSCI_NS, 'Content'),
    ...childElements(container, XENC_NS, 'EncryptedData'),
  ];
}

/**
 * Adds the author's ds:Signature to a content container. Like the OSCI library, the signature is
 * detached and references each Content and EncryptedData of the container by Id (Ids are assigned as
 * `<container>-content-<n>` where missing); a further author signs the same references. Containers with
 * attachment references are refused until `cid:` references are supported.
 */
export async function signContentContainer(
  container: ContentContainer,
  options: SignContentOptions,
): Promise<ContentContainer> {
  const prepared = withReferenceIds(container);
  const { document, pkg } = carrierDocument({ contentContainers: [prepared] });
  const element = childElements(pkg, OSCI_NS, 'ContentContainer')[0] as Element;
  const references = signedParts(element);
  if (references.length === 0) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'content container has nothing to sign', {
      details: { containerId: container.id },
    });
  }
  const resolve = attachmentResolver(options.attachments);
  const uris = containerAttachmentUris(element);
  requireAttachments(uris, resolve);
  const signature = await signXml(document, {
    references: references.map((reference) => ({ element: reference, idAttribute: 'Id' })),
    attachments: uris.map((uri) => ({ uri, data: resolve(uri) as Uint8Array })),
    signingKey: options.author.key,
    certificateChain: options.author.certificateChain,
    placeIn: element,
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
    ...(options.digest === undefined ? {} : { digest: options.digest }),
  });
  // Schema order is Signature*, Content*, EncryptedData*; the signature is detached, so moving it is safe.
  const firstContent = childElements(element).find((child) => child.namespaceURI !== DS_NS);
  if (firstContent !== undefined) element.insertBefore(signature, firstContent);
  return onlyContainer(carrierPackage(document));
}

async function verifyContainerElement(
  container: Element,
  options: VerifyContentOptions,
): Promise<VerifiedContentContainer> {
  const containerId = container.getAttribute('Id') ?? '';
  const signatureElements = childElements(container, DS_NS, 'Signature');
  if (signatureElements.length === 0) {
    throw new OsciError('SIGNATURE_MISSING', `content container "${containerId}" is not signed`, {
      details: { containerId },
    });
  }
  const expected = signedParts(container);
  const resolve = attachmentResolver(options.attachments);
  const uris = containerAttachmentUris(container);
  requireAttachments(uris, resolve);
  const signatures: VerifiedXmlSignature[] = [];
  for (const signature of signatureElements) {
    signatures.push(
      await verifyXmlSignature(signature, {
        expectedReferences: expected,
        expectedAttachments: uris,
        resolveAttachment: resolve,
        ...trustOptionsOf(options),
        ...(options.allowLegacy === undefined ? {} : { allowLegacy: options.allowLegacy }),
      }),
    );
  }
  const nested: VerifiedContentContainer[] = [];
  for (const content of childElements(container, OSCI_NS, 'Content')) {
    for (const inner of childElements(content, OSCI_NS, 'ContentContainer')) {
      if (childElements(inner, DS_NS, 'Signature').length > 0) {
        nested.push(await verifyContainerElement(inner, options));
      }
    }
  }
  return { containerId, authors: signatures.map((signature) => signature.signer), signatures, nested };
}

/**
 * Verifies every author signature of a container: each must reference exactly the container's Content and
 * EncryptedData children, and each author certificate must chain to a trust anchor at `at`.
 */
export async function verifyContentContainer(
  container: ContentContainer,
  options: VerifyContentOptions,
): Promise<VerifiedContentContainer> {
  const { pkg } = carrierDocument({ contentContainers: [container] });
  return verifyContainerElement(childElements(pkg, OSCI_NS, 'ContentContainer')[0] as Element, options);
}

export interface VerifyMessageContentOptions extends VerifyContentOptions {
  /** Accept plain containers without an author signature (they are skipped). Default false. */
  readonly allowUnsigned?: boolean;
  readonly maxBytes?: number;
}

/**
 * Verifies the author signatures of the plain content containers of a whole serialised message, or of a
 * MIME package (Buffer), whose parts then give the attachment bytes. Ids must
 * be unique across the whole envelope, so a duplicated container or a Content moved between containers is
 * refused (`SIGNATURE_REFERENCE_INVALID`).
 */
export async function verifyMessageContent(
  input: string | Buffer,
  options: VerifyMessageContentOptions,
): Promise<VerifiedContentContainer[]> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  let xml: string;
  if (typeof input === 'string') xml = input;
  else {
    // A MIME package: the SOAP part is the message, the other parts are its attachments.
    const mime = parseMultipartRelated(input);
    xml = mime.soapPart.body.toString('utf8');
    options = { ...options, attachments: mime };
  }
  // The strict codec first: only a well-formed OSCI message is looked at (on the DOM used below).
  const root = parseXmlDocumentStrict(xml, { maxBytes });
  parseOsciEnvelope(root);
  const document = (root as unknown as Element).ownerDocument as Document;
  const body = childElements(document.documentElement as Element, SOAP_ENV_NS, 'Body')[0];
  const pkg = body === undefined ? undefined : childElements(body, OSCI_NS, 'ContentPackage')[0];
  const results: VerifiedContentContainer[] = [];
  for (const container of pkg === undefined ? [] : childElements(pkg, OSCI_NS, 'ContentContainer')) {
    if (options.allowUnsigned === true && childElements(container, DS_NS, 'Signature').length === 0) continue;
    results.push(await verifyContainerElement(container, options));
  }
  return results;
}

/** An attachment encrypted for the readers: the bytes to send as the MIME part with this Content-ID. */
export interface EncryptedAttachment {
  readonly contentId: string;
  /** IV (12 bytes) || AES-GCM ciphertext || tag (16 bytes). */
  readonly data: Buffer;
}

export interface EncryptContentWithAttachmentsOptions extends EncryptContentOptions {
  /** Plaintext bytes of every attachment the container references. */
  readonly attachments: AttachmentSource;
}

export interface DecryptContentWithAttachmentsOptions extends DecryptContentOptions {
  /** The received MIME package (or a map) holding the encrypted attachment parts. */
  readonly attachments: AttachmentSource;
}

const BASE64_TRANSFORM = 'http://www.w3.org/2000/09/xmldsig#base64';
const ALGORITHM_URIS: Readonly<Record<ContentEncryptionAlgorithm, string>> = {
  'aes128-gcm': 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'aes192-gcm': 'http://www.w3.org/2009/xmlenc11#aes192-gcm',
  'aes256-gcm': 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
};

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The OSCI form of an encrypted attachment inside the (then encrypted) content container: an
 * xenc:EncryptedData with Id `Attachment<cid>`, the symmetric key in ds:KeyInfo/ds:MgmtData and a
 * CipherReference to the MIME part. The key is protected by the encryption of the container around it.
 */
function attachmentCarrier(uri: string, algorithm: ContentEncryptionAlgorithm, key: Buffer): string {
  const id = `Attachment${uri.slice(4).replace(/[^\w.-]/g, '_')}`;
  return (
    `<xenc:EncryptedData xmlns:xenc="${XENC_NS}" xmlns:ds="${DS_NS}" Id="${escapeXml(id)}" MimeType="text/xml">` +
    `<xenc:EncryptionMethod Algorithm="${ALGORITHM_URIS[algorithm]}">` +
    `<osci128:IvLength xmlns:osci128="${OSCI128_NS}" Value="12"/></xenc:EncryptionMethod>` +
    `<ds:KeyInfo><ds:MgmtData>${key.toString('base64')}</ds:MgmtData></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherReference URI="${escapeXml(uri)}"><xenc:Transforms>` +
    `<ds:Transform Algorithm="${BASE64_TRANSFORM}"/></xenc:Transforms></xenc:CipherReference></xenc:CipherData>` +
    '</xenc:EncryptedData>'
  );
}

function isAttachmentCarrier(element: Element): boolean {
  const data = childElements(element, XENC_NS, 'CipherData')[0];
  return data !== undefined && childElements(data, XENC_NS, 'CipherReference').length > 0;
}

async function checkRecipients(options: EncryptContentOptions): Promise<void> {
  if (options.recipients.length === 0) {
    throw new OsciError('ENCRYPTION_INVALID', 'content data needs at least one reader');
  }
  const { trustAnchors } = options;
  if (trustAnchors === undefined) {
    // Without anchors nothing is validated; taking the other settings would silently ignore them.
    if (options.intermediates !== undefined || options.at !== undefined || options.crls !== undefined) {
      throw new OsciError('OPTIONS_INVALID', 'intermediates, at and crls need trustAnchors');
    }
    return;
  }
  for (const recipient of options.recipients) {
    const [leaf, ...chain] = certificateDerList(recipient);
    await validateCertificate(leaf as Uint8Array, {
      ...trustOptionsOf({ ...options, trustAnchors }),
      intermediates: [...chain, ...(options.intermediates ?? [])],
      keyUsage: ['keyEncipherment', 'dataEncipherment'],
    });
  }
}

function encryptContainerXml(container: ContentContainer, options: EncryptContentOptions): EncryptedDataXml {
  const { pkg } = carrierDocument({ contentContainers: [container] });
  const element = childElements(pkg, OSCI_NS, 'ContentContainer')[0] as Element;
  const encrypted = encryptElement(element, {
    recipients: options.recipients.map((certificate) => ({ certificate })),
    ivLengthElement: true,
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
  });
  encrypted.setAttribute('MimeType', 'text/xml');
  return serializeXml(encrypted);
}

/**
 * Encrypts a content container end to end (xenc:EncryptedData of Type Element, AES-GCM, one RSA-OAEP
 * EncryptedKey per reader). The result goes into `ContentPackage.encryptedData`; only the listed readers
 * can open it, in particular not the intermediary unless it is listed. A container that references
 * attachments is refused (`ENCRYPTION_INVALID`): they would travel in the clear; use
 * {@link encryptContentContainerWithAttachments}.
 */
export async function encryptContentContainer(
  container: ContentContainer,
  options: EncryptContentOptions,
): Promise<EncryptedDataXml> {
  await checkRecipients(options);
  if (modelAttachmentUris(container).length > 0) {
    throw new OsciError(
      'ENCRYPTION_INVALID',
      'the container references attachments; use encryptContentContainerWithAttachments',
      { details: { containerId: container.id } },
    );
  }
  return encryptContainerXml(container, options);
}

/**
 * Encrypts a content container and every attachment it references (recursively) for the readers, as the
 * OSCI library does: each attachment gets its own AES-GCM key and becomes ciphertext for its MIME part; an
 * xenc:EncryptedData with that key (ds:MgmtData) and a CipherReference to the part is added to the
 * container, which is then encrypted with RSA-OAEP keys for the readers. Sign the container before (the
 * author signature covers the plaintext attachments). Each attachment is copied once (into its ciphertext).
 */
export async function encryptContentContainerWithAttachments(
  container: ContentContainer,
  options: EncryptContentWithAttachmentsOptions,
): Promise<{
  readonly encryptedData: EncryptedDataXml;
  readonly attachments: readonly EncryptedAttachment[];
}> {
  await checkRecipients(options);
  const resolve = attachmentResolver(options.attachments);
  const uris = modelAttachmentUris(container);
  requireAttachments(uris, resolve);
  const algorithm = options.algorithm ?? 'aes256-gcm';
  const carriers: string[] = [];
  const attachments: EncryptedAttachment[] = [];
  for (const uri of uris) {
    const key = generateContentKey(algorithm);
    attachments.push({ contentId: uri.slice(4), data: encryptBytes(resolve(uri) as Uint8Array, { key }) });
    carriers.push(attachmentCarrier(uri, algorithm, key));
    key.fill(0);
  }
  const withCarriers: ContentContainer = {
    ...container,
    ...(carriers.length > 0 ? { encryptedData: [...(container.encryptedData ?? []), ...carriers] } : {}),
  };
  return { encryptedData: encryptContainerXml(withCarriers, options), attachments };
}

/** Decrypts the container element in a carrier document; every key or cipher failure is DECRYPTION_FAILED. */
function openContainer(encrypted: EncryptedDataXml, options: DecryptContentOptions) {
  const { document, pkg } = carrierDocument({ encryptedData: [encrypted] });
  const element = childElements(pkg, XENC_NS, 'EncryptedData')[0] as Element;
  const result = decryptElement(element, {
    privateKey: options.privateKey,
    // OSCI libraries read an EncryptedData without osci128:IvLength with the old 16-byte IV.
    defaultGcmIvLength: 16,
    ...(options.certificate === undefined ? {} : { certificate: options.certificate }),
    ...(options.legacy === undefined ? {} : { legacy: options.legacy }),
  });
  const elements = result.kind === 'nodes' ? result.nodes.filter((node) => node.nodeType === 1) : [];
  const [container] = elements as Element[];
  if (
    elements.length !== 1 ||
    container?.namespaceURI !== OSCI_NS ||
    container.localName !== 'ContentContainer' ||
    childElements(pkg).length !== 1
  ) {
    throw new OsciError('MESSAGE_INVALID', 'decrypted content is not one osci:ContentContainer');
  }
  return { document, container };
}

/** Attachment carriers of a container and its nested containers. */
function carriersOf(container: Element): Element[] {
  return [
    ...childElements(container, XENC_NS, 'EncryptedData').filter(isAttachmentCarrier),
    ...childElements(container, OSCI_NS, 'Content').flatMap((content) =>
      childElements(content, OSCI_NS, 'ContentContainer').flatMap(carriersOf),
    ),
  ];
}

/** An attachment carrier as read: the cid URI, the symmetric algorithm, its IV length and the key. */
interface AttachmentKey {
  readonly uri: string;
  readonly algorithm: string;
  readonly ivLength: number;
  readonly key: Buffer;
}

/**
 * Reads one attachment carrier. AES-GCM with `osci128:IvLength` 12 is read always; AES-GCM without it (the
 * old 16-byte IV), AES-CBC and 3DES only with `legacy`, else `ENCRYPTION_ALGORITHM_FORBIDDEN`.
 */
function readCarrier(carrier: Element, legacy: boolean): AttachmentKey {
  const invalid = (message: string) => new OsciError('ENCRYPTION_INVALID', message);
  const [method, keyInfo, cipherData, ...rest] = childElements(carrier);
  if (
    method?.namespaceURI !== XENC_NS ||
    method.localName !== 'EncryptionMethod' ||
    keyInfo?.namespaceURI !== DS_NS ||
    keyInfo.localName !== 'KeyInfo' ||
    cipherData?.localName !== 'CipherData' ||
    rest.length > 0
  ) {
    throw invalid('attachment EncryptedData needs EncryptionMethod, KeyInfo, CipherData');
  }
  const algorithm = method.getAttribute('Algorithm') ?? '';
  // The library writes IvLength unless the IV has its old length of 16 bytes (AES-GCM; CBC ignores it).
  const ivElements = childElements(method, OSCI128_NS, 'IvLength');
  const ivValue = ivElements[0]?.getAttribute('Value') ?? '16';
  if (ivElements.length > 1 || !/^(12|16)$/.test(ivValue)) {
    throw invalid('osci128:IvLength must be given at most once, as 12 or 16');
  }
  const ivLength = Number(ivValue);
  const keyLength = acceptedContentAlgorithm(algorithm, { legacy, ivLength });
  const mgmt = childElements(keyInfo, DS_NS, 'MgmtData');
  const keyText = (mgmt[0]?.textContent ?? '').replace(/\s+/g, '');
  if (mgmt.length !== 1 || childElements(keyInfo).length !== 1 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) {
    throw invalid('attachment EncryptedData needs its key in one ds:MgmtData');
  }
  const key = Buffer.from(keyText, 'base64');
  if (key.length !== keyLength) throw invalid('attachment key does not fit the algorithm');
  const references = childElements(cipherData, XENC_NS, 'CipherReference');
  const reference = references[0];
  if (references.length !== 1 || childElements(cipherData).length !== 1 || reference === undefined) {
    throw invalid('attachment EncryptedData needs one CipherReference');
  }
  const uri = reference.getAttribute('URI') ?? '';
  if (!/^cid:[\x21-\x3b\x3d\x3f-\x7e]+$/.test(uri)) throw invalid('CipherReference must be a cid: URI');
  // The library writes a base64 transform; the part's Content-Transfer-Encoding decides how it is decoded.
  const transforms = childElements(reference);
  for (const group of transforms) {
    const inner = childElements(group);
    if (
      group.namespaceURI !== XENC_NS ||
      group.localName !== 'Transforms' ||
      inner.some((t) => t.namespaceURI !== DS_NS || t.getAttribute('Algorithm') !== BASE64_TRANSFORM) ||
      transforms.length > 1 ||
      inner.length > 1
    ) {
      throw new OsciError('ENCRYPTION_ALGORITHM_FORBIDDEN', 'CipherReference transform not accepted');
    }
  }
  return { uri, algorithm, ivLength, key };
}

/**
 * Opens an end-to-end encrypted content container. Every key or cipher failure is `DECRYPTION_FAILED`;
 * plaintext that is not exactly one osci:ContentContainer is `MESSAGE_INVALID`; a container with encrypted
 * attachments is `ENCRYPTION_INVALID` (use {@link decryptContentContainerWithAttachments}). Verify the
 * author signatures afterwards with {@link verifyContentContainer}.
 */
export async function decryptContentContainer(
  encrypted: EncryptedDataXml,
  options: DecryptContentOptions,
): Promise<ContentContainer> {
  const { document, container } = openContainer(encrypted, options);
  if (carriersOf(container).length > 0) {
    throw new OsciError(
      'ENCRYPTION_INVALID',
      'the container has encrypted attachments; use decryptContentContainerWithAttachments',
    );
  }
  return onlyContainer(carrierPackage(document));
}

/**
 * Opens an encrypted content container and its encrypted attachments: each attachment EncryptedData
 * (CipherReference to a MIME part) is decrypted with its key and removed from the container, as the OSCI
 * library does, so that the author signatures see the container as signed. A missing part is
 * `MIME_PART_MISSING`, a changed one `DECRYPTION_FAILED`; a CipherReference to an attachment the container
 * does not reference is `ENCRYPTION_INVALID`. Each attachment is copied once (into its plaintext). Verify
 * next with {@link verifyContentContainer} and `attachments` set to the returned map.
 */
export async function decryptContentContainerWithAttachments(
  encrypted: EncryptedDataXml,
  options: DecryptContentWithAttachmentsOptions,
): Promise<{ readonly container: ContentContainer; readonly attachments: ReadonlyMap<string, Buffer> }> {
  const { document, container } = openContainer(encrypted, options);
  const resolve = attachmentResolver(options.attachments);
  const referenced = new Set(containerAttachmentUris(container));
  const attachments = new Map<string, Buffer>();
  for (const carrier of carriersOf(container)) {
    const { uri, algorithm, ivLength, key } = readCarrier(carrier, options.legacy === true);
    if (!referenced.has(uri) || attachments.has(uri.slice(4))) {
      throw new OsciError(
        'ENCRYPTION_INVALID',
        `CipherReference ${uri} is not an attachment of the container`,
      );
    }
    requireAttachments([uri], resolve);
    try {
      attachments.set(
        uri.slice(4),
        decryptWithAlgorithm(algorithm, key, resolve(uri) as Uint8Array, {
          legacy: options.legacy === true,
          ivLength,
        }),
      );
    } finally {
      key.fill(0);
    }
    carrier.parentNode?.removeChild(carrier);
  }
  return { container: onlyContainer(carrierPackage(document)), attachments };
}
