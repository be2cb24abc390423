/**
 * Test-only builders for what older OSCI libraries wrote and this package never writes: AES-CBC and 3DES
 * (IV before the ciphertext, block padding) and AES-GCM with a 16-byte IV and no `osci128:IvLength`, made
 * with node:crypto so the tests do not depend on the code under test.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { childElements, type Element, parseXmlStrict, serializeXml } from '../../src/xml/parse.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const OSCI128 = 'http://xoev.de/transport/osci12/8';

export type LegacyCipher = 'aes128-cbc' | 'aes256-cbc' | 'tripledes-cbc' | 'aes256-gcm-iv16';

export const LEGACY_CIPHERS: Readonly<
  Record<LegacyCipher, { uri: string; cipher: string; keyLength: number; ivLength: number }>
> = {
  'aes128-cbc': { uri: `${XENC}aes128-cbc`, cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  'aes256-cbc': { uri: `${XENC}aes256-cbc`, cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  'tripledes-cbc': { uri: `${XENC}tripledes-cbc`, cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  'aes256-gcm-iv16': {
    uri: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    cipher: 'aes-256-gcm',
    keyLength: 32,
    ivLength: 16,
  },
};

/** IV || ciphertext (|| 16-byte tag for GCM); CBC with PKCS#7 padding, one valid XML Encryption padding. */
export function legacyEncrypt(kind: LegacyCipher, key: Buffer, plaintext: Uint8Array): Buffer {
  const spec = LEGACY_CIPHERS[kind];
  const iv = randomBytes(spec.ivLength);
  const cipher = createCipheriv(spec.cipher, key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag =
    kind === 'aes256-gcm-iv16'
      ? (cipher as ReturnType<typeof createCipheriv> & { getAuthTag(): Buffer }).getAuthTag()
      : Buffer.alloc(0);
  return Buffer.concat([iv, body, tag]);
}

function direct(parent: Element, localName: string): Element {
  const found = childElements(parent, XENC, localName)[0];
  if (found === undefined) throw new Error(`no xenc:${localName}`);
  return found;
}

/** The content key and plaintext of an EncryptedData (CipherValue) this package wrote for `privateKeyPem`. */
export function openOwn(encryptedXml: string, privateKeyPem: string): { key: Buffer; plaintext: Buffer } {
  const root = parseXmlStrict(encryptedXml).documentElement as Element;
  const keyInfo = childElements(root, 'http://www.w3.org/2000/09/xmldsig#', 'KeyInfo')[0] as Element;
  const encryptedKey = direct(keyInfo, 'EncryptedKey');
  const wrapped = Buffer.from(
    direct(direct(encryptedKey, 'CipherData'), 'CipherValue').textContent ?? '',
    'base64',
  );
  const key = privateDecrypt(
    { key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    wrapped,
  );
  const data = Buffer.from(direct(direct(root, 'CipherData'), 'CipherValue').textContent ?? '', 'base64');
  const decipher = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, data.subarray(0, 12));
  decipher.setAuthTag(data.subarray(data.length - 16));
  const plaintext = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
  return { key, plaintext };
}

/**
 * Re-seals an EncryptedData (CipherValue) with a legacy cipher: a fresh key wrapped with RSA-OAEP-SHA256 for
 * the reader, the algorithm URI replaced and `osci128:IvLength` removed, as an old library wrote it.
 */
export function resealLegacy(
  encryptedXml: string,
  plaintext: Uint8Array,
  kind: LegacyCipher,
  readerCertificatePem: string,
): string {
  const document = parseXmlStrict(encryptedXml);
  const root = document.documentElement as Element;
  const spec = LEGACY_CIPHERS[kind];
  const key = randomBytes(spec.keyLength);
  const method = direct(root, 'EncryptionMethod');
  method.setAttribute('Algorithm', spec.uri);
  for (const ivLength of childElements(method, OSCI128, 'IvLength')) method.removeChild(ivLength);
  const keyInfo = childElements(root, 'http://www.w3.org/2000/09/xmldsig#', 'KeyInfo')[0] as Element;
  direct(direct(direct(keyInfo, 'EncryptedKey'), 'CipherData'), 'CipherValue').textContent = publicEncrypt(
    { key: readerCertificatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    key,
  ).toString('base64');
  direct(direct(root, 'CipherData'), 'CipherValue').textContent = legacyEncrypt(
    kind,
    key,
    plaintext,
  ).toString('base64');
  return serializeXml(root);
}

/**
 * The encrypted order exactly in the layout the OSCI library writes (SOAPMessageEncrypted): entity headers
 * without `start`, SOAP part with Content-Length and a trailing CRLF, an EncryptedData without Id and Type,
 * RSA-OAEP-SHA256 key transport, CipherReference `cid:osci_enc` with the base64 transform, and the cipher part
 * binary or as `text/base64` in `7bit`.
 */
export function libraryEncryptedOrder(
  innerPackage: Uint8Array,
  options: {
    readonly receiverCertificatePem: string;
    readonly receiverCertificateDer: Buffer;
    readonly cipher: LegacyCipher | 'aes256-gcm';
    readonly base64?: boolean;
  },
): Buffer {
  const gcm12 = options.cipher === 'aes256-gcm';
  const spec = gcm12 ? LEGACY_CIPHERS['aes256-gcm-iv16'] : LEGACY_CIPHERS[options.cipher as LegacyCipher];
  const key = randomBytes(spec.keyLength);
  let cipherBytes: Buffer;
  if (gcm12) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipherBytes = Buffer.concat([iv, cipher.update(innerPackage), cipher.final(), cipher.getAuthTag()]);
  } else {
    cipherBytes = legacyEncrypt(options.cipher as LegacyCipher, key, innerPackage);
  }
  const wrapped = publicEncrypt(
    { key: options.receiverCertificatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    key,
  ).toString('base64');
  const ivElement = gcm12
    ? '<osci128:IvLength xmlns:osci128="http://xoev.de/transport/osci12/8" Value="12"></osci128:IvLength>'
    : '';
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\r\n\r\n' +
    '<soap:Envelope xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soap:Body><xenc:EncryptedData MimeType="Multipart/Related"><xenc:EncryptionMethod Algorithm="${spec.uri}">${ivElement}` +
    '</xenc:EncryptionMethod><ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep">' +
    '<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"></xenc11:MGF>' +
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod></xenc:EncryptionMethod>' +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${options.receiverCertificateDer.toString('base64')}</ds:X509Certificate>` +
    `</ds:X509Data></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>${wrapped}</xenc:CipherValue></xenc:CipherData>` +
    '</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherReference URI="cid:osci_enc"><xenc:Transforms>' +
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#base64"></ds:Transform></xenc:Transforms>' +
    '</xenc:CipherReference></xenc:CipherData></xenc:EncryptedData></soap:Body></soap:Envelope>';
  const boundary = 'MIME_boundary_library';
  const soap = Buffer.from(xml, 'utf8');
  const base64 = options.base64 === true;
  return Buffer.concat([
    Buffer.from(
      `MIME-Version: 1.0\r\nContent-Type: Multipart/Related; boundary=${boundary}; type=text/xml\r\n` +
        `\r\n--${boundary}\r\nContent-Type: text/xml; charset=UTF-8\r\n` +
        `Content-Transfer-Encoding: 8bit\r\nContent-ID: <soap-library@test>\r\nContent-Length: ${soap.length}\r\n\r\n`,
    ),
    soap,
    Buffer.from(
      `\r\n\r\n--${boundary}\r\nContent-Type: ${base64 ? 'text/base64' : 'application/octet-stream'}\r\n` +
        `Content-Transfer-Encoding: ${base64 ? '7bit' : 'binary'}\r\nContent-ID: <osci_enc>\r\n\r\n`,
    ),
    base64 ? Buffer.from(cipherBytes.toString('base64')) : cipherBytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** Replaces the ciphertext of an EncryptedData (CipherValue) by `plaintext` under the same AES-GCM key. */
export function resealOwn(encryptedXml: string, key: Buffer, plaintext: Uint8Array): string {
  const document = parseXmlStrict(encryptedXml);
  const root = document.documentElement as Element;
  const iv = randomBytes(12);
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, iv);
  const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  direct(direct(root, 'CipherData'), 'CipherValue').textContent = data.toString('base64');
  return serializeXml(root);
}

/**
 * Rewrites the attachment carrier of `contentId` in a decrypted container (XML text) to a legacy cipher with
 * a fresh key, and returns the new container text and the new attachment part bytes.
 */
export function legacyAttachment(
  containerXml: string,
  contentId: string,
  plaintext: Uint8Array,
  kind: LegacyCipher,
): { xml: string; part: Buffer } {
  const spec = LEGACY_CIPHERS[kind];
  const key = randomBytes(spec.keyLength);
  const id = `Attachment${contentId.replace(/[^\w.-]/g, '_')}`;
  const start = containerXml.indexOf(`Id="${id}"`);
  const end = containerXml.indexOf('</xenc:EncryptedData>', start);
  if (start < 0 || end < 0) throw new Error(`no carrier for ${contentId}`);
  const carrier = containerXml
    .slice(start, end)
    .replace(/Algorithm="http:\/\/www\.w3\.org\/2009\/xmlenc11#aes\d+-gcm"/, `Algorithm="${spec.uri}"`)
    .replace(/<osci128:IvLength[^>]*\/>|<osci128:IvLength[^>]*>\s*<\/osci128:IvLength>/, '')
    .replace(/<ds:MgmtData>[^<]*<\/ds:MgmtData>/, `<ds:MgmtData>${key.toString('base64')}</ds:MgmtData>`);
  return {
    xml: containerXml.slice(0, start) + carrier + containerXml.slice(end),
    part: legacyEncrypt(kind, key, plaintext),
  };
}
