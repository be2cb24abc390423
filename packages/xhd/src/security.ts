// Content-level security of XhD messages (entry `@egovkit/xhd/security`), TR-03132 § 4:
//  - signature (§ 4.2): XML Signature, enveloped, exactly one ds:Reference with URI="" (the whole document), the
//    ds:Signature placed as the last element of xhd:any;
//  - encryption (§ 4.3): xhd:Nutzdaten (/*/Nutzdaten) encrypted as xenc:EncryptedData of Type #Element, placed in
//    xhd:any; hybrid, the content key wrapped for the reader in an xenc:EncryptedKey whose KeyInfo names the
//    reader's certificate by X509SubjectName; the header stays readable;
//  - the author signs, then encrypts; the reader decrypts, then verifies (§ 4.1).
// Encryption and certificate checks come from @egovkit/osci-transport (encryptElement, decryptElement,
// validateCertificate). Its signXml/verifyXmlSignature only sign elements referenced by Id and refuse URI="", so
// the whole-document signature of § 4.2 is computed here: Canonical XML 1.0 (src/c14n.ts) and node:crypto RSA.
import {
  createHash,
  createPublicKey,
  createVerify,
  sign as cryptoSign,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import {
  type CertificateInfo,
  type CertificateInput,
  type ContentEncryptionAlgorithm,
  certificateDerList,
  decryptElement,
  encryptElement,
  importPrivateKey,
  OsciError,
  validateCertificate,
} from '@egovkit/osci-transport';
// The main entry by package name, so that this entry shares its module instance (see src/osci.ts).
import {
  assertSafeXml,
  parseXhdMessage,
  serializeXhd,
  type ValidateOptions,
  validateXhd,
  XHD_VERSIONS,
  XhdError,
  type XhdErrorCode,
  type XhdMessage,
  type XhdValidationResult,
  xhdNamespace,
} from '@egovkit/xhd';
import { DOMParser, XMLSerializer, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom';
import { C14N_EXCLUSIVE, C14N_INCLUSIVE, type C14nMode, canonicalize } from './c14n.js';

/** Strict DOM parse (DOCTYPE, size as in the main entry); errors are `XhdError`s of the main entry. */
function parseDom(xml: string): XmlElement {
  assertSafeXml(xml);
  let root: XmlElement | null;
  try {
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch (cause) {
    return fail('XHD_XML_MALFORMED', 'The input is not well-formed XML.', {}, cause);
  }
  if (root === null) return fail('XHD_XML_MALFORMED', 'The input has no root element.');
  return root;
}

export const DS_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
export const XENC_NAMESPACE = 'http://www.w3.org/2001/04/xmlenc#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const TYPE_ELEMENT = 'http://www.w3.org/2001/04/xmlenc#Element';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export type XhdSignatureAlgorithm = 'rsa-sha256' | 'rsa-sha384' | 'rsa-sha512';

const SIGNATURE_METHODS: Readonly<Record<string, { name: XhdSignatureAlgorithm; hash: string }>> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { name: 'rsa-sha256', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { name: 'rsa-sha384', hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { name: 'rsa-sha512', hash: 'sha512' },
};
const SIGNATURE_URI: Readonly<Record<XhdSignatureAlgorithm, string>> = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha384': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
};
const DIGEST_METHODS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const DIGEST_URI: Readonly<Record<string, string>> = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
};
const C14N_METHODS: Readonly<Record<string, C14nMode>> = {
  [C14N_INCLUSIVE]: 'inclusive',
  [C14N_EXCLUSIVE]: 'exclusive',
};

/** A message as XML, as a model, or as the `{ xml, message }` of a builder. */
export type XhdSecurityInput = string | XhdMessage | { readonly xml: string; readonly message: XhdMessage };

function toXml(input: XhdSecurityInput): string {
  if (typeof input === 'string') return input;
  return 'nachricht' in input ? serializeXhd(input) : input.xml;
}

function fail(
  code: XhdErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): never {
  throw new XhdError(code, message, { details, ...(cause === undefined ? {} : { cause }) });
}

const isXhd = (node: XmlNode | null, localName: string): node is XmlElement =>
  node !== null &&
  node.nodeType === 1 &&
  (node as XmlElement).localName === localName &&
  (XHD_VERSIONS as readonly string[]).some(
    (v) => xhdNamespace(v as never) === (node as XmlElement).namespaceURI,
  );

function elementChildren(parent: XmlNode): XmlElement[] {
  const result: XmlElement[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling)
    if (n.nodeType === 1) result.push(n as XmlElement);
  return result;
}

function descendants(root: XmlElement, ns: string, localName: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.namespaceURI === ns && e.localName === localName) found.push(e);
    for (const c of elementChildren(e)) walk(c);
  };
  walk(root);
  return found;
}

