import {
  constants,
  createCipheriv,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  webcrypto,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDecryptStream,
  createEncryptStream,
  decryptBytes,
  decryptElement,
  encryptBytes,
  encryptElement,
  generateContentKey,
  XENC_NAMESPACE,
} from '../src/security/xmlenc.js';
import { type Element, findElement, findElements, parseXmlStrict, serializeXml } from '../src/xml/parse.js';
import { codeOf, envelope, pki as loadPki, OSCI, SOAP } from './helpers/security-fixtures.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
});

const fixtures = new URL('./fixtures/security/xmlenc11-interop/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures));

function reparse(document: { documentElement: Element | null }) {
  const parsed = parseXmlStrict(serializeXml(document as never));
  return { document: parsed, encrypted: findElement(parsed, XENC_NAMESPACE, 'EncryptedData') as Element };
}

function cipherValueOf(data: Element): Element {
  return findElements(data, XENC_NAMESPACE, 'CipherValue').at(-1) as Element;
}

function flip(element: Element, offset: number): void {
  const bytes = Buffer.from(element.textContent ?? '', 'base64');
  const index = offset < 0 ? bytes.length + offset : offset;
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  element.textContent = bytes.toString('base64');
}

describe('encryptElement / decryptElement', () => {
  it.each(['aes128-gcm', 'aes192-gcm', 'aes256-gcm'] as const)('round trip %s (Element)', (algorithm) => {
    const { document, body } = envelope();
    const order = findElement(body, OSCI, 'Order') as Element;
    const before = serializeXml(order);
    const encrypted = encryptElement(order, {
      recipients: [{ certificate: pki.certificates.passportAuthorityEncryption.certificatePem }],
      algorithm,
    });
    expect(encrypted.parentNode).toBe(body);
    expect(serializeXml(document)).not.toContain('Amount');
    expect(serializeXml(encrypted)).toContain(`http://www.w3.org/2009/xmlenc11#${algorithm}`);
    const received = reparse(document);
    const result = decryptElement(received.encrypted, {
      privateKey: pki.certificates.passportAuthorityEncryption.privateKeyPem,
    });
    expect(result.kind).toBe('nodes');
    const decrypted = findElement(received.document, OSCI, 'Order') as Element;
    expect(serializeXml(decrypted)).toBe(before);
    expect(decrypted.parentNode?.localName).toBe('Body');
    expect(decrypted.namespaceURI).toBe(OSCI);
  });

  it('writes RSA-OAEP with SHA-256 and MGF1-SHA-256 and one EncryptedKey per recipient', () => {
    const { body } = envelope();
    const encrypted = encryptElement(body, {
      recipients: [
        { certificate: pki.certificates.passportAuthorityEncryption.certificatePem, keyName: 'authority' },
        { certificate: pki.certificates.osciIntermediaryEncryption.certificateDer },
      ],
      type: 'content',
    });
    const xml = serializeXml(encrypted);
    expect(findElements(encrypted, XENC_NAMESPACE, 'EncryptedKey')).toHaveLength(2);
    expect(xml).toContain('Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"');
    expect(xml).toContain('Type="http://www.w3.org/2001/04/xmlenc#Content"');
    expect(xml).toContain('<ds:KeyName>authority</ds:KeyName>');
  });

  it('lets every recipient decrypt content, picking its EncryptedKey by certificate', () => {
    for (const name of ['passportAuthorityEncryption', 'osciIntermediaryEncryption'] as const) {
      const { document, body } = envelope();
      encryptElement(body, {
        recipients: [
          { certificate: pki.certificates.passportAuthorityEncryption.certificatePem },
          { certificate: pki.certificates.osciIntermediaryEncryption.certificatePem },
        ],
        type: 'content',
      });
      const received = reparse(document);
      decryptElement(received.encrypted, {
        privateKey: pki.certificates[name].privateKeyDer,
        certificate: pki.certificates[name].certificatePem,
      });
      const amount = findElement(received.document, OSCI, 'Amount');
      expect(amount?.textContent).toBe('100');
      expect(amount?.parentNode?.parentNode).toBe(findElement(received.document, SOAP, 'Body'));
    }
  });

  it('refuses a wrong private key with DECRYPTION_FAILED', async () => {
    const { document, body } = envelope();
    encryptElement(body, {
      recipients: [{ certificate: pki.certificates.passportAuthorityEncryption.certificatePem }],
    });
    const received = reparse(document);
    const wrong = pki.certificates.documentProducerEncryption;
    expect(await codeOf(() => decryptElement(received.encrypted, { privateKey: wrong.privateKeyPem }))).toBe(
      'DECRYPTION_FAILED',
    );
    expect(
      await codeOf(() =>
        decryptElement(received.encrypted, {
          privateKey: wrong.privateKeyPem,
          certificate: wrong.certificatePem,
        }),
      ),
    ).toBe('DECRYPTION_FAILED');
  });

  it.each([
    ['IV', 0],
    ['ciphertext', 20],
    ['tag', -1],
  ] as const)('refuses a tampered %s with DECRYPTION_FAILED', async (_part, offset) => {
    const { document, body } = envelope();
    encryptElement(body, {
      recipients: [{ certificate: pki.certificates.passportAuthorityEncryption.certificatePem }],
    });
    const received = reparse(document);
    flip(cipherValueOf(received.encrypted), offset);
    expect(
      await codeOf(() =>
        decryptElement(received.encrypted, {
          privateKey: pki.certificates.passportAuthorityEncryption.privateKeyPem,
        }),
      ),
    ).toBe('DECRYPTION_FAILED');
  });

  it('refuses a tampered wrapped key with DECRYPTION_FAILED', async () => {
    const { document, body } = envelope();
    encryptElement(body, {
      recipients: [{ certificate: pki.certificates.passportAuthorityEncryption.certificatePem }],
    });
    const received = reparse(document);
    flip(findElements(received.encrypted, XENC_NAMESPACE, 'CipherValue')[0] as Element, 5);
    expect(
      await codeOf(() =>
        decryptElement(received.encrypted, {
          privateKey: pki.certificates.passportAuthorityEncryption.privateKeyPem,
        }),
      ),
    ).toBe('DECRYPTION_FAILED');
  });

  it('refuses RSA-1024 recipients', async () => {
    const { body } = envelope();
    expect(
      await codeOf(() =>
        encryptElement(body, { recipients: [{ certificate: pki.certificates.rsa1024.certificatePem }] }),
      ),
    ).toBe('ENCRYPTION_ALGORITHM_FORBIDDEN');
  });
});

describe('independent known-answer check (WebCrypto builds, this module decrypts)', () => {
  async function webCryptoEncryptedData(plaintext: string, type: string | undefined): Promise<string> {
    const recipient = pki.certificates.passportAuthorityEncryption;
    const spki = createPublicKey(recipient.certificatePem).export({ type: 'spki', format: 'der' });
    const rsa = await webcrypto.subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, [
      'encrypt',
    ]);
    const cek = new Uint8Array(32).fill(7);
    const iv = new Uint8Array(12).fill(9);
    const aes = await webcrypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
    const sealed = Buffer.from(
      await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, aes, Buffer.from(plaintext)),
    );
    const wrapped = Buffer.from(await webcrypto.subtle.encrypt({ name: 'RSA-OAEP' }, rsa, cek));
    return (
      `<r><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"${type === undefined ? '' : ` Type="${type}"`}>` +
      '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>' +
      '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>' +
      '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep">' +
      '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>' +
      '<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/>' +
      `</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
      '</xenc:EncryptedKey></ds:KeyInfo>' +
      `<xenc:CipherData><xenc:CipherValue>${Buffer.concat([iv, sealed]).toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
      '</xenc:EncryptedData></r>'
    );
  }

  it('decrypts an EncryptedData made with WebCrypto RSA-OAEP-SHA-256 and AES-256-GCM', async () => {
    const plaintext = '<osci:Content xmlns:osci="http://www.osci.de/2002/04/osci">Prüfung</osci:Content>';
    const document = parseXmlStrict(
      await webCryptoEncryptedData(plaintext, 'http://www.w3.org/2001/04/xmlenc#Element'),
    );
    decryptElement(findElement(document, XENC_NAMESPACE, 'EncryptedData') as Element, {
      privateKey: pki.certificates.passportAuthorityEncryption.privateKeyPem,
    });
    expect(serializeXml(document)).toBe(`<r>${plaintext}</r>`);
  });

  it('returns bytes for EncryptedData without an XML Type and leaves the document alone', async () => {
    const document = parseXmlStrict(await webCryptoEncryptedData('%PDF-1.7 not xml <', undefined));
    const encrypted = findElement(document, XENC_NAMESPACE, 'EncryptedData') as Element;
    const result = decryptElement(encrypted, {
      privateKey: pki.certificates.passportAuthorityEncryption.privateKeyPem,
    });
    expect(result.kind === 'bytes' && result.data.toString('utf8')).toBe('%PDF-1.7 not xml <');
    expect(encrypted.parentNode).toBe(document.documentElement);
  });
});

