import {
  type CipherGCMTypes,
  createCipheriv,
  createDecipheriv,
  createHash,
  constants as cryptoConstants,
  type DecipherGCM,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type webcrypto,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OsciError } from '../errors.js';
import {
  childElements,
  type Document,
  type Element,
  type Node,
  parseXmlStrict,
  serializeXml,
} from '../xml/parse.js';
import {
  type CertificateInput,
  certificateDerList,
  certificatePublicKey,
  importPrivateKey,
} from './certificates.js';
import { DS_NAMESPACE } from './xmldsig.js';

export const XENC_NAMESPACE = 'http://www.w3.org/2001/04/xmlenc#';
export const XENC11_NAMESPACE = 'http://www.w3.org/2009/xmlenc11#';
export const TYPE_ELEMENT = 'http://www.w3.org/2001/04/xmlenc#Element';
export const TYPE_CONTENT = 'http://www.w3.org/2001/04/xmlenc#Content';
/** OSCI-Transport 1.2 [KORR8] namespace of `IvLength` (length of the AES-GCM IV in bytes). */
export const OSCI_IV_LENGTH_NAMESPACE = 'http://xoev.de/transport/osci12/8';
/** The `base64` transform OSCI libraries put on a CipherReference to a MIME part. */
export const BASE64_TRANSFORM = 'http://www.w3.org/2000/09/xmldsig#base64';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export type ContentEncryptionAlgorithm = 'aes128-gcm' | 'aes192-gcm' | 'aes256-gcm';

/** XML Encryption 1.1 § 5.2.4: 96-bit IV before the ciphertext, 128-bit tag after it. */
const GCM_IV_LENGTH = 12;
const GCM_TAG_LENGTH = 16;

interface BlockCipher {
  readonly cipher: string;
  readonly keyLength: number;
  readonly ivLength: number;
  readonly mode: 'gcm' | 'cbc';
  readonly legacy: boolean;
}

const BLOCK_CIPHERS: Readonly<Record<string, BlockCipher>> = {
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': gcm('aes-128-gcm', 16),
  'http://www.w3.org/2009/xmlenc11#aes192-gcm': gcm('aes-192-gcm', 24),
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': gcm('aes-256-gcm', 32),
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': cbc('aes-128-cbc', 16, 16),
  'http://www.w3.org/2001/04/xmlenc#aes192-cbc': cbc('aes-192-cbc', 24, 16),
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': cbc('aes-256-cbc', 32, 16),
  'http://www.w3.org/2001/04/xmlenc#tripledes-cbc': cbc('des-ede3-cbc', 24, 8),
};

function gcm(cipher: string, keyLength: number): BlockCipher {
  return { cipher, keyLength, ivLength: GCM_IV_LENGTH, mode: 'gcm', legacy: false };
}
function cbc(cipher: string, keyLength: number, ivLength: number): BlockCipher {
  return { cipher, keyLength, ivLength, mode: 'cbc', legacy: true };
}

const CONTENT_URIS: Readonly<Record<ContentEncryptionAlgorithm, string>> = {
  'aes128-gcm': 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'aes192-gcm': 'http://www.w3.org/2009/xmlenc11#aes192-gcm',
  'aes256-gcm': 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
};

/** The content algorithm to write (default AES-256-GCM) and its URI; anything else is refused. */
function offeredContentAlgorithm(requested: ContentEncryptionAlgorithm | undefined): {
  readonly algorithm: ContentEncryptionAlgorithm;
  readonly uri: string;
} {
  const algorithm = requested ?? 'aes256-gcm';
  const uri = CONTENT_URIS[algorithm];
  if (uri === undefined) {
    throw new OsciError(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
      `content encryption ${String(algorithm)} is not offered`,
    );
  }
  return { algorithm, uri };
}

const RSA_OAEP = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

const DIGESTS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const MGFS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2009/xmlenc11#mgf1sha1': 'sha1',
  'http://www.w3.org/2009/xmlenc11#mgf1sha224': 'sha224',
  'http://www.w3.org/2009/xmlenc11#mgf1sha256': 'sha256',
  'http://www.w3.org/2009/xmlenc11#mgf1sha384': 'sha384',
  'http://www.w3.org/2009/xmlenc11#mgf1sha512': 'sha512',
};

export interface Recipient {
  /** The recipient's encryption certificate (PEM or DER); its RSA key wraps the content key. */
  readonly certificate: CertificateInput;
  /** Optional ds:KeyName to help the recipient pick its EncryptedKey. */
  readonly keyName?: string;
}