function only(parent: XmlElement, ns: string, localName: string, what: string): XmlElement {
  const found = elementChildren(parent).filter((e) => e.namespaceURI === ns && e.localName === localName);
  const [first] = found;
  if (found.length !== 1 || first === undefined) invalidSignature(`${what} needs exactly one ${localName}`);
  return first;
}

function invalidSignature(reason: string): never {
  return fail('XHD_SIGNATURE_INVALID', `The XhD signature is not valid: ${reason}.`, { reason });
}

function docOf(element: XmlElement): NonNullable<XmlElement['ownerDocument']> {
  const doc = element.ownerDocument;
  if (doc === null) return fail('XHD_XML_MALFORMED', 'The element belongs to no document.');
  return doc;
}

const isWhitespace = (node: XmlNode | null): boolean =>
  node !== null && node.nodeType === 3 && (node.nodeValue ?? '').trim() === '';

function serialize(root: XmlElement): string {
  return `${XML_DECLARATION}${new XMLSerializer().serializeToString(root)}\n`;
}

/** The last root-level `xhd:any`, if the message has one. */
function lastAny(root: XmlElement): XmlElement | undefined {
  const children = elementChildren(root);
  const last = children[children.length - 1];
  return last !== undefined && isXhd(last, 'any') ? last : undefined;
}

// ---- Signature (TR-03132 § 4.2) ----

export interface XhdSigner {
  /** PKCS#8 private key (PEM or DER) of the author's signature certificate. */
  readonly key: string | Uint8Array;
  /** The author's certificate first, then its intermediates (PEM or DER); all go into ds:KeyInfo/ds:X509Data. */
  readonly certificateChain: readonly CertificateInput[];
}

export interface SignXhdOptions {
  readonly signer: XhdSigner;
  /** Default `rsa-sha256` (as in the TR-03132 example), digest with the same SHA-2 function. */
  readonly signatureAlgorithm?: XhdSignatureAlgorithm;
}

const DIGEST_PLACEHOLDER = 'egovkit-digest-value';
const SIGNATURE_PLACEHOLDER = 'egovkit-signature-value';

/**
 * Signs an XhD message as its author (TR-03132 § 4.2): enveloped XML signature, Canonical XML 1.0, one
 * ds:Reference with URI="" over the whole document, placed as the last element of `xhd:any`, the author's
 * certificate chain in ds:KeyInfo. The message must parse (plain `Nutzdaten`: sign before `encryptXhd`) and must not
 * be signed already (`XHD_ALREADY_SIGNED`). Returns the signed XML; `serializeXhd(parseXhdMessage(signed))` gives
 * it back byte for byte.
 */