describe('W3C XML Encryption 1.1 interop vectors (xmlsec copy)', () => {
  const vectors = [
    ['cipherText__RSA-2048__aes128-gcm__rsa-oaep-mgf1p', 'RSA-2048'],
    ['cipherText__RSA-3072__aes192-gcm__rsa-oaep-mgf1p__Sha256', 'RSA-3072'],
    ['cipherText__RSA-3072__aes256-gcm__rsa-oaep__Sha384-MGF_Sha1', 'RSA-3072'],
    ['cipherText__RSA-4096__aes256-gcm__rsa-oaep__Sha512-MGF_Sha1_PSource', 'RSA-4096'],
  ] as const;
  it.each(vectors)('%s', async (name, key) => {
    const document = parseXmlStrict(fixture(`${name}.xml`));
    const encrypted = document.documentElement as Element;
    const privateKey = fixture(`${key}.key.pem`).toString('utf8');
    // Every vector uses MGF1 with SHA-1: legacy only.
    expect(await codeOf(() => decryptElement(encrypted, { privateKey }))).toBe(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
    );
    decryptElement(encrypted, { privateKey, legacy: true });
    const expected = parseXmlStrict(fixture(`${name}.data`));
    expect(serializeXml(document.documentElement as Element)).toBe(
      serializeXml(expected.documentElement as Element),
    );
  });

  it('xenc11-example-AES128-GCM (raw key, IV || ciphertext || tag)', () => {
    const document = parseXmlStrict(fixture('xenc11-example-AES128-GCM.xml'));
    const value = Buffer.from(
      (findElement(document, XENC_NAMESPACE, 'CipherValue')?.textContent ?? '').trim(),
      'base64',
    );
    const plain = decryptBytes(value, { key: fixture('xenc11-example-AES128-GCM.key') });
    expect(plain.equals(fixture('xenc11-example-AES128-GCM.data'))).toBe(true);
  });
});

