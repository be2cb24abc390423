import { parseOsciMessage } from '../codec/parse.js';
import { OsciError } from '../errors.js';
import { DS_NS, OSCI_NS, SOAP_ENV_NS, XENC_NS } from '../model/namespaces.js';
import type { Content, ContentContainer, EncryptedDataXml } from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  validateCertificate,
} from '../security/certificates.js';
import {
  type DigestAlgorithmName,
  type SignatureAlgorithmName,
  signXml,
  type VerifiedXmlSignature,
  verifyXmlSignature,
} from '../security/xmldsig.js';
import { type ContentEncryptionAlgorithm, decryptElement, encryptElement } from '../security/xmlenc.js';
import { childElements, type Element, parseXmlStrict, serializeXml } from '../xml/parse.js';
import {
  carrierDocument,
  carrierPackage,
  onlyContainer,
  type PrivateKeyInput,
  type SignerCredentials,
} from './carrier.js';

export interface SignContentOptions {
  /** The author (Autor) of the content data. */
  readonly author: SignerCredentials;
  /** Default `rsa-sha256`. */
  readonly algorithm?: SignatureAlgorithmName;
  /** Default `sha256`. */
  readonly digest?: DigestAlgorithmName;
}

export interface EncryptContentOptions {
  /** Encryption certificates of every reader (addressee and other readers); never the intermediary's. */
  readonly recipients: readonly CertificateInput[];
  /** Default `aes256-gcm`. */
  readonly algorithm?: ContentEncryptionAlgorithm;
  /**
   * When given, every recipient certificate must chain to these and allow key or data encipherment; a
   * recipient given as PEM chain brings its own intermediates.
   */
  readonly trustAnchors?: readonly CertificateInput[];
  readonly intermediates?: readonly CertificateInput[];
  readonly at?: Date;
}

export interface DecryptContentOptions {
  readonly privateKey: PrivateKeyInput;
  /** The reader's encryption certificate; picks its EncryptedKey. */
  readonly certificate?: CertificateInput;
  /** Read AES-CBC, 3DES, RSA-OAEP-SHA1 and RSA-1.5 of old messages. */
  readonly legacy?: boolean;
}

export interface VerifyContentOptions {
  readonly trustAnchors: readonly CertificateInput[];
  readonly intermediates?: readonly CertificateInput[];
  readonly crls?: readonly (string | Uint8Array)[];
  /** Validation time of the author certificates; default now. */
  readonly at?: Date;
  readonly allowLegacy?: boolean;
}

export interface VerifiedContentContainer {
  readonly containerId: string;
  /** One entry per ds:Signature of the container, in document order. */
  readonly authors: readonly CertificateInfo[];
  readonly signatures: readonly VerifiedXmlSignature[];
  /** Results of signed containers nested in Content elements. */
  readonly nested: readonly VerifiedContentContainer[];
}

function hasAttachment(container: ContentContainer): boolean {
  return (container.contents ?? []).some(
    (content) =>
      content.kind === 'attachment' || (content.kind === 'container' && hasAttachment(content.container)),
  );
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
  if (hasAttachment(container)) {
    throw new OsciError(
      'SIGNATURE_REFERENCE_INVALID',
      'signing attachments (cid: references) is not supported yet',
      { details: { containerId: container.id } },
    );
  }
  const prepared = withReferenceIds(container);
  const { document, pkg } = carrierDocument({ contentContainers: [prepared] });
  const element = childElements(pkg, OSCI_NS, 'ContentContainer')[0] as Element;
  const references = signedParts(element);
  if (references.length === 0) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'content container has nothing to sign', {
      details: { containerId: container.id },
    });
  }
  const signature = await signXml(document, {
    references: references.map((reference) => ({ element: reference, idAttribute: 'Id' })),
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
  const signatures: VerifiedXmlSignature[] = [];
  for (const signature of signatureElements) {
    signatures.push(
      await verifyXmlSignature(signature, {
        expectedReferences: expected,
        trustAnchors: options.trustAnchors,
        ...(options.intermediates === undefined ? {} : { intermediates: options.intermediates }),
        ...(options.crls === undefined ? {} : { crls: options.crls }),
        ...(options.at === undefined ? {} : { at: options.at }),
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
 * Verifies the author signatures of the plain content containers of a whole serialised message. Ids must
 * be unique across the whole envelope, so a duplicated container or a Content moved between containers is
 * refused (`SIGNATURE_REFERENCE_INVALID`).
 */
export async function verifyMessageContent(
  xml: string,
  options: VerifyMessageContentOptions,
): Promise<VerifiedContentContainer[]> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  // The strict codec first: only a well-formed OSCI message is looked at.
  parseOsciMessage(xml, { maxBytes });
  const document = parseXmlStrict(xml, { maxBytes });
  const body = childElements(document.documentElement as Element, SOAP_ENV_NS, 'Body')[0];
  const pkg = body === undefined ? undefined : childElements(body, OSCI_NS, 'ContentPackage')[0];
  const results: VerifiedContentContainer[] = [];
  for (const container of pkg === undefined ? [] : childElements(pkg, OSCI_NS, 'ContentContainer')) {
    if (options.allowUnsigned === true && childElements(container, DS_NS, 'Signature').length === 0) continue;
    results.push(await verifyContainerElement(container, options));
  }
  return results;
}

/**
 * Encrypts a content container end to end (xenc:EncryptedData of Type Element, AES-GCM, one RSA-OAEP
 * EncryptedKey per reader). The result goes into `ContentPackage.encryptedData`; only the listed readers
 * can open it, in particular not the intermediary unless it is listed.
 */
export async function encryptContentContainer(
  container: ContentContainer,
  options: EncryptContentOptions,
): Promise<EncryptedDataXml> {
  if (options.recipients.length === 0) {
    throw new OsciError('ENCRYPTION_INVALID', 'content data needs at least one reader');
  }
  if (options.trustAnchors !== undefined) {
    for (const recipient of options.recipients) {
      const [leaf, ...chain] = certificateDerList(recipient);
      await validateCertificate(leaf as Uint8Array, {
        trustAnchors: options.trustAnchors,
        intermediates: [...chain, ...(options.intermediates ?? [])],
        keyUsage: ['keyEncipherment', 'dataEncipherment'],
        ...(options.at === undefined ? {} : { at: options.at }),
      });
    }
  }
  const { pkg } = carrierDocument({ contentContainers: [container] });
  const element = childElements(pkg, OSCI_NS, 'ContentContainer')[0] as Element;
  const encrypted = encryptElement(element, {
    recipients: options.recipients.map((certificate) => ({ certificate })),
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
  });
  encrypted.setAttribute('MimeType', 'text/xml');
  return serializeXml(encrypted);
}

/**
 * Opens an end-to-end encrypted content container. Every key or cipher failure is `DECRYPTION_FAILED`;
 * plaintext that is not exactly one osci:ContentContainer is `MESSAGE_INVALID`. Verify the author
 * signatures afterwards with {@link verifyContentContainer}.
 */
export async function decryptContentContainer(
  encrypted: EncryptedDataXml,
  options: DecryptContentOptions,
): Promise<ContentContainer> {
  const { document, pkg } = carrierDocument({ encryptedData: [encrypted] });
  const element = childElements(pkg, XENC_NS, 'EncryptedData')[0] as Element;
  const result = decryptElement(element, {
    privateKey: options.privateKey,
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
  return onlyContainer(carrierPackage(document));
}