export interface EncryptElementOptions {
  readonly recipients: readonly Recipient[];
  /** Default `aes256-gcm`. */
  readonly algorithm?: ContentEncryptionAlgorithm;
  /** `element` (default) encrypts the element itself, `content` only its children. */
  readonly type?: 'element' | 'content';
  /**
   * Write `osci128:IvLength Value="12"` into the EncryptionMethod, as OSCI-Transport 1.2 [KORR8] does: OSCI
   * libraries read an AES-GCM EncryptedData without it with the old 16-byte IV. Default false (plain XML
   * Encryption 1.1).
   */
  readonly ivLengthElement?: boolean;
}

export interface DecryptElementOptions {
  /** The recipient's RSA private key (PKCS#8 PEM or DER, KeyObject or CryptoKey). */
  readonly privateKey: string | Uint8Array | KeyObject | webcrypto.CryptoKey;
  /** The recipient's certificate, to pick its EncryptedKey; without it every EncryptedKey is tried. */
  readonly certificate?: CertificateInput;
  /** Accept AES-CBC, 3DES, RSA-OAEP with SHA-1 and RSA PKCS#1 v1.5 (read only). */
  readonly legacy?: boolean;
  /** Largest plaintext accepted for Element and Content types; default 10 MiB. */
  readonly maxBytes?: number;
  /**
   * IV length of AES-GCM when the EncryptionMethod carries no `osci128:IvLength`: 12 (XML Encryption 1.1,
   * default) or 16 (what OSCI libraries before 1.9 wrote and still assume; read only with `legacy`).
   */
  readonly defaultGcmIvLength?: 12 | 16;
}

/** Either the nodes that replaced the EncryptedData, or the bytes of binary (untyped) content. */
export type DecryptedContent =
  | { readonly kind: 'nodes'; readonly nodes: readonly Node[] }
  | { readonly kind: 'bytes'; readonly data: Buffer; readonly mimeType: string | undefined };

const failure = () => new OsciError('DECRYPTION_FAILED', 'decryption failed');

/** A fresh random content-encryption key for the algorithm. */
export function generateContentKey(algorithm: ContentEncryptionAlgorithm = 'aes256-gcm'): Buffer {
  const cipher = BLOCK_CIPHERS[CONTENT_URIS[algorithm]] as BlockCipher;
  return randomBytes(cipher.keyLength);
}

function gcmCipherFor(key: Uint8Array): BlockCipher {
  const cipher = Object.values(BLOCK_CIPHERS).find((c) => c.mode === 'gcm' && c.keyLength === key.byteLength);
  if (cipher === undefined) throw new OsciError('KEY_INVALID', 'AES-GCM keys are 16, 24 or 32 bytes long');
  return cipher;
}

/**
 * Chunk size of the buffer APIs: keeps the transient copies of 100 MB attachments small, and each chunk's
 * output within the CPU cache while it is copied into the result.
 */
const CHUNK = 64 * 1024;

function cryptInto(
  cipher: { update(data: Uint8Array): Buffer },
  input: Uint8Array,
  output: Buffer,
  start: number,
): number {
  let offset = start;
  for (let i = 0; i < input.byteLength; i += CHUNK) {
    offset += cipher.update(input.subarray(i, i + CHUNK)).copy(output, offset);
  }
  return offset;
}

/** AES-GCM in the XML Encryption 1.1 format: IV (12 bytes) || ciphertext || tag (16 bytes). */
export function encryptBytes(data: Uint8Array, options: { readonly key: Uint8Array }): Buffer {
  return encryptChunks([data], options);
}

/**
 * `encryptBytes` over the concatenation of `chunks`, without concatenating them first: the output buffer is
 * the only full-size copy.
 */
export function encryptChunks(chunks: readonly Uint8Array[], options: { readonly key: Uint8Array }): Buffer {
  const spec = gcmCipherFor(options.key);
  const iv = randomBytes(GCM_IV_LENGTH);
  const cipher = createCipheriv(spec.cipher as CipherGCMTypes, options.key, iv, {
    authTagLength: GCM_TAG_LENGTH,
  });
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const output = Buffer.allocUnsafe(GCM_IV_LENGTH + total + GCM_TAG_LENGTH);
  iv.copy(output, 0);
  let offset = GCM_IV_LENGTH;
  for (const chunk of chunks) offset = cryptInto(cipher, chunk, output, offset);
  offset += cipher.final().copy(output, offset);
  cipher.getAuthTag().copy(output, offset);
  return output;
}

/** Inverse of `encryptBytes`; any failure, including a wrong key or a modified byte, is `DECRYPTION_FAILED`. */
export function decryptBytes(data: Uint8Array, options: { readonly key: Uint8Array }): Buffer {
  const spec = gcmCipherFor(options.key);
  return decryptBlock(
    spec,
    Buffer.from(options.key),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  );
}

/**
 * A Transform that encrypts a byte stream into the `encryptBytes` format, holding one chunk at a time:
 * the IV goes out first, the tag last.
 */
