import type { webcrypto } from 'node:crypto';
import {
  createHash,
  createPublicKey,
  constants as cryptoConstants,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { XmlCanonicalizer } from 'xmldsigjs';
import { OsciError } from '../errors.js';
import {
  childElements,
  type Document,
  type Element,
  elementIds,
  getElementByIdStrict,
  type Node,
  WSU_NAMESPACE,
} from '../xml/parse.js';
import {
  type CertificateInfo,
  type CertificateInput,
  certificateDerList,
  certificatePublicKey,
  importPrivateKey,
  type KeyUsageName,
  type TrustOptions,
  trustOptionsOf,
  validateCertificate,
} from './certificates.js';

export const DS_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export type SignatureAlgorithmName =
  | 'rsa-sha256'
  | 'rsa-sha384'
  | 'rsa-sha512'
  | 'rsa-pss-sha256'
  | 'rsa-pss-sha384'
  | 'rsa-pss-sha512';

export type DigestAlgorithmName = 'sha256' | 'sha384' | 'sha512';

interface SignatureMethod {
  readonly uri: string;
  readonly key: 'rsa' | 'dsa';
  readonly hash: string;
  readonly pss: boolean;
  readonly legacy: boolean;
}

const SIGNATURE_METHODS: Readonly<Record<string, SignatureMethod>> = Object.fromEntries(
  (
    [
      ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'rsa', 'sha256', false, false],
      ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', 'rsa', 'sha384', false, false],
      ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'rsa', 'sha512', false, false],
      // RFC 6931 § 2.3.10: PSS without parameters, MGF1 with the same hash, salt length = hash length.
      ['http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1', 'rsa', 'sha256', true, false],
      ['http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1', 'rsa', 'sha384', true, false],
      ['http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1', 'rsa', 'sha512', true, false],
      ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'rsa', 'sha1', false, true],
      ['http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1', 'rsa', 'sha1', true, true],
      ['http://www.w3.org/2000/09/xmldsig#dsa-sha1', 'dsa', 'sha1', false, true],
      ['http://www.w3.org/2009/xmldsig11#dsa-sha256', 'dsa', 'sha256', false, true],
    ] as const
  ).map(([uri, key, hash, pss, legacy]) => [uri, { uri, key, hash, pss, legacy }]),
);

const SIGNATURE_URIS: Readonly<Record<SignatureAlgorithmName, string>> = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha384': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'rsa-pss-sha256': 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
  'rsa-pss-sha384': 'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1',
  'rsa-pss-sha512': 'http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1',
};

const DIGEST_METHODS: Readonly<Record<string, { hash: string; legacy: boolean }>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': { hash: 'sha256', legacy: false },
  'http://www.w3.org/2001/04/xmldsig-more#sha384': { hash: 'sha384', legacy: false },
  'http://www.w3.org/2001/04/xmlenc#sha512': { hash: 'sha512', legacy: false },
  'http://www.w3.org/2000/09/xmldsig#sha1': { hash: 'sha1', legacy: true },
};

const DIGEST_URIS: Readonly<Record<DigestAlgorithmName, string>> = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
};

const HASH_LENGTH: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** Smallest RSA or DSA key accepted without `allowLegacy`, and the floor even with it. */
const MIN_KEY_BITS = 2048;
const MIN_LEGACY_KEY_BITS = 1024;

export type IdAttributeName = 'Id' | 'ID' | 'id' | 'wsu:Id';

export interface SignReference {
  /** The element to sign; it needs a document-unique Id. */
  readonly element: Element;
  /** Which attribute holds the Id; default: the only Id-typed attribute the element has. */
  readonly idAttribute?: IdAttributeName;
}

/**
 * A detached reference to a MIME attachment (`cid:` URI), as OSCI 1.2 signs attachments: no transforms, the
 * digest is taken over the attachment bytes as they are given (the decoded MIME part).
 */
export interface AttachmentReference {
  /** `cid:<Content-ID>` */
  readonly uri: string;
  readonly data: Uint8Array;
}