/** Builds a legacy EncryptedData (never produced by the module) with node:crypto. */
function legacyEncryptedData(options: {
  contentUri: string;
  cipher: string;
  keyLength: number;
  block: number;
  transportUri: string;
  padding: number;
  oaepHash?: string;
  plaintext: string;
  certificatePem: string;
}): Element {
  const key = randomBytes(options.keyLength);
  const iv = randomBytes(options.block);
  const data = Buffer.from(options.plaintext, 'utf8');
  const padLength = options.block - (data.length % options.block);
  // ISO 10126 style: random filler, last byte = padding length.
  const padding = Buffer.concat([randomBytes(padLength - 1), Buffer.from([padLength])]);
  const cipher = createCipheriv(options.cipher, key, iv);
  cipher.setAutoPadding(false);
  const body = Buffer.concat([iv, cipher.update(Buffer.concat([data, padding])), cipher.final()]);
  const wrapped = publicEncrypt(
    {
      key: options.certificatePem,
      padding: options.padding,
      ...(options.oaepHash === undefined ? {} : { oaepHash: options.oaepHash }),
    },
    key,
  );
  const xml =
    '<r xmlns:x="urn:x"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">' +
    `<xenc:EncryptionMethod Algorithm="${options.contentUri}"/>` +
    '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>' +
    `<xenc:EncryptionMethod Algorithm="${options.transportUri}"/>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    '</xenc:EncryptedKey></ds:KeyInfo>' +
    `<xenc:CipherData><xenc:CipherValue>${body.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    '</xenc:EncryptedData></r>';
  return parseXmlStrict(xml).documentElement?.firstChild as Element;
}

describe('legacy algorithms (read only)', () => {
  const cases = [
    ['aes128-cbc', 'aes-128-cbc', 16, 16, 'rsa-1_5'],
    ['aes192-cbc', 'aes-192-cbc', 24, 16, 'rsa-oaep-mgf1p'],
    ['aes256-cbc', 'aes-256-cbc', 32, 16, 'rsa-1_5'],
    ['tripledes-cbc', 'des-ede3-cbc', 24, 8, 'rsa-oaep-mgf1p'],
  ] as const;
  it.each(cases)(
    '%s with %s: refused by default, decrypted with legacy',
    async (content, cipher, keyLength, block, transport) => {
      const recipient = pki.certificates.passportAuthorityEncryption;
      const make = () =>
        legacyEncryptedData({
          contentUri: `http://www.w3.org/2001/04/xmlenc#${content}`,
          cipher,
          keyLength,
          block,
          transportUri: `http://www.w3.org/2001/04/xmlenc#${transport}`,
          padding: transport === 'rsa-1_5' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_OAEP_PADDING,
          plaintext: '<x:secret>Geheim</x:secret>',
          certificatePem: recipient.certificatePem,
        });
      const refused = make();
      expect(await codeOf(() => decryptElement(refused, { privateKey: recipient.privateKeyPem }))).toBe(
        'ENCRYPTION_ALGORITHM_FORBIDDEN',
      );
      const accepted = make();
      const parent = accepted.parentNode as Element;
      decryptElement(accepted, { privateKey: recipient.privateKeyPem, legacy: true });
      expect(serializeXml(parent)).toBe('<r xmlns:x="urn:x"><x:secret>Geheim</x:secret></r>');

      const tampered = make();
      flip(cipherValueOf(tampered), -1);
      flip(cipherValueOf(tampered), -(block + 3));
      expect(
        await codeOf(() => decryptElement(tampered, { privateKey: recipient.privateKeyPem, legacy: true })),
      ).toBe('DECRYPTION_FAILED');
      const wrongKey = make();
      expect(
        await codeOf(() =>
          decryptElement(wrongKey, {
            privateKey: pki.certificates.osciIntermediaryEncryption.privateKeyPem,
            legacy: true,
          }),
        ),
      ).toBe('DECRYPTION_FAILED');
    },
  );

  it('refuses unknown algorithms even with legacy', async () => {
    const recipient = pki.certificates.passportAuthorityEncryption;
    const data = legacyEncryptedData({
      contentUri: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
      cipher: 'aes-256-cbc',
      keyLength: 32,
      block: 16,
      transportUri: 'http://www.w3.org/2001/04/xmlenc#kw-aes256',
      padding: constants.RSA_PKCS1_PADDING,
      plaintext: '<x:a/>',
      certificatePem: recipient.certificatePem,
    });
    expect(
      await codeOf(() => decryptElement(data, { privateKey: recipient.privateKeyPem, legacy: true })),
    ).toBe('ENCRYPTION_ALGORITHM_FORBIDDEN');
  });
});

describe('encryptBytes / decryptBytes and streams', () => {
  it('round trips and uses IV || ciphertext || tag', () => {
    const key = generateContentKey();
    const data = randomBytes(1000);
    const sealed = encryptBytes(data, { key });
    expect(sealed.length).toBe(12 + 1000 + 16);
    expect(decryptBytes(sealed, { key }).equals(data)).toBe(true);
  });

  it('round trips across the internal chunk size', () => {
    const key = generateContentKey();
    const data = randomBytes(2.5 * 1024 * 1024 + 3);
    const sealed = encryptBytes(data, { key });
    expect(decryptBytes(sealed, { key }).equals(data)).toBe(true);
    sealed[1024 * 1024 + 20] = (sealed[1024 * 1024 + 20] ?? 0) ^ 1;
    expect(() => decryptBytes(sealed, { key })).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
  });

  it.each([0, 500, -1])('refuses a modified byte at %i', async (offset) => {
    const key = generateContentKey('aes128-gcm');
    const sealed = encryptBytes(Buffer.from('attachment'.repeat(60)), { key });
    const index = offset < 0 ? sealed.length + offset : offset;
    sealed[index] = (sealed[index] ?? 0) ^ 0x80;
    expect(await codeOf(() => decryptBytes(sealed, { key }))).toBe('DECRYPTION_FAILED');
  });

  it('refuses a wrong key and a truncated input', async () => {
    const sealed = encryptBytes(Buffer.from('data'), { key: generateContentKey() });
    expect(await codeOf(() => decryptBytes(sealed, { key: generateContentKey() }))).toBe('DECRYPTION_FAILED');
    expect(await codeOf(() => decryptBytes(sealed.subarray(0, 20), { key: generateContentKey() }))).toBe(
      'DECRYPTION_FAILED',
    );
  });

  async function collect(source: Iterable<Buffer>, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await pipeline(Readable.from(source), transform, async (stream: AsyncIterable<string | Buffer>) => {
      for await (const chunk of stream) chunks.push(Buffer.from(chunk));
    });
    return Buffer.concat(chunks);
  }

  it('streams in both directions compatibly with the buffer format', async () => {
    const key = generateContentKey();
    const data = randomBytes(3 * 65536 + 17);
    const chunks = [data.subarray(0, 5), data.subarray(5, 70000), data.subarray(70000)];
    const sealed = await collect(chunks, createEncryptStream({ key }));
    expect(decryptBytes(sealed, { key }).equals(data)).toBe(true);
    const sealedAgain = encryptBytes(data, { key });
    const pieces = [
      sealedAgain.subarray(0, 3),
      sealedAgain.subarray(3, 40),
      sealedAgain.subarray(40, sealedAgain.length - 5),
      sealedAgain.subarray(sealedAgain.length - 5),
    ];
    expect((await collect(pieces, createDecryptStream({ key }))).equals(data)).toBe(true);
    expect((await collect([], createEncryptStream({ key }))).length).toBe(28);
  });

  it('fails the decrypt stream on a modified tag', async () => {
    const key = generateContentKey();
    const sealed = encryptBytes(randomBytes(100), { key });
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    expect(await codeOf(() => collect([sealed], createDecryptStream({ key })))).toBe('DECRYPTION_FAILED');
  });
});
