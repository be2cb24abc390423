import { randomBytes } from 'node:crypto';
import type { TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptContentContainer,
  decryptContentContainerWithAttachments,
  decryptFromClient,
  encryptContentContainer,
  encryptContentContainerWithAttachments,
  encryptForIntermediary,
  signContentContainer,
  signOrderData,
  verifyContentContainer,
} from '../src/layers/index.js';
import type { ContentContainer } from '../src/model/index.js';
import { decryptWithAlgorithm } from '../src/security/xmlenc.js';
import {
  LEGACY_CIPHERS,
  type LegacyCipher,
  legacyAttachment,
  legacyEncrypt,
  openOwn,
  resealLegacy,
  resealOwn,
} from './helpers/legacy-crypto.js';
import { codeOf, pki as loadPki, pkiHelpers, storeDeliveryWith } from './helpers/security-fixtures.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
});

const { cert, b64, credentials, trust } = pkiHelpers(() => pki);
const producer = () => cert('documentProducerEncryption');

const PHOTO = randomBytes(5000);
const CIPHERS: readonly LegacyCipher[] = ['aes128-cbc', 'aes256-cbc', 'tripledes-cbc', 'aes256-gcm-iv16'];

const antrag = (): ContentContainer => ({
  id: 'antrag',
  contents: [
    { kind: 'base64', id: 'antrag-pdf', base64ContentId: 'antrag-pdf-data', data: 'JVBERi0xLjQ=' },
    { kind: 'xml', xml: ['<x:Pass xmlns:x="urn:test:pass"><x:Nummer>C01X00T47</x:Nummer></x:Pass>'] },
  ],
});

describe('legacy ciphers: node:crypto vectors through the low-level API', () => {
  for (const kind of CIPHERS) {
    it(`${kind}: decrypted only with legacy, identical to the plaintext`, () => {
      const spec = LEGACY_CIPHERS[kind];
      const key = randomBytes(spec.keyLength);
      const plaintext = randomBytes(1000 + spec.ivLength);
      const data = legacyEncrypt(kind, key, plaintext);
      const options = { ivLength: spec.ivLength };
      expect(() => decryptWithAlgorithm(spec.uri, key, data, options)).toThrow(
        expect.objectContaining({ code: 'ENCRYPTION_ALGORITHM_FORBIDDEN' }),
      );
      expect(decryptWithAlgorithm(spec.uri, key, data, { ...options, legacy: true }).equals(plaintext)).toBe(
        true,
      );
      const tampered = Buffer.from(data);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0xff;
      // CBC has no integrity: a changed last block fails only when the padding turns invalid, so the
      // check is made on the padding byte; GCM always fails.
      const wrongKey = randomBytes(spec.keyLength);
      for (const [bytes, k] of [
        [tampered, key],
        [data, wrongKey],
      ] as const) {
        try {
          const out = decryptWithAlgorithm(spec.uri, k, bytes, { ...options, legacy: true });
          expect(kind).not.toBe('aes256-gcm-iv16');
          expect(out.equals(plaintext)).toBe(false);
        } catch (error) {
          expect((error as { code: string }).code).toBe('DECRYPTION_FAILED');
        }
      }
    });
  }

  it('refuses an unknown algorithm and IV lengths other than 12 and 16', () => {
    const key = randomBytes(32);
    expect(() => decryptWithAlgorithm('http://example.org/rot13', key, Buffer.alloc(64))).toThrow(
      expect.objectContaining({ code: 'ENCRYPTION_ALGORITHM_FORBIDDEN' }),
    );
    expect(() =>
      decryptWithAlgorithm(LEGACY_CIPHERS['aes256-gcm-iv16'].uri, key, Buffer.alloc(64), {
        ivLength: 8,
        legacy: true,
      }),
    ).toThrow(expect.objectContaining({ code: 'ENCRYPTION_INVALID' }));
  });
});