export interface SignXmlOptions {
  readonly references: readonly SignReference[];
  /** Attachments to reference by `cid:` URI, after the element references. */
  readonly attachments?: readonly AttachmentReference[];
  /** PKCS#8 private key (PEM or DER), a node:crypto KeyObject or a WebCrypto CryptoKey. */
  readonly signingKey: string | Uint8Array | KeyObject | webcrypto.CryptoKey;
  /** Signer certificate first, then its intermediates (PEM texts or DER); all go into KeyInfo/X509Data. */
  readonly certificateChain: readonly CertificateInput[];
  /** Default `rsa-sha256`. */
  readonly algorithm?: SignatureAlgorithmName;
  /** Default `sha256`. */
  readonly digest?: DigestAlgorithmName;
  /** Element the ds:Signature is appended to. */
  readonly placeIn: Element;
  /** Optional Id of the ds:Signature element. */
  readonly signatureId?: string;
}

/** `intermediates` add to the certificates the signature's KeyInfo carries. */
export interface VerifyXmlSignatureOptions extends TrustOptions {
  /** The elements the caller will trust; the signature must reference exactly these, by Id. */
  readonly expectedReferences: readonly Element[];
  /**
   * The `cid:` URIs the signature must reference besides the elements, each exactly once; a `cid:`
   * reference to anything else is refused.
   */
  readonly expectedAttachments?: readonly string[];
  /** Bytes of an attachment (the decoded MIME part) by `cid:` URI; `undefined` is `MIME_PART_MISSING`. */
  readonly resolveAttachment?: (uri: string) => Uint8Array | undefined;
  /** Key usage the signer certificate needs; default digitalSignature or nonRepudiation. */
  readonly requiredKeyUsage?: KeyUsageName | readonly KeyUsageName[];
  /** Accept RSA-SHA1, DSA, SHA-1 digests and 1024-bit keys (never HMAC). */
  readonly allowLegacy?: boolean;
}

export interface VerifiedXmlSignature {
  readonly signer: CertificateInfo;
  readonly algorithm: { readonly signature: string; readonly digests: readonly string[] };
  /** The expected elements, in reference order. */
  readonly signedElements: readonly Element[];
  /** The `cid:` URIs of the signed attachments, in reference order. */
  readonly signedAttachments: readonly string[];
}

const CID_URI = /^cid:[\x21-\x3b\x3d\x3f-\x7e]+$/;

/** Checks a `cid:` URI as used in references and CipherReference. */
export function checkCidUri(uri: string): void {
  if (!CID_URI.test(uri)) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'attachment references must be cid: URIs', {
      details: { uri },
    });
  }
}

/** Digest of attachment bytes, fed in 1 MiB slices (views, no copy). */
function attachmentDigest(hash: string, data: Uint8Array): Buffer {
  const digest = createHash(hash);
  for (let offset = 0; offset < data.byteLength; offset += 1024 * 1024) {
    digest.update(data.subarray(offset, offset + 1024 * 1024));
  }
  return digest.digest();
}

function canonicalize(node: Node, inclusivePrefixes?: string): Buffer {
  const canonicalizer = new XmlCanonicalizer(false, true);
  if (inclusivePrefixes !== undefined) canonicalizer.InclusiveNamespacesPrefixList = inclusivePrefixes;
  // xmldsigjs types its input as the browser DOM Node; xmldom nodes have the same shape.
  return Buffer.from(
    canonicalizer.Canonicalize(node as unknown as Parameters<typeof canonicalizer.Canonicalize>[0]),
    'utf8',
  );
}

/** Path of child indices from `ancestor` down to `node`, or undefined if `node` is not inside it. */
function pathFrom(ancestor: Node, node: Node): number[] | undefined {
  const path: number[] = [];
  let current: Node | null = node;
  while (current !== null && current !== ancestor) {
    const parent: Node | null = current.parentNode;
    if (parent === null) return undefined;
    let index = 0;
    for (let sibling = parent.firstChild; sibling !== current; sibling = sibling?.nextSibling ?? null)
      index++;
    path.push(index);
    current = parent;
  }
  return current === ancestor ? path.reverse() : undefined;
}

function nodeAt(root: Node, path: readonly number[]): Node | undefined {
  let current: Node | null = root;
  for (const index of path) {
    current = current?.childNodes.item(index) ?? null;
    if (current === null) return undefined;
  }
  return current ?? undefined;
}