export async function signXhd(input: XhdSecurityInput, options: SignXhdOptions): Promise<string> {
  const message = parseXhdMessage(toXml(input));
  const root0 = parseDom(toXml(input));
  if (descendants(root0, DS_NAMESPACE, 'Signature').length > 0) {
    fail('XHD_ALREADY_SIGNED', 'The message already carries a ds:Signature.');
  }
  const algorithm = options.signatureAlgorithm ?? 'rsa-sha256';
  const hash = algorithm.slice(4);
  let key: ReturnType<typeof importPrivateKey>;
  let certificates: Uint8Array[];
  let leafKey: ReturnType<typeof createPublicKey>;
  try {
    key = importPrivateKey(options.signer.key);
    certificates = options.signer.certificateChain.flatMap((c) => certificateDerList(c));
    leafKey = new X509Certificate(certificates[0] ?? new Uint8Array()).publicKey;
  } catch (cause) {
    return fail('XHD_SIGNER_INVALID', 'The signer key or certificate cannot be read.', {}, cause);
  }
  if (key.asymmetricKeyType !== 'rsa') fail('XHD_SIGNER_INVALID', 'The signer key must be an RSA key.');
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(leafKey))) {
    fail('XHD_SIGNER_INVALID', 'The signing key does not belong to the signer certificate.');
  }
  const template =
    `<ds:Signature xmlns:ds="${DS_NAMESPACE}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${C14N_INCLUSIVE}"/>` +
    `<ds:SignatureMethod Algorithm="${SIGNATURE_URI[algorithm]}"/>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ENVELOPED}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${DIGEST_URI[hash]}"/><ds:DigestValue>${DIGEST_PLACEHOLDER}</ds:DigestValue>` +
    `</ds:Reference></ds:SignedInfo><ds:SignatureValue>${SIGNATURE_PLACEHOLDER}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data>${certificates
      .map((der) => `<ds:X509Certificate>${Buffer.from(der).toString('base64')}</ds:X509Certificate>`)
      .join('')}</ds:X509Data></ds:KeyInfo></ds:Signature>`;
  const draft = serializeXhd({ ...message, any: [...(message.any ?? []), template] });
  const root = parseDom(draft);
  const [signature] = descendants(root, DS_NAMESPACE, 'Signature');
  if (signature === undefined) return fail('XHD_SIGNATURE_INVALID', 'The signature template was lost.');
  const digest = createHash(hash)
    .update(canonicalize(root, { mode: 'inclusive', exclude: signature }), 'utf8')
    .digest('base64');
  const withDigest = draft.replace(
    `<ds:DigestValue>${DIGEST_PLACEHOLDER}</ds:DigestValue>`,
    `<ds:DigestValue>${digest}</ds:DigestValue>`,
  );
  const signedInfo = descendants(parseDom(withDigest), DS_NAMESPACE, 'SignedInfo')[0];
  if (signedInfo === undefined) return invalidSignature('template');
  const value = cryptoSign(
    hash,
    Buffer.from(canonicalize(signedInfo, { mode: 'inclusive' }), 'utf8'),
    key,
  ).toString('base64');
  const signed = withDigest.replace(
    `<ds:SignatureValue>${SIGNATURE_PLACEHOLDER}</ds:SignatureValue>`,
    `<ds:SignatureValue>${value}</ds:SignatureValue>`,
  );
  return signed;
}

export interface VerifyXhdSignatureOptions {
  /** Root certificates the author's certificate must chain to (PEM or DER). */
  readonly trustAnchors: readonly CertificateInput[];
  /** Further intermediates (those in ds:KeyInfo are used as well). */
  readonly intermediates?: readonly CertificateInput[];
  /** CRLs (PEM or DER); when given, every certificate below the anchor needs one from its issuer. */
  readonly crls?: readonly (string | Uint8Array)[];
  /** Validation time; default now. */
  readonly at?: Date;
}

export interface VerifiedXhdSignature {
  /** The author's certificate, validated against the trust anchors. */
  readonly signer: CertificateInfo;
  readonly algorithm: {
    readonly signature: XhdSignatureAlgorithm;
    readonly digest: string;
    readonly c14n: C14nMode;
  };
}

/**
 * Verifies the author's signature of a (decrypted) XhD message, TR-03132 § 4.2: exactly one ds:Signature in the
 * document, the last element of the last `xhd:any`, exactly one ds:Reference with URI="" and the enveloped-signature
 * transform (optionally followed by a C14N transform), digest and signature value correct, the signer certificate
 * valid and trusted with key usage digitalSignature or nonRepudiation. Throws `XhdError`: `XHD_SIGNATURE_MISSING`,
 * `XHD_SIGNATURE_INVALID` (structure, algorithm, digest – a changed message – or signature value; `details.reason`),
 * `XHD_SIGNATURE_UNTRUSTED` (certificate; the osci-transport error is the `cause`).
 */