export function createEncryptStream(options: { readonly key: Uint8Array }): Transform {
  const spec = gcmCipherFor(options.key);
  const iv = randomBytes(GCM_IV_LENGTH);
  const cipher = createCipheriv(spec.cipher as CipherGCMTypes, options.key, iv, {
    authTagLength: GCM_TAG_LENGTH,
  });
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (!started) {
        started = true;
        this.push(iv);
      }
      callback(null, cipher.update(chunk));
    },
    flush(callback: TransformCallback) {
      if (!started) this.push(iv);
      this.push(cipher.final());
      callback(null, cipher.getAuthTag());
    },
  });
}

/**
 * A Transform that decrypts the `encryptBytes` format chunk by chunk. Its output is NOT authenticated until
 * the stream ends without error: write it somewhere private and use it only after 'finish'; on an error
 * (`DECRYPTION_FAILED`) discard everything it produced.
 */
export function createDecryptStream(options: { readonly key: Uint8Array }): Transform {
  const spec = gcmCipherFor(options.key);
  let decipher: DecipherGCM | undefined;
  // Holds the IV until it is complete, then the last 16 bytes, which may be the tag.
  let pending: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (decipher === undefined) {
        if (pending.length < GCM_IV_LENGTH) return callback();
        decipher = createDecipheriv(
          spec.cipher as CipherGCMTypes,
          options.key,
          pending.subarray(0, GCM_IV_LENGTH),
          {
            authTagLength: GCM_TAG_LENGTH,
          },
        );
        pending = pending.subarray(GCM_IV_LENGTH);
      }
      if (pending.length <= GCM_TAG_LENGTH) return callback();
      const ready = pending.subarray(0, pending.length - GCM_TAG_LENGTH);
      pending = Buffer.from(pending.subarray(pending.length - GCM_TAG_LENGTH));
      callback(null, decipher.update(ready));
    },
    flush(callback: TransformCallback) {
      try {
        if (decipher === undefined || pending.length !== GCM_TAG_LENGTH) throw failure();
        decipher.setAuthTag(pending);
        callback(null, decipher.final());
      } catch {
        callback(failure());
      }
    },
  });
}

/** Decrypts one CipherValue; every failure looks the same to the caller. */
function decryptBlock(spec: BlockCipher, key: Buffer, data: Buffer): Buffer {
  try {
    if (key.length !== spec.keyLength) throw failure();
    if (spec.mode === 'gcm') {
      const ivLength = spec.ivLength;
      if (data.length < ivLength + GCM_TAG_LENGTH) throw failure();
      const decipher = createDecipheriv(spec.cipher as CipherGCMTypes, key, data.subarray(0, ivLength), {
        authTagLength: GCM_TAG_LENGTH,
      });
      decipher.setAuthTag(data.subarray(data.length - GCM_TAG_LENGTH));
      const body = data.subarray(ivLength, data.length - GCM_TAG_LENGTH);
      const output = Buffer.allocUnsafe(body.length);
      const written = cryptInto(decipher, body, output, 0);
      decipher.final().copy(output, written);
      return output;
    }
    // CBC (legacy): IV prefix; the last byte gives the padding length, the other padding bytes are
    // arbitrary (XML Encryption § 5.2), so OpenSSL's PKCS#7 check is off.
    const block = spec.ivLength;
    if (data.length < 2 * block || data.length % block !== 0) throw failure();
    const decipher = createDecipheriv(spec.cipher, key, data.subarray(0, block));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data.subarray(block)), decipher.final()]);
    const padding = plain[plain.length - 1] ?? 0;
    if (padding < 1 || padding > block) throw failure();
    return plain.subarray(0, plain.length - padding);
  } catch {
    throw failure();
  }
}

function xenc(document: Document, name: string): Element {
  return document.createElementNS(XENC_NAMESPACE, `xenc:${name}`);
}
function ds(document: Document, name: string): Element {
  return document.createElementNS(DS_NAMESPACE, `ds:${name}`);
}
function withAlgorithm(element: Element, uri: string): Element {
  element.setAttribute('Algorithm', uri);
  return element;
}
function textElement(element: Element, value: string): Element {
  element.appendChild((element.ownerDocument as Document).createTextNode(value));
  return element;
}

function encryptionMethod(document: Document, uri: string, ivLengthElement: boolean): Element {
  const method = withAlgorithm(xenc(document, 'EncryptionMethod'), uri);
  if (ivLengthElement) {
    const ivLength = document.createElementNS(OSCI_IV_LENGTH_NAMESPACE, 'osci128:IvLength');
    ivLength.setAttributeNS(XMLNS_NAMESPACE, 'xmlns:osci128', OSCI_IV_LENGTH_NAMESPACE);
    ivLength.setAttribute('Value', String(GCM_IV_LENGTH));
    method.appendChild(ivLength);
  }
  return method;
}