/** exc-C14N octets of `element`, with `signature` removed first if it lies inside (enveloped transform). */
function referenceOctets(
  element: Element,
  signature: Element,
  enveloped: boolean,
  prefixes?: string,
): Buffer {
  const path = enveloped ? pathFrom(element, signature) : undefined;
  if (path === undefined) return canonicalize(element, prefixes);
  if (path.length === 0) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'a signature cannot reference itself');
  }
  const copy = element.cloneNode(true);
  const inner = nodeAt(copy, path);
  inner?.parentNode?.removeChild(inner);
  return canonicalize(copy, prefixes);
}

function referenceId(reference: SignReference): string {
  const { element, idAttribute } = reference;
  if (idAttribute !== undefined) {
    const value =
      idAttribute === 'wsu:Id'
        ? element.getAttributeNS(WSU_NAMESPACE, 'Id')
        : element.getAttributeNS(null, idAttribute);
    if (value === null || value === '') {
      throw new OsciError('SIGNATURE_REFERENCE_INVALID', `element has no ${idAttribute} attribute`);
    }
    return value;
  }
  const ids = elementIds(element);
  if (ids.length !== 1 || ids[0] === '') {
    throw new OsciError(
      'SIGNATURE_REFERENCE_INVALID',
      'element to sign needs exactly one Id attribute (Id, ID, id or wsu:Id)',
      { details: { ids } },
    );
  }
  return ids[0] as string;
}

/** Signer certificates (base64 DER) already matched with a private key, per key object. */
const matchedCertificates = new WeakMap<KeyObject, Set<string>>();

/** Refuses with `KEY_INVALID` unless the private key belongs to the certificate; remembers a match. */
function checkKeyPair(key: KeyObject, certificateDer: Uint8Array): void {
  const id = Buffer.from(certificateDer).toString('base64');
  if (matchedCertificates.get(key)?.has(id) === true) return;
  const spki = (publicKey: KeyObject) => publicKey.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(certificatePublicKey(certificateDer).key))) {
    throw new OsciError('KEY_INVALID', 'the signing key does not belong to the signer certificate');
  }
  const known = matchedCertificates.get(key) ?? new Set<string>();
  if (known.size < 64) known.add(id);
  matchedCertificates.set(key, known);
}

function signatureParameters(method: SignatureMethod, key: KeyObject) {
  if (method.pss) {
    return {
      key,
      padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
      saltLength: HASH_LENGTH[method.hash] as number,
    };
  }
  if (method.key === 'dsa') return { key, dsaEncoding: 'ieee-p1363' as const };
  return { key, padding: cryptoConstants.RSA_PKCS1_PADDING };
}

/**
 * Signs the referenced elements with an enveloped or detached XML signature (exclusive C14N, same-document
 * references by Id) and appends the ds:Signature to `placeIn`. Returns the ds:Signature element.
 */