export async function verifyXhdSignature(
  xml: string,
  options: VerifyXhdSignatureOptions,
): Promise<VerifiedXhdSignature> {
  const root = parseDom(xml);
  const signatures = descendants(root, DS_NAMESPACE, 'Signature');
  if (signatures.length === 0) fail('XHD_SIGNATURE_MISSING', 'The message carries no ds:Signature.');
  const [signature] = signatures;
  if (signatures.length > 1 || signature === undefined) return invalidSignature('more than one ds:Signature');
  const any = lastAny(root);
  const inAny = any === undefined ? [] : elementChildren(any);
  if (signature.parentNode !== any || inAny[inAny.length - 1] !== signature) {
    invalidSignature('the ds:Signature is not the last element of the last xhd:any');
  }
  const signedInfo = only(signature, DS_NAMESPACE, 'SignedInfo', 'ds:Signature');
  const c14nUri =
    only(signedInfo, DS_NAMESPACE, 'CanonicalizationMethod', 'ds:SignedInfo').getAttribute('Algorithm') ?? '';
  const c14n = C14N_METHODS[c14nUri] ?? invalidSignature(`canonicalization ${c14nUri} is not accepted`);
  const methodUri =
    only(signedInfo, DS_NAMESPACE, 'SignatureMethod', 'ds:SignedInfo').getAttribute('Algorithm') ?? '';
  const method =
    SIGNATURE_METHODS[methodUri] ?? invalidSignature(`signature method ${methodUri} is not accepted`);
  const reference = only(signedInfo, DS_NAMESPACE, 'Reference', 'ds:SignedInfo');
  if (reference.getAttribute('URI') !== '') invalidSignature('the ds:Reference must have URI=""');
  const transforms = elementChildren(only(reference, DS_NAMESPACE, 'Transforms', 'ds:Reference')).map(
    (t) =>
      (t.namespaceURI === DS_NAMESPACE && t.localName === 'Transform' ? t.getAttribute('Algorithm') : null) ??
      '',
  );
  const [first, second, ...rest] = transforms;
  if (
    first !== ENVELOPED ||
    rest.length > 0 ||
    (second !== undefined && C14N_METHODS[second] === undefined)
  ) {
    invalidSignature(
      'the ds:Reference needs the enveloped-signature transform (and at most one C14N transform)',
    );
  }
  const referenceMode: C14nMode = second === undefined ? 'inclusive' : (C14N_METHODS[second] as C14nMode);
  const digestUri =
    only(reference, DS_NAMESPACE, 'DigestMethod', 'ds:Reference').getAttribute('Algorithm') ?? '';
  const digestHash =
    DIGEST_METHODS[digestUri] ?? invalidSignature(`digest method ${digestUri} is not accepted`);
  const expected = Buffer.from(
    (only(reference, DS_NAMESPACE, 'DigestValue', 'ds:Reference').textContent ?? '').trim(),
    'base64',
  );
  const actual = createHash(digestHash)
    .update(canonicalize(root, { mode: referenceMode, exclude: signature }), 'utf8')
    .digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    invalidSignature('the digest does not match: the message was changed after signing');
  }
  const certificates = descendants(
    only(signature, DS_NAMESPACE, 'KeyInfo', 'ds:Signature'),
    DS_NAMESPACE,
    'X509Certificate',
  ).map((c) => new Uint8Array(Buffer.from((c.textContent ?? '').replace(/\s+/g, ''), 'base64')));
  const [leaf, ...chain] = certificates;
  if (leaf === undefined) return invalidSignature('ds:KeyInfo carries no X509Certificate');
  let publicKey: ReturnType<typeof createPublicKey>;
  try {
    publicKey = new X509Certificate(leaf).publicKey;
  } catch (cause) {
    return fail(
      'XHD_SIGNATURE_INVALID',
      'The signer certificate cannot be read.',
      { reason: 'certificate' },
      cause,
    );
  }
  const value = Buffer.from(
    (only(signature, DS_NAMESPACE, 'SignatureValue', 'ds:Signature').textContent ?? '').replace(/\s+/g, ''),
    'base64',
  );
  const verifier = createVerify(method.hash).update(
    Buffer.from(canonicalize(signedInfo, { mode: c14n }), 'utf8'),
  );
  if (!verifier.verify(publicKey, value)) invalidSignature('the signature value does not match');
  let signer: CertificateInfo;
  try {
    signer = await validateCertificate(leaf, {
      trustAnchors: options.trustAnchors,
      intermediates: [...chain, ...(options.intermediates ?? [])],
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      ...(options.at === undefined ? {} : { at: options.at }),
      ...(options.crls === undefined ? {} : { crls: options.crls }),
    });
  } catch (cause) {
    if (!(cause instanceof OsciError)) throw cause;
    return fail(
      'XHD_SIGNATURE_UNTRUSTED',
      `The signer certificate is not trusted: ${cause.message}.`,
      { osciCode: cause.code },
      cause,
    );
  }
  return { signer, algorithm: { signature: method.name, digest: digestHash, c14n } };
}