function cipherData(document: Document, value: Buffer): Element {
  const data = xenc(document, 'CipherData');
  data.appendChild(textElement(xenc(document, 'CipherValue'), value.toString('base64')));
  return data;
}

/** RSA-OAEP (XML Encryption 1.1) with SHA-256 and MGF1-SHA-256: the only key transport this module writes. */
function encryptedKey(document: Document, recipient: Recipient, contentKey: Buffer): Element {
  const [der] = certificateDerList(recipient.certificate);
  const publicKey = certificatePublicKey(der as Uint8Array);
  if (publicKey.type !== 'rsa') {
    throw new OsciError('KEY_INVALID', 'recipient certificates need an RSA key for RSA-OAEP');
  }
  if (publicKey.bits < 2048) {
    throw new OsciError(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
      `${publicKey.bits}-bit RSA recipient keys are not used`,
    );
  }
  const wrapped = publicEncrypt(
    { key: publicKey.key, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    contentKey,
  );
  const element = xenc(document, 'EncryptedKey');
  const method = withAlgorithm(xenc(document, 'EncryptionMethod'), RSA_OAEP);
  method.appendChild(withAlgorithm(ds(document, 'DigestMethod'), 'http://www.w3.org/2001/04/xmlenc#sha256'));
  const mgf = document.createElementNS(XENC11_NAMESPACE, 'xenc11:MGF');
  mgf.setAttributeNS(XMLNS_NAMESPACE, 'xmlns:xenc11', XENC11_NAMESPACE);
  method.appendChild(withAlgorithm(mgf, 'http://www.w3.org/2009/xmlenc11#mgf1sha256'));
  element.appendChild(method);
  const keyInfo = ds(document, 'KeyInfo');
  if (recipient.keyName !== undefined)
    keyInfo.appendChild(textElement(ds(document, 'KeyName'), recipient.keyName));
  const x509Data = ds(document, 'X509Data');
  x509Data.appendChild(
    textElement(ds(document, 'X509Certificate'), Buffer.from(der as Uint8Array).toString('base64')),
  );
  keyInfo.appendChild(x509Data);
  element.appendChild(keyInfo);
  element.appendChild(cipherData(document, wrapped));
  return element;
}

/**
 * Encrypts an element (or its content) for every recipient and puts an xenc:EncryptedData in its place:
 * AES-GCM content encryption, one RSA-OAEP EncryptedKey per recipient in ds:KeyInfo. Returns the
 * EncryptedData element.
 */
export function encryptElement(element: Element, options: EncryptElementOptions): Element {
  const document = element.ownerDocument;
  if (document === null) throw new OsciError('ENCRYPTION_INVALID', 'element is not in a document');
  if (options.recipients.length === 0) throw new OsciError('ENCRYPTION_INVALID', 'no recipients given');
  const { algorithm, uri } = offeredContentAlgorithm(options.algorithm);
  const type = options.type ?? 'element';
  const key = generateContentKey(algorithm);
  const keys = options.recipients.map((recipient) => encryptedKey(document, recipient, key));
  const plaintext =
    type === 'element'
      ? serializeXml(element)
      : Array.from({ length: element.childNodes.length }, (_, i) =>
          serializeXml(element.childNodes.item(i) as Node),
        ).join('');
  const encrypted = encryptBytes(Buffer.from(plaintext, 'utf8'), { key });
  key.fill(0);

  const data = xenc(document, 'EncryptedData');
  data.setAttributeNS(XMLNS_NAMESPACE, 'xmlns:xenc', XENC_NAMESPACE);
  data.setAttribute('Type', type === 'element' ? TYPE_ELEMENT : TYPE_CONTENT);
  data.appendChild(encryptionMethod(document, uri, options.ivLengthElement === true));
  const keyInfo = ds(document, 'KeyInfo');
  keyInfo.setAttributeNS(XMLNS_NAMESPACE, 'xmlns:ds', DS_NAMESPACE);
  for (const encryptedKeyElement of keys) keyInfo.appendChild(encryptedKeyElement);
  data.appendChild(keyInfo);
  data.appendChild(cipherData(document, encrypted));
  if (type === 'element') {
    element.parentNode?.replaceChild(data, element);
  } else {
    while (element.firstChild !== null) element.removeChild(element.firstChild);
    element.appendChild(data);
  }
  return data;
}

function single(
  parent: Element,
  namespace: string,
  localName: string,
  optional = false,
): Element | undefined {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1 || (found.length === 0 && !optional)) {
    throw new OsciError('ENCRYPTION_INVALID', `${parent.localName} needs exactly one ${localName}`);
  }
  return found[0];
}