export async function signXml(document: Document, options: SignXmlOptions): Promise<Element> {
  const algorithm = options.algorithm ?? 'rsa-sha256';
  const methodUri = SIGNATURE_URIS[algorithm];
  const method = SIGNATURE_METHODS[methodUri];
  const digestUri = DIGEST_URIS[options.digest ?? 'sha256'];
  const digest = DIGEST_METHODS[digestUri];
  if (method === undefined || digest === undefined) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', 'unsupported signature or digest algorithm', {
      details: { algorithm, digest: options.digest },
    });
  }
  const attachments = options.attachments ?? [];
  if (options.references.length + attachments.length === 0) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'nothing to sign: no references given');
  }
  const attachmentUris = attachments.map((attachment) => attachment.uri);
  attachmentUris.forEach(checkCidUri);
  if (new Set(attachmentUris).size !== attachmentUris.length) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'an attachment is referenced twice');
  }
  if (options.placeIn.ownerDocument !== document) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'placeIn is not an element of the document');
  }
  const key = importPrivateKey(options.signingKey);
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
    throw new OsciError('KEY_INVALID', `${algorithm} needs an RSA key`);
  }
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_KEY_BITS) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', `RSA keys below ${MIN_KEY_BITS} bits are not used`);
  }
  const certificates = options.certificateChain.flatMap(certificateDerList);
  if (certificates.length === 0) {
    throw new OsciError('CERTIFICATE_INVALID', 'the signer certificate is required');
  }
  checkKeyPair(key, certificates[0] as Uint8Array);

  const ids = options.references.map((reference) => {
    if (reference.element.ownerDocument !== document) {
      throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'referenced element is in another document');
    }
    const id = referenceId(reference);
    if (getElementByIdStrict(document, id) !== reference.element) {
      throw new OsciError('SIGNATURE_REFERENCE_INVALID', `Id "${id}" does not identify the element to sign`);
    }
    return id;
  });

  const ds = (name: string) => document.createElementNS(DS_NAMESPACE, `ds:${name}`);
  const withAlgorithm = (name: string, uri: string) => {
    const element = ds(name);
    element.setAttribute('Algorithm', uri);
    return element;
  };
  const signature = ds('Signature');
  signature.setAttributeNS(XMLNS_NAMESPACE, 'xmlns:ds', DS_NAMESPACE);
  if (options.signatureId !== undefined) signature.setAttribute('Id', options.signatureId);
  const signedInfo = ds('SignedInfo');
  signature.appendChild(signedInfo);
  // In place before the digests: the enveloped transform needs to know where the signature sits.
  options.placeIn.appendChild(signature);
  try {
    signedInfo.appendChild(withAlgorithm('CanonicalizationMethod', EXC_C14N));
    signedInfo.appendChild(withAlgorithm('SignatureMethod', methodUri));
    options.references.forEach((reference, index) => {
      const enveloped = pathFrom(reference.element, signature) !== undefined;
      const ref = ds('Reference');
      ref.setAttribute('URI', `#${ids[index] as string}`);
      const transforms = ds('Transforms');
      if (enveloped) transforms.appendChild(withAlgorithm('Transform', ENVELOPED_SIGNATURE));
      transforms.appendChild(withAlgorithm('Transform', EXC_C14N));
      ref.appendChild(transforms);
      ref.appendChild(withAlgorithm('DigestMethod', digestUri));
      const value = ds('DigestValue');
      const octets = referenceOctets(reference.element, signature, enveloped);
      value.appendChild(document.createTextNode(createHash(digest.hash).update(octets).digest('base64')));
      ref.appendChild(value);
      signedInfo.appendChild(ref);
    });
    // OSCI 1.2 attachment references: no Transforms, digest over the attachment bytes.
    for (const attachment of attachments) {
      const ref = ds('Reference');
      ref.setAttribute('URI', attachment.uri);
      ref.appendChild(withAlgorithm('DigestMethod', digestUri));
      const value = ds('DigestValue');
      value.appendChild(
        document.createTextNode(attachmentDigest(digest.hash, attachment.data).toString('base64')),
      );
      ref.appendChild(value);
      signedInfo.appendChild(ref);
    }
    const signatureValue = sign(method.hash, canonicalize(signedInfo), signatureParameters(method, key));
    const valueElement = ds('SignatureValue');
    valueElement.appendChild(document.createTextNode(signatureValue.toString('base64')));
    signature.appendChild(valueElement);
    const keyInfo = ds('KeyInfo');
    const x509Data = ds('X509Data');
    for (const der of certificates) {
      const certificate = ds('X509Certificate');
      certificate.appendChild(document.createTextNode(Buffer.from(der).toString('base64')));
      x509Data.appendChild(certificate);
    }
    keyInfo.appendChild(x509Data);
    signature.appendChild(keyInfo);
  } catch (error) {
    options.placeIn.removeChild(signature);
    throw error;
  }
  return signature;
}

function text(element: Element): string {
  return element.textContent ?? '';
}

function base64(value: string, what: string): Buffer {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new OsciError('SIGNATURE_INVALID', `${what} is not valid base64`);
  }
  return Buffer.from(compact, 'base64');
}

function single(parent: Element, localName: string, optional = false): Element | undefined {
  const found = childElements(parent, DS_NAMESPACE, localName);
  if (found.length > 1 || (found.length === 0 && !optional)) {
    throw new OsciError('SIGNATURE_INVALID', `ds:${parent.localName} needs exactly one ds:${localName}`);
  }
  return found[0];
}

function algorithmOf(element: Element): string {
  return element.getAttribute('Algorithm') ?? '';
}