// ---- Encryption (TR-03132 § 4.3) ----

/** RFC 4514 form of a certificate's subject (`CN=…,O=…,C=DE`), as written into X509SubjectName. */
export function x509SubjectName(certificate: CertificateInput): string {
  let subject: string;
  try {
    const [der] = certificateDerList(certificate);
    subject = new X509Certificate(der ?? new Uint8Array()).subject;
  } catch (cause) {
    return fail('XHD_RECIPIENT_INVALID', 'The certificate cannot be read.', {}, cause);
  }
  const escapeValue = (v: string) =>
    v
      .replace(/([,+"\\<>;])/g, '\\$1')
      .replace(/^([ #])/, '\\$1')
      .replace(/ $/, '\\ ');
  return subject
    .split('\n')
    .filter((rdn) => rdn !== '')
    .reverse()
    .map((rdn) => {
      const at = rdn.indexOf('=');
      return `${rdn.slice(0, at)}=${escapeValue(rdn.slice(at + 1))}`;
    })
    .join(',');
}

/** Compares distinguished names loosely: attribute types case-insensitive, spaces around separators ignored. */
function sameName(a: string, b: string): boolean {
  const norm = (name: string) =>
    name
      .split(/(?<!\\),/)
      .map((rdn) => {
        const at = rdn.indexOf('=');
        return `${rdn.slice(0, at).trim().toUpperCase()}=${rdn.slice(at + 1).trim()}`;
      })
      .join(',');
  return norm(a) === norm(b);
}

export interface EncryptXhdOptions {
  /** The reader's encryption certificate(s) (PEM or DER, RSA ≥ 2048 bit); one EncryptedKey each. */
  readonly recipients: readonly CertificateInput[];
  /** Content encryption; default `aes256-gcm` (as in the TR-03132 example). */
  readonly encryptionAlgorithm?: ContentEncryptionAlgorithm;
}

/**
 * Encrypts the `xhd:Nutzdaten` of a (signed) message for its reader(s), TR-03132 § 4.3: the element is replaced by
 * an `xenc:EncryptedData` (Type #Element, AES-GCM, RSA-OAEP EncryptedKey per recipient naming the recipient's
 * certificate by `ds:X509SubjectName`), placed in `xhd:any` before the signature; the header stays in clear. Throws
 * `XhdError` `XHD_ELEMENT_MISSING` when there is no plain `Nutzdaten`, `XHD_RECIPIENT_INVALID` for an unusable
 * certificate.
 */
export function encryptXhd(input: XhdSecurityInput, options: EncryptXhdOptions): string {
  const root = parseDom(toXml(input));
  const nutzdaten = elementChildren(root).find((e) => isXhd(e, 'Nutzdaten'));
  const kopf = elementChildren(root).find((e) => isXhd(e, 'Nachrichtenkopf'));
  if (nutzdaten === undefined || kopf === undefined) {
    return fail('XHD_ELEMENT_MISSING', 'The message has no plain xhd:Nutzdaten to encrypt.', {
      path: `/xhd:${root.localName}/xhd:Nutzdaten`,
    });
  }
  if (options.recipients.length === 0) fail('XHD_RECIPIENT_INVALID', 'No recipient certificate given.');
  const names = options.recipients.map(x509SubjectName);
  // The separator before Nutzdaten goes with it; decryptXhd puts the one before Nachrichtenkopf back.
  if (isWhitespace(nutzdaten.previousSibling)) root.removeChild(nutzdaten.previousSibling as XmlNode);
  let encrypted: XmlElement;
  try {
    encrypted = encryptElement(nutzdaten as never, {
      recipients: options.recipients.map((certificate) => ({ certificate })),
      ...(options.encryptionAlgorithm === undefined ? {} : { algorithm: options.encryptionAlgorithm }),
    }) as unknown as XmlElement;
  } catch (cause) {
    if (cause instanceof OsciError)
      return fail(
        'XHD_RECIPIENT_INVALID',
        `Encryption failed: ${cause.message}.`,
        { osciCode: cause.code },
        cause,
      );
    throw cause;
  }
  // TR-03132 § 4.3: the reader's key is named by X509SubjectName.
  descendants(encrypted, XENC_NAMESPACE, 'EncryptedKey').forEach((key, index) => {
    const x509 = descendants(key, DS_NAMESPACE, 'X509Data')[0];
    if (x509 === undefined) return;
    while (x509.firstChild !== null) x509.removeChild(x509.firstChild);
    const subject = docOf(x509).createElementNS(DS_NAMESPACE, `${x509.prefix ?? 'ds'}:X509SubjectName`);
    subject.appendChild(docOf(x509).createTextNode(names[index] ?? ''));
    x509.appendChild(subject);
  });
  const any = lastAny(root);
  if (any === undefined) {
    const created = docOf(root).createElementNS(
      root.namespaceURI,
      `${root.prefix === null ? '' : `${root.prefix}:`}any`,
    );
    root.replaceChild(created, encrypted);
    created.appendChild(encrypted);
  } else {
    root.removeChild(encrypted);
    const firstElement = elementChildren(any)[0];
    if (firstElement === undefined) any.appendChild(encrypted);
    else {
      any.insertBefore(encrypted, firstElement);
      const indent = encrypted.previousSibling;
      if (isWhitespace(indent))
        any.insertBefore(docOf(root).createTextNode(indent?.nodeValue ?? ''), firstElement);
    }
  }
  return serialize(root);
}

export interface DecryptXhdOptions {
  /** The reader's private key (PKCS#8 PEM or DER) of its encryption certificate. */
  readonly privateKey: string | Uint8Array;
  /** The reader's encryption certificate; its subject picks the EncryptedKey (X509SubjectName). */
  readonly certificate: CertificateInput;
}

/**
 * The reader's first step (TR-03132 § 4.1.2): decrypts the `xenc:EncryptedData` in `xhd:any` and puts
 * `xhd:Nutzdaten` back after the header, so that the author's signature verifies over the original document
 * (`verifyXhdSignature`). A message produced by `encryptXhd` comes back byte for byte. Throws `XhdError`
 * `XHD_NOT_ENCRYPTED`, `XHD_ENCRYPTED_DATA_INVALID`, `XHD_RECIPIENT_MISMATCH` (no EncryptedKey names the reader's
 * certificate) or `XHD_DECRYPTION_FAILED` (wrong key, changed ciphertext).
 */
export function decryptXhd(xml: string, options: DecryptXhdOptions): string {
  const root = parseDom(xml);
  const any = elementChildren(root).filter((e) => isXhd(e, 'any'));
  const candidates = any.flatMap((a) =>
    elementChildren(a).filter((e) => e.namespaceURI === XENC_NAMESPACE && e.localName === 'EncryptedData'),
  );
  const [encrypted] = candidates;
  if (encrypted === undefined)
    return fail('XHD_NOT_ENCRYPTED', 'The message carries no xenc:EncryptedData in xhd:any.');
  if (candidates.length > 1 || encrypted.getAttribute('Type') !== TYPE_ELEMENT) {
    fail(
      'XHD_ENCRYPTED_DATA_INVALID',
      'Expected exactly one xenc:EncryptedData of Type #Element in xhd:any.',
    );
  }
  if (elementChildren(root).some((e) => isXhd(e, 'Nutzdaten'))) {
    fail('XHD_ENCRYPTED_DATA_INVALID', 'The message has plain xhd:Nutzdaten besides the encrypted ones.');
  }
  const subject = x509SubjectName(options.certificate);
  const keys = descendants(encrypted, XENC_NAMESPACE, 'EncryptedKey');
  const mine = keys.filter((key) =>
    descendants(key, DS_NAMESPACE, 'X509SubjectName').some((n) => sameName(n.textContent ?? '', subject)),
  );
  if (mine.length === 0) {
    fail('XHD_RECIPIENT_MISMATCH', 'No xenc:EncryptedKey names the reader certificate.', { subject });
  }
  for (const key of keys) if (!mine.includes(key)) key.parentNode?.removeChild(key);
  const parent = encrypted.parentNode as XmlElement;
  // The separator encryptXhd added after the EncryptedData.
  const after = encrypted.nextSibling;
  if (isWhitespace(after) && after?.nextSibling?.nodeType === 1) parent.removeChild(after);
  let nodes: readonly XmlNode[];
  try {
    const result = decryptElement(encrypted as never, { privateKey: options.privateKey });
    nodes = result.kind === 'nodes' ? (result.nodes as unknown as XmlNode[]) : [];
  } catch (cause) {
    if (cause instanceof OsciError)
      return fail(
        'XHD_DECRYPTION_FAILED',
        'The Nutzdaten cannot be decrypted with this key.',
        { osciCode: cause.code },
        cause,
      );
    throw cause;
  }
  const elements = nodes.filter((n) => n.nodeType === 1);
  const [nutzdaten] = elements;
  if (elements.length !== 1 || nutzdaten === undefined || !isXhd(nutzdaten, 'Nutzdaten')) {
    return fail('XHD_ENCRYPTED_DATA_INVALID', 'The decrypted content is not one xhd:Nutzdaten element.');
  }
  parent.removeChild(nutzdaten);
  if (elementChildren(parent).length === 0) root.removeChild(parent);
  const kopf = elementChildren(root).find((e) => isXhd(e, 'Nachrichtenkopf'));
  if (kopf === undefined) return fail('XHD_ELEMENT_MISSING', 'The message has no xhd:Nachrichtenkopf.');
  root.insertBefore(nutzdaten, kopf.nextSibling);
  // The plaintext was serialised on its own and so declares the namespaces it uses where it uses them; drop the
  // declarations the ancestors already make alike (no change to the canonical form; the bytes come back).
  const dropRedundant = (element: XmlElement): void => {
    const parent = element.parentNode as XmlElement;
    const attributes = Array.from({ length: element.attributes.length }, (_, i) =>
      element.attributes.item(i),
    );
    for (const attribute of attributes) {
      if (attribute === null || attribute.namespaceURI !== 'http://www.w3.org/2000/xmlns/') continue;
      const prefix = attribute.prefix === 'xmlns' ? attribute.localName : null;
      if (parent.lookupNamespaceURI(prefix) === attribute.value) element.removeAttributeNode(attribute);
    }
    for (const child of elementChildren(element)) dropRedundant(child);
  };
  dropRedundant(nutzdaten);
  if (isWhitespace(kopf.previousSibling)) {
    root.insertBefore(docOf(root).createTextNode(kopf.previousSibling?.nodeValue ?? ''), nutzdaten);
  }
  return serialize(root);
}

// ---- Both steps ----

export interface ProtectXhdOptions extends SignXhdOptions, EncryptXhdOptions {}

/** The author's side (TR-03132 § 4.1.1): `signXhd`, then `encryptXhd`. */
export async function protectXhd(input: XhdSecurityInput, options: ProtectXhdOptions): Promise<string> {
  return encryptXhd(await signXhd(input, options), options);
}

export interface OpenXhdOptions extends VerifyXhdSignatureOptions, ValidateOptions {
  /** The reader's encryption key and certificate; omit for a message that is only signed. */
  readonly reader?: DecryptXhdOptions;
}

export interface OpenedXhd {
  /** The decrypted, signed message (XML). */
  readonly xml: string;
  readonly signature: VerifiedXhdSignature;
  /** `validateXhd(xml)`; `validation.message` is the model. */
  readonly validation: XhdValidationResult;
}

/**
 * The reader's side (TR-03132 § 4.1.2): decrypt (when `reader` is given or the message is encrypted), verify the
 * author's signature, validate. Throws the errors of `decryptXhd` and `verifyXhdSignature`; an invalid message comes
 * back as `validation.valid === false`.
 */
export async function openXhd(xml: string, options: OpenXhdOptions): Promise<OpenedXhd> {
  const plain = options.reader === undefined ? xml : decryptXhd(xml, options.reader);
  const signature = await verifyXhdSignature(plain, options);
  return { xml: plain, signature, validation: await validateXhd(plain, options) };
}