describe('legacy ciphers: content containers of old messages', () => {
  for (const kind of CIPHERS) {
    it(`${kind}: an encrypted container opens only with legacy and verifies`, async () => {
      const signed = await signContentContainer(antrag(), {
        author: credentials('passportAuthoritySignature'),
      });
      const modern = await encryptContentContainer(signed, { recipients: [producer().certificatePem] });
      const { plaintext } = openOwn(modern, producer().privateKeyPem);
      const old = resealLegacy(modern, plaintext, kind, producer().certificatePem);
      expect(old).toContain(LEGACY_CIPHERS[kind].uri);
      expect(old).not.toContain('IvLength');
      expect(await codeOf(() => decryptContentContainer(old, { privateKey: producer().privateKeyPem }))).toBe(
        'ENCRYPTION_ALGORITHM_FORBIDDEN',
      );
      const opened = await decryptContentContainer(old, {
        privateKey: producer().privateKeyPem,
        legacy: true,
      });
      expect(opened).toEqual(signed);
      await verifyContentContainer(opened, trust());
    });
  }

  it('never writes them: new containers are AES-GCM with IvLength 12', async () => {
    const encrypted = await encryptContentContainer(antrag(), { recipients: [producer().certificatePem] });
    expect(encrypted).toContain('Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"');
    expect(encrypted).toContain(
      '<osci128:IvLength xmlns:osci128="http://xoev.de/transport/osci12/8" Value="12"/>',
    );
    expect(encrypted).not.toMatch(/-cbc"/);
    // Legacy algorithms are not in the type; a cast (e.g. from JavaScript) is refused at run time.
    const forbidden = {
      recipients: [producer().certificatePem],
      algorithm: 'aes256-cbc',
    } as unknown as Parameters<typeof encryptContentContainer>[1];
    expect(await codeOf(() => encryptContentContainer(antrag(), forbidden))).toBe(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
    );
  });
});

describe('legacy ciphers: attachments of old messages', () => {
  const photoContainer = (): ContentContainer => ({
    id: 'lichtbild',
    contents: [{ kind: 'attachment', id: 'lichtbild-foto', href: 'cid:foto@egovkit' }],
  });

  async function oldMessage(kind: LegacyCipher): Promise<{ encrypted: string; parts: Map<string, Buffer> }> {
    const photos = new Map([['foto@egovkit', PHOTO]]);
    const signed = await signContentContainer(photoContainer(), {
      author: credentials('passportAuthoritySignature'),
      attachments: photos,
    });
    const modern = await encryptContentContainerWithAttachments(signed, {
      recipients: [producer().certificatePem],
      attachments: photos,
    });
    const { key, plaintext } = openOwn(modern.encryptedData, producer().privateKeyPem);
    const { xml, part } = legacyAttachment(plaintext.toString('utf8'), 'foto@egovkit', PHOTO, kind);
    // The container itself stays AES-GCM (IvLength 12): only the attachment is old.
    return {
      encrypted: resealOwn(modern.encryptedData, key, Buffer.from(xml)),
      parts: new Map([['foto@egovkit', part]]),
    };
  }

  for (const kind of CIPHERS) {
    it(`${kind}: an encrypted attachment opens only with legacy, and the author signature holds`, async () => {
      const { encrypted, parts } = await oldMessage(kind);
      const options = { privateKey: producer().privateKeyPem, attachments: parts };
      expect(await codeOf(() => decryptContentContainerWithAttachments(encrypted, options))).toBe(
        'ENCRYPTION_ALGORITHM_FORBIDDEN',
      );
      const opened = await decryptContentContainerWithAttachments(encrypted, { ...options, legacy: true });
      expect(opened.attachments.get('foto@egovkit')?.equals(PHOTO)).toBe(true);
      const verified = await verifyContentContainer(opened.container, {
        ...trust(),
        attachments: opened.attachments,
      });
      expect(verified.authors).toHaveLength(1);
    });
  }

  it('a changed legacy attachment does not verify (CBC has no tag: the author signature catches it)', async () => {
    const { encrypted, parts } = await oldMessage('aes256-cbc');
    const part = Buffer.from(parts.get('foto@egovkit') as Buffer);
    part[40] = (part[40] as number) ^ 0x01; // second block of the ciphertext
    const opened = await decryptContentContainerWithAttachments(encrypted, {
      privateKey: producer().privateKeyPem,
      attachments: new Map([['foto@egovkit', part]]),
      legacy: true,
    });
    expect(opened.attachments.get('foto@egovkit')?.equals(PHOTO)).toBe(false);
    expect(
      await codeOf(() =>
        verifyContentContainer(opened.container, { ...trust(), attachments: opened.attachments }),
      ),
    ).toBe('SIGNATURE_INVALID');
  });
});

describe('legacy ciphers: the inline encrypted order', () => {
  it('an order sealed with AES-GCM and a 16-byte IV opens only with legacy', async () => {
    const order = await signOrderData(storeDeliveryWith(b64, { contentContainers: [antrag()] }), {
      signer: credentials('passportAuthoritySignature'),
    });
    const intermediary = cert('osciIntermediaryEncryption');
    const modern = await encryptForIntermediary(order, intermediary.certificatePem);
    expect(modern.encryptedData).toContain('Value="12"');
    const { plaintext } = openOwn(modern.encryptedData, intermediary.privateKeyPem);
    const old = {
      ...modern,
      encryptedData: resealLegacy(
        modern.encryptedData,
        plaintext,
        'aes256-gcm-iv16',
        intermediary.certificatePem,
      ),
    };
    expect(await codeOf(() => decryptFromClient(old, { privateKey: intermediary.privateKeyPem }))).toBe(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
    );
    const opened = await decryptFromClient(old, { privateKey: intermediary.privateKeyPem, legacy: true });
    expect(opened.message).toEqual(order);
  });
});