/** Prefix list of an exc-C14N InclusiveNamespaces child, if any. */
function inclusivePrefixes(method: Element): string | undefined {
  const list = childElements(method, EXC_C14N, 'InclusiveNamespaces')[0];
  return list?.getAttribute('PrefixList') ?? undefined;
}

interface ParsedReference {
  readonly id: string;
  /** The expected element, or undefined for a `cid:` attachment reference (then `id` is the URI). */
  readonly element: Element | undefined;
  readonly enveloped: boolean;
  readonly prefixes: string | undefined;
  readonly hash: string;
  readonly digestUri: string;
  readonly digestValue: Buffer;
}

function parseReference(
  reference: Element,
  allowLegacy: boolean,
): Omit<ParsedReference, 'element'> & { attachment: boolean } {
  const uri = reference.getAttribute('URI');
  if (uri?.startsWith('cid:')) return parseAttachmentReference(reference, uri, allowLegacy);
  // Only bare-name same-document references; no whole-document, XPointer or external URIs.
  if (uri === null || !/^#[A-Za-z_][\w.-]*$/.test(uri)) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'only same-document references by Id are accepted', {
      details: { uri },
    });
  }
  const children = childElements(reference);
  const transformsElement = single(reference, 'Transforms', true);
  let enveloped = false;
  let prefixes: string | undefined;
  const transforms = transformsElement === undefined ? [] : childElements(transformsElement);
  transforms.forEach((transform, index) => {
    const algorithm = algorithmOf(transform);
    if (transform.namespaceURI !== DS_NAMESPACE || transform.localName !== 'Transform') {
      throw new OsciError('SIGNATURE_INVALID', 'unexpected element in ds:Transforms');
    }
    if (algorithm === ENVELOPED_SIGNATURE && index === 0 && transforms.length > 1) enveloped = true;
    else if (algorithm === EXC_C14N && index === transforms.length - 1)
      prefixes = inclusivePrefixes(transform);
    else {
      throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', 'transform not accepted', {
        details: { algorithm, position: index },
      });
    }
  });
  // Without an explicit exc-C14N the default would be inclusive C14N 1.0, which is not offered.
  if (transforms.length === 0) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', 'references must end with exclusive C14N');
  }
  const digestMethod = single(reference, 'DigestMethod') as Element;
  const digestUri = algorithmOf(digestMethod);
  const digest = DIGEST_METHODS[digestUri];
  if (digest === undefined || (digest.legacy && !allowLegacy)) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', `digest algorithm not accepted: ${digestUri}`, {
      details: { algorithm: digestUri },
    });
  }
  const digestValue = base64(text(single(reference, 'DigestValue') as Element), 'DigestValue');
  const expectedOrder = transformsElement === undefined ? 2 : 3;
  if (children.length !== expectedOrder) {
    throw new OsciError('SIGNATURE_INVALID', 'ds:Reference has unexpected children');
  }
  return {
    id: uri.slice(1),
    enveloped,
    prefixes,
    hash: digest.hash,
    digestUri,
    digestValue,
    attachment: false,
  };
}

function referenceDigest(reference: Element, allowLegacy: boolean): { hash: string; digestUri: string } {
  const digestMethod = single(reference, 'DigestMethod') as Element;
  const digestUri = algorithmOf(digestMethod);
  const digest = DIGEST_METHODS[digestUri];
  if (digest === undefined || (digest.legacy && !allowLegacy)) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', `digest algorithm not accepted: ${digestUri}`, {
      details: { algorithm: digestUri },
    });
  }
  return { hash: digest.hash, digestUri };
}

/** A `cid:` reference as OSCI 1.2 writes it: DigestMethod and DigestValue, no Transforms. */
function parseAttachmentReference(
  reference: Element,
  uri: string,
  allowLegacy: boolean,
): Omit<ParsedReference, 'element'> & { attachment: boolean } {
  checkCidUri(uri);
  if (childElements(reference, DS_NAMESPACE, 'Transforms').length > 0) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', 'attachment references take no transforms', {
      details: { uri },
    });
  }
  const { hash, digestUri } = referenceDigest(reference, allowLegacy);
  const digestValue = base64(text(single(reference, 'DigestValue') as Element), 'DigestValue');
  if (childElements(reference).length !== 2) {
    throw new OsciError('SIGNATURE_INVALID', 'ds:Reference has unexpected children');
  }
  return { id: uri, enveloped: false, prefixes: undefined, hash, digestUri, digestValue, attachment: true };
}