function cipherValue(parent: Element): Buffer {
  const data = single(parent, XENC_NAMESPACE, 'CipherData') as Element;
  if (childElements(data, XENC_NAMESPACE, 'CipherReference').length > 0) {
    throw new OsciError('ENCRYPTION_INVALID', 'CipherReference is not supported here; use decryptBytes');
  }
  const value = (single(data, XENC_NAMESPACE, 'CipherValue') as Element).textContent ?? '';
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new OsciError('ENCRYPTION_INVALID', 'CipherValue is not valid base64');
  }
  return Buffer.from(compact, 'base64');
}

interface KeyTransport {
  readonly kind: 'oaep' | 'pkcs1';
  readonly hash: string;
  readonly mgfHash: string;
  readonly label: Buffer | undefined;
}

function keyTransportOf(encryptedKeyElement: Element, legacy: boolean): KeyTransport {
  const method = single(encryptedKeyElement, XENC_NAMESPACE, 'EncryptionMethod') as Element;
  const uri = method.getAttribute('Algorithm') ?? '';
  const forbidden = () =>
    new OsciError('ENCRYPTION_ALGORITHM_FORBIDDEN', `key transport not accepted: ${uri}`, {
      details: { algorithm: uri },
    });
  if (uri === RSA_1_5) {
    if (!legacy) throw forbidden();
    return { kind: 'pkcs1', hash: '', mgfHash: '', label: undefined };
  }
  if (uri !== RSA_OAEP && uri !== RSA_OAEP_MGF1P) throw forbidden();
  const digestElement = single(method, DS_NAMESPACE, 'DigestMethod', true);
  const hash = digestElement === undefined ? 'sha1' : DIGESTS[digestElement.getAttribute('Algorithm') ?? ''];
  let mgfHash: string | undefined = 'sha1';
  if (uri === RSA_OAEP) {
    const mgf = single(method, XENC11_NAMESPACE, 'MGF', true);
    if (mgf !== undefined) mgfHash = MGFS[mgf.getAttribute('Algorithm') ?? ''];
  }
  if (hash === undefined || mgfHash === undefined) throw forbidden();
  if ((hash === 'sha1' || mgfHash === 'sha1') && !legacy) throw forbidden();
  const params = single(method, XENC_NAMESPACE, 'OAEPparams', true);
  const label =
    params === undefined ? undefined : Buffer.from((params.textContent ?? '').replace(/\s+/g, ''), 'base64');
  return { kind: 'oaep', hash, mgfHash, label };
}

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (let counter = 0; total < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    chunks.push(block);
    total += block.length;
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/**
 * EME-OAEP decoding (RFC 8017 § 7.1.2) for digest and MGF1 hashes that differ, which OpenSSL's API cannot
 * express. Checks are accumulated without early exit; every failure is the same `DECRYPTION_FAILED`.
 */
function oaepDecode(encoded: Buffer, hash: string, mgfHash: string, label: Buffer): Buffer {
  const hLen = createHash(hash).digest().length;
  const k = encoded.length;
  if (k < 2 * hLen + 2) throw failure();
  const maskedSeed = encoded.subarray(1, 1 + hLen);
  const maskedDb = encoded.subarray(1 + hLen);
  const seedMask = mgf1(mgfHash, maskedDb, hLen);
  const seed = Buffer.alloc(hLen);
  for (let i = 0; i < hLen; i++) seed[i] = (maskedSeed[i] as number) ^ (seedMask[i] as number);
  const dbMask = mgf1(mgfHash, seed, k - hLen - 1);
  const db = Buffer.alloc(k - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i] = (maskedDb[i] as number) ^ (dbMask[i] as number);
  let bad = encoded[0] as number;
  bad |= timingSafeEqual(db.subarray(0, hLen), createHash(hash).update(label).digest()) ? 0 : 1;
  let separator = -1;
  let inPadding = 1;
  for (let i = hLen; i < db.length; i++) {
    const byte = db[i] as number;
    const isOne = byte === 1 ? 1 : 0;
    const isZero = byte === 0 ? 1 : 0;
    if (inPadding && isOne && separator < 0) separator = i;
    bad |= inPadding & (1 - isOne) & (1 - isZero);
    if (isOne) inPadding = 0;
  }
  if (bad !== 0 || separator < 0) throw failure();
  return db.subarray(separator + 1);
}

/**
 * PKCS#1 v1.5 decoding with implicit rejection: a malformed block yields a random key of the expected
 * length, so that the content decryption fails the same way as with a wrong key (Bleichenbacher).
 */
function pkcs1Decode(encoded: Buffer, keyLength: number): Buffer {
  const fallback = randomBytes(keyLength);
  let bad = (encoded[0] as number) | ((encoded[1] as number) ^ 2);
  let separator = 0;
  for (let i = 2; i < encoded.length; i++) {
    if (encoded[i] === 0 && separator === 0) separator = i;
  }
  bad |= separator < 10 ? 1 : 0;
  bad |= encoded.length - separator - 1 !== keyLength ? 1 : 0;
  return bad === 0 ? encoded.subarray(separator + 1) : fallback;
}

function unwrapKey(
  transport: KeyTransport,
  privateKey: KeyObject,
  wrapped: Buffer,
  keyLength: number,
): Buffer {
  try {
    if (transport.kind === 'oaep' && transport.hash === transport.mgfHash) {
      return privateDecrypt(
        {
          key: privateKey,
          padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: transport.hash,
          ...(transport.label === undefined ? {} : { oaepLabel: transport.label }),
        },
        wrapped,
      );
    }
    // Node no longer offers PKCS#1 v1.5 decryption, and OAEP only with one hash: decode the raw block here.
    const raw = privateDecrypt({ key: privateKey, padding: cryptoConstants.RSA_NO_PADDING }, wrapped);
    if (transport.kind === 'pkcs1') return pkcs1Decode(raw, keyLength);
    return oaepDecode(raw, transport.hash, transport.mgfHash, transport.label ?? Buffer.alloc(0));
  } catch {
    throw failure();
  }
}

function certificateOf(encryptedKeyElement: Element): Buffer | undefined {
  const keyInfo = single(encryptedKeyElement, DS_NAMESPACE, 'KeyInfo', true);
  const certificate =
    keyInfo === undefined
      ? undefined
      : childElements(keyInfo, DS_NAMESPACE, 'X509Data').flatMap((data) =>
          childElements(data, DS_NAMESPACE, 'X509Certificate'),
        )[0];
  return certificate === undefined
    ? undefined
    : Buffer.from((certificate.textContent ?? '').replace(/\s+/g, ''), 'base64');
}

/** In-scope namespace declarations of `node`, so that a decrypted fragment parses in its context. */
function inScopeNamespaces(node: Node | null): Map<string, string> {
  const result = new Map<string, string>();
  for (let current = node; current !== null; current = current.parentNode) {
    if (current.nodeType !== 1) continue;
    const attributes = (current as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes.item(i);
      if (attribute === null) continue;
      const name = attribute.name;
      if ((name === 'xmlns' || name.startsWith('xmlns:')) && !result.has(name))
        result.set(name, attribute.value);
    }
  }
  return result;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/**
 * The block cipher of an EncryptedData: algorithm and IV length (`osci128:IvLength` for AES-GCM, else the
 * default). Legacy ciphers, and AES-GCM with the old 16-byte IV, need `legacy`.
 */
function cipherOf(encryptedData: Element, options: DecryptElementOptions): BlockCipher {
  const method = single(encryptedData, XENC_NAMESPACE, 'EncryptionMethod') as Element;
  const uri = method.getAttribute('Algorithm') ?? '';
  const ivElements = childElements(method, OSCI_IV_LENGTH_NAMESPACE, 'IvLength');
  if (ivElements.length > 1) throw new OsciError('ENCRYPTION_INVALID', 'more than one osci128:IvLength');
  const ivValue = ivElements[0]?.getAttribute('Value');
  return blockCipher(uri, {
    legacy: options.legacy === true,
    ...(ivValue === undefined || ivValue === null
      ? { ivLength: options.defaultGcmIvLength ?? GCM_IV_LENGTH }
      : { ivLength: /^(12|16)$/.test(ivValue) ? Number(ivValue) : Number.NaN }),
  });
}

/**
 * The cipher for an algorithm URI and, for AES-GCM, an IV length (12, or 16 as old OSCI libraries wrote).
 * AES-CBC, 3DES and AES-GCM with a 16-byte IV only with `legacy`, else `ENCRYPTION_ALGORITHM_FORBIDDEN`.
 */
function blockCipher(
  uri: string,
  options: { readonly legacy: boolean; readonly ivLength: number },
): BlockCipher {
  const spec = BLOCK_CIPHERS[uri];
  if (spec === undefined || (spec.legacy && !options.legacy)) {
    throw new OsciError('ENCRYPTION_ALGORITHM_FORBIDDEN', `content encryption not accepted: ${uri}`, {
      details: { algorithm: uri },
    });
  }
  if (spec.mode === 'cbc' || options.ivLength === GCM_IV_LENGTH) return spec;
  if (options.ivLength !== 16) {
    throw new OsciError('ENCRYPTION_INVALID', 'osci128:IvLength must be 12 or 16');
  }
  if (!options.legacy) {
    throw new OsciError(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
      'AES-GCM with a 16-byte IV is read only as legacy',
      {
        details: { algorithm: uri, ivLength: 16 },
      },
    );
  }
  return { ...spec, ivLength: 16 };
}

/**
 * Decrypts bytes with a known symmetric key and an algorithm URI, as the key and algorithm of an OSCI
 * attachment EncryptedData give them: AES-GCM (IV 12 bytes, or 16 with `legacy`), and with `legacy` AES-CBC
 * and 3DES (IV prefix, XML Encryption padding). Forbidden algorithms are `ENCRYPTION_ALGORITHM_FORBIDDEN`,
 * every other failure `DECRYPTION_FAILED`.
 */
export function decryptWithAlgorithm(
  algorithmUri: string,
  key: Uint8Array,
  data: Uint8Array,
  options: { readonly legacy?: boolean; readonly ivLength?: number } = {},
): Buffer {
  const spec = blockCipher(algorithmUri, {
    legacy: options.legacy === true,
    ivLength: options.ivLength ?? GCM_IV_LENGTH,
  });
  return decryptBlock(spec, Buffer.from(key), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

/**
 * Checks that a content-encryption algorithm URI (and AES-GCM IV length) may be read: returns its key length,
 * or throws `ENCRYPTION_ALGORITHM_FORBIDDEN` (unknown, or legacy without `legacy`).
 */
export function acceptedContentAlgorithm(
  algorithmUri: string,
  options: { readonly legacy?: boolean; readonly ivLength?: number } = {},
): number {
  return blockCipher(algorithmUri, {
    legacy: options.legacy === true,
    ivLength: options.ivLength ?? GCM_IV_LENGTH,
  }).keyLength;
}

/** Key length in bytes of a content-encryption algorithm URI, or undefined if unknown. */
export function contentKeyLength(algorithmUri: string): number | undefined {
  return BLOCK_CIPHERS[algorithmUri]?.keyLength;
}

/** Unwraps the content key with the reader's private key (each EncryptedKey in turn) and decrypts. */
function decryptWithKeyTransport(
  encryptedData: Element,
  spec: BlockCipher,
  options: DecryptElementOptions,
  ciphertextOf: () => Buffer,
): Buffer {
  const legacy = options.legacy === true;
  const keyInfo = single(encryptedData, DS_NAMESPACE, 'KeyInfo', true);
  const candidates = keyInfo === undefined ? [] : childElements(keyInfo, XENC_NAMESPACE, 'EncryptedKey');
  if (candidates.length === 0)
    throw new OsciError('ENCRYPTION_INVALID', 'no xenc:EncryptedKey in ds:KeyInfo');
  const transports = candidates.map((candidate) => keyTransportOf(candidate, legacy));
  const privateKey = importPrivateKey(options.privateKey);
  let indices = candidates.map((_, index) => index);
  if (options.certificate !== undefined) {
    const own = Buffer.from(certificateDerList(options.certificate)[0] as Uint8Array);
    indices = indices.filter((index) => certificateOf(candidates[index] as Element)?.equals(own) === true);
    if (indices.length === 0) throw failure();
  }
  const ciphertext = ciphertextOf();
  for (const index of indices) {
    try {
      const key = unwrapKey(
        transports[index] as KeyTransport,
        privateKey,
        cipherValue(candidates[index] as Element),
        spec.keyLength,
      );
      const plaintext = decryptBlock(spec, key, ciphertext);
      key.fill(0);
      return plaintext;
    } catch {
      // try the next EncryptedKey; the caller learns only that none worked
    }
  }
  throw failure();
}

export interface EncryptDetachedOptions {
  readonly recipients: readonly Recipient[];
  /** Default `aes256-gcm`. */
  readonly algorithm?: ContentEncryptionAlgorithm;
  /** URI of the CipherReference, e.g. `cid:osci_enc`. */
  readonly cipherReference: string;
  /** MimeType attribute of the EncryptedData. */
  readonly mimeType?: string;
  /** Write the `#base64` transform into the CipherReference (OSCI libraries do). Default false. */
  readonly base64Transform?: boolean;
  /** Write `osci128:IvLength Value="12"`. Default false. */
  readonly ivLengthElement?: boolean;
}

/**
 * Encrypts bytes (given as chunks, not concatenated) for every recipient and describes them with an
 * xenc:EncryptedData whose CipherData is a CipherReference: the ciphertext (IV || AES-GCM ciphertext || tag)
 * travels elsewhere, e.g. as a MIME part. Returns the EncryptedData (own document) and the ciphertext.
 */
export function encryptDetached(
  chunks: readonly Uint8Array[],
  options: EncryptDetachedOptions,
): { readonly encryptedData: Element; readonly ciphertext: Buffer } {
  if (options.recipients.length === 0) throw new OsciError('ENCRYPTION_INVALID', 'no recipients given');
  const { algorithm, uri } = offeredContentAlgorithm(options.algorithm);
  const document = parseXmlStrict(
    `<xenc:EncryptedData xmlns:xenc="${XENC_NAMESPACE}" xmlns:ds="${DS_NAMESPACE}"/>`,
  );
  const data = document.documentElement as Element;
  if (options.mimeType !== undefined) data.setAttribute('MimeType', options.mimeType);
  const key = generateContentKey(algorithm);
  try {
    data.appendChild(encryptionMethod(document, uri, options.ivLengthElement === true));
    const keyInfo = ds(document, 'KeyInfo');
    for (const recipient of options.recipients) keyInfo.appendChild(encryptedKey(document, recipient, key));
    data.appendChild(keyInfo);
    const ciphertext = encryptChunks(chunks, { key });
    const reference = xenc(document, 'CipherReference');
    reference.setAttribute('URI', options.cipherReference);
    if (options.base64Transform === true) {
      const transforms = xenc(document, 'Transforms');
      transforms.appendChild(withAlgorithm(ds(document, 'Transform'), BASE64_TRANSFORM));
      reference.appendChild(transforms);
    }
    const dataElement = xenc(document, 'CipherData');
    dataElement.appendChild(reference);
    data.appendChild(dataElement);
    return { encryptedData: data, ciphertext };
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts the bytes a CipherReference of `encryptedData` points to (the caller resolves and decodes them):
 * the same algorithm and key-transport checks as {@link decryptElement}; returns the plaintext. Every
 * failure after the algorithm checks is `DECRYPTION_FAILED`.
 */
export function decryptDetached(
  encryptedData: Element,
  ciphertext: Uint8Array,
  options: DecryptElementOptions,
): Buffer {
  if (encryptedData.namespaceURI !== XENC_NAMESPACE || encryptedData.localName !== 'EncryptedData') {
    throw new OsciError('ENCRYPTION_INVALID', 'element is not an xenc:EncryptedData');
  }
  const data = single(encryptedData, XENC_NAMESPACE, 'CipherData') as Element;
  if (
    childElements(data, XENC_NAMESPACE, 'CipherReference').length !== 1 ||
    childElements(data).length !== 1
  ) {
    throw new OsciError('ENCRYPTION_INVALID', 'CipherData needs exactly one CipherReference');
  }
  const spec = cipherOf(encryptedData, options);
  const bytes = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
  return decryptWithKeyTransport(encryptedData, spec, options, () => bytes);
}

/**
 * Decrypts an xenc:EncryptedData. Element and Content types replace the EncryptedData with the decrypted
 * nodes; other types return the bytes. Every failure after the algorithm checks, whatever the step, is
 * `DECRYPTION_FAILED`.
 */
export function decryptElement(encryptedData: Element, options: DecryptElementOptions): DecryptedContent {
  if (encryptedData.namespaceURI !== XENC_NAMESPACE || encryptedData.localName !== 'EncryptedData') {
    throw new OsciError('ENCRYPTION_INVALID', 'element is not an xenc:EncryptedData');
  }
  const spec = cipherOf(encryptedData, options);
  const plaintext = decryptWithKeyTransport(encryptedData, spec, options, () => cipherValue(encryptedData));

  const type = encryptedData.getAttribute('Type');
  if (type !== TYPE_ELEMENT && type !== TYPE_CONTENT) {
    return { kind: 'bytes', data: plaintext, mimeType: encryptedData.getAttribute('MimeType') ?? undefined };
  }
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  let fragmentRoot: Element;
  try {
    const declarations = [...inScopeNamespaces(encryptedData.parentNode)]
      .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
      .join('');
    const wrapper = `<wrapper${declarations}>${plaintext.toString('utf8')}</wrapper>`;
    const fragment = parseXmlStrict(Buffer.from(wrapper, 'utf8'), {
      maxBytes: maxBytes + wrapper.length - plaintext.length,
    });
    fragmentRoot = fragment.documentElement as Element;
    if (type === TYPE_ELEMENT && childElements(fragmentRoot).length !== 1) throw failure();
  } catch {
    // Same error for malformed plaintext: with legacy CBC a distinct error would be a decryption oracle.
    throw failure();
  }
  const document = encryptedData.ownerDocument as Document;
  const parent = encryptedData.parentNode;
  const nodes: Node[] = [];
  for (let child = fragmentRoot.firstChild; child !== null; child = child.nextSibling) {
    // A document node takes only the element itself, not surrounding whitespace.
    if (parent?.nodeType === 9 && child.nodeType !== 1) continue;
    nodes.push(document.importNode(child, true));
  }
  if (parent?.nodeType === 9) {
    // The document element itself: only a single element can take its place.
    if (nodes.length !== 1) throw failure();
    parent.replaceChild(nodes[0] as Node, encryptedData);
  } else if (parent !== null) {
    for (const node of nodes) parent.insertBefore(node, encryptedData);
    parent.removeChild(encryptedData);
  }
  return { kind: 'nodes', nodes };
}