/**
 * Verifies an XML signature and returns its signer. The signature must reference exactly
 * `expectedReferences`, each by a document-unique Id; algorithms must be on the allow-list; the signer
 * certificate from KeyInfo must chain to a trust anchor at `at` and is checked before the signature value.
 */
export async function verifyXmlSignature(
  signature: Element,
  options: VerifyXmlSignatureOptions,
): Promise<VerifiedXmlSignature> {
  const allowLegacy = options.allowLegacy === true;
  if (signature.namespaceURI !== DS_NAMESPACE || signature.localName !== 'Signature') {
    throw new OsciError('SIGNATURE_MISSING', 'element is not a ds:Signature');
  }
  const document = signature.ownerDocument;
  if (document === null) throw new OsciError('SIGNATURE_MISSING', 'ds:Signature is not in a document');
  const expected = options.expectedReferences;
  if (expected.length === 0) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'expectedReferences must name the signed elements');
  }
  if (new Set(expected).size !== expected.length) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'expectedReferences lists an element twice');
  }
  for (const element of expected) {
    if (element.ownerDocument !== document) {
      throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'expected element is not in the signed document');
    }
  }

  const children = childElements(signature);
  const [signedInfo, signatureValueElement, ...rest] = children;
  if (
    signedInfo?.namespaceURI !== DS_NAMESPACE ||
    signedInfo.localName !== 'SignedInfo' ||
    signatureValueElement?.namespaceURI !== DS_NAMESPACE ||
    signatureValueElement.localName !== 'SignatureValue' ||
    rest.some(
      (child, index) =>
        child.namespaceURI !== DS_NAMESPACE ||
        !(child.localName === 'Object' || (child.localName === 'KeyInfo' && index === 0)),
    )
  ) {
    throw new OsciError(
      'SIGNATURE_INVALID',
      'ds:Signature is not structured as SignedInfo, SignatureValue, KeyInfo',
    );
  }

  const canonicalization = single(signedInfo, 'CanonicalizationMethod') as Element;
  if (algorithmOf(canonicalization) !== EXC_C14N) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', 'SignedInfo must use exclusive C14N', {
      details: { algorithm: algorithmOf(canonicalization) },
    });
  }
  const methodElement = single(signedInfo, 'SignatureMethod') as Element;
  const methodUri = algorithmOf(methodElement);
  const method = SIGNATURE_METHODS[methodUri];
  // HMAC and anything unknown are never in the table; legacy entries need allowLegacy.
  if (method === undefined || (method.legacy && !allowLegacy) || childElements(methodElement).length > 0) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', `signature algorithm not accepted: ${methodUri}`, {
      details: { algorithm: methodUri },
    });
  }
  const [first, second] = childElements(signedInfo);
  if (first !== canonicalization || second !== methodElement) {
    throw new OsciError(
      'SIGNATURE_INVALID',
      'ds:SignedInfo must start with CanonicalizationMethod, SignatureMethod',
    );
  }
  const referenceElements = childElements(signedInfo).slice(2);
  if (
    referenceElements.length === 0 ||
    referenceElements.some((ref) => ref.namespaceURI !== DS_NAMESPACE || ref.localName !== 'Reference')
  ) {
    throw new OsciError(
      'SIGNATURE_INVALID',
      'ds:SignedInfo needs ds:Reference elements after SignatureMethod',
    );
  }

  // References: every one must resolve to a distinct expected element, and every expected element be covered.
  const expectedAttachments = options.expectedAttachments ?? [];
  if (new Set(expectedAttachments).size !== expectedAttachments.length) {
    throw new OsciError('SIGNATURE_REFERENCE_INVALID', 'expectedAttachments lists an attachment twice');
  }
  const references: ParsedReference[] = referenceElements.map((ref) => {
    const { attachment, ...parsed } = parseReference(ref, allowLegacy);
    if (attachment) {
      if (!expectedAttachments.includes(parsed.id)) {
        throw new OsciError(
          'SIGNATURE_REFERENCE_INVALID',
          `reference ${parsed.id} is not an expected attachment`,
          {
            details: { uri: parsed.id },
          },
        );
      }
      return { ...parsed, element: undefined };
    }
    const element = getElementByIdStrict(document, parsed.id);
    if (!expected.includes(element)) {
      throw new OsciError(
        'SIGNATURE_REFERENCE_INVALID',
        `reference #${parsed.id} is not an expected element`,
        {
          details: { id: parsed.id },
        },
      );
    }
    return { ...parsed, element };
  });
  const covered = new Set(references.map((reference) => reference.element ?? reference.id));
  if (covered.size !== references.length || covered.size !== expected.length + expectedAttachments.length) {
    throw new OsciError(
      'SIGNATURE_REFERENCE_INVALID',
      'signature must reference each expected element exactly once and nothing else',
      { details: { references: references.map((reference) => reference.id) } },
    );
  }

  // Signer certificate: the first X509Certificate; further ones only help to build the path.
  const keyInfo = rest.find((child) => child.localName === 'KeyInfo');
  const certificates =
    keyInfo === undefined
      ? []
      : childElements(keyInfo, DS_NAMESPACE, 'X509Data').flatMap((data) =>
          childElements(data, DS_NAMESPACE, 'X509Certificate').map((certificate) =>
            base64(text(certificate), 'X509Certificate'),
          ),
        );
  const [signerDer, ...extra] = certificates;
  if (signerDer === undefined) {
    throw new OsciError('CERTIFICATE_INVALID', 'ds:KeyInfo carries no signer certificate');
  }
  const required = options.requiredKeyUsage;
  const signer = await validateCertificate(signerDer, {
    ...trustOptionsOf(options),
    intermediates: [...(options.intermediates ?? []), ...extra],
    keyUsage:
      required === undefined
        ? ['digitalSignature', 'nonRepudiation']
        : typeof required === 'string'
          ? [required as KeyUsageName]
          : (required as readonly KeyUsageName[]),
  });
  const publicKey = certificatePublicKey(signerDer);
  const keyType = publicKey.type === 'rsa-pss' ? 'rsa' : publicKey.type;
  if (keyType !== method.key) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', `${methodUri} does not fit a ${publicKey.type} key`);
  }
  const minimum = allowLegacy ? MIN_LEGACY_KEY_BITS : MIN_KEY_BITS;
  if (publicKey.bits < minimum) {
    throw new OsciError('SIGNATURE_ALGORITHM_FORBIDDEN', `${publicKey.bits}-bit keys are not accepted`, {
      details: { bits: publicKey.bits, minimum },
    });
  }

  const signatureValue = base64(text(signatureValueElement), 'SignatureValue');
  const signedOctets = canonicalize(signedInfo, inclusivePrefixes(canonicalization));
  let valid = false;
  try {
    valid = verify(method.hash, signedOctets, signatureParameters(method, publicKey.key), signatureValue);
  } catch {
    valid = false;
  }
  if (!valid) throw new OsciError('SIGNATURE_INVALID', 'signature value does not match SignedInfo');
  for (const reference of references) {
    let actual: Buffer;
    if (reference.element === undefined) {
      const data = options.resolveAttachment?.(reference.id);
      if (data === undefined) {
        throw new OsciError('MIME_PART_MISSING', `signed attachment ${reference.id} is missing`, {
          details: { contentId: reference.id.slice(4) },
        });
      }
      actual = attachmentDigest(reference.hash, data);
    } else {
      const octets = referenceOctets(reference.element, signature, reference.enveloped, reference.prefixes);
      actual = createHash(reference.hash).update(octets).digest();
    }
    if (actual.length !== reference.digestValue.length || !timingSafeEqual(actual, reference.digestValue)) {
      throw new OsciError('SIGNATURE_INVALID', `digest of #${reference.id} does not match`, {
        details: { id: reference.id },
      });
    }
  }
  return {
    signer,
    algorithm: { signature: methodUri, digests: references.map((reference) => reference.digestUri) },
    signedElements: references.flatMap((reference) =>
      reference.element === undefined ? [] : [reference.element],
    ),
    signedAttachments: references.flatMap((reference) =>
      reference.element === undefined ? [reference.id] : [],
    ),
  };
}
