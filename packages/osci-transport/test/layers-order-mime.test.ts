import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptContentContainerWithAttachments,
  decryptFromClientMime,
  decryptOrderDataMime,
  encryptContentContainerWithAttachments,
  encryptForIntermediary,
  encryptForIntermediaryMime,
  OSCI_ENC_CONTENT_ID,
  signContentContainer,
  signOrderData,
  verifyContentContainer,
  verifyOrderSignature,
} from '../src/layers/index.js';
import { buildMultipartRelated, parseMultipartRelated } from '../src/mime/index.js';
import type { StoreDelivery } from '../src/model/index.js';
import { type LegacyCipher, libraryEncryptedOrder } from './helpers/legacy-crypto.js';
import { codeOf, loadedPkiHelpers, storeDeliveryWith } from './helpers/security-fixtures.js';

const { cert, b64, credentials, trust } = loadedPkiHelpers(beforeAll);
const intermediaryKey = () => cert('osciIntermediaryEncryption').privateKeyPem;
const intermediaryCertificate = () => cert('osciIntermediaryEncryption').certificatePem;

const PHOTO = randomBytes(3000);

const storeDelivery = (encryptedData: string) =>
  storeDeliveryWith(b64, { encryptedData: [encryptedData] }, 'plain');

/** A signed storeDelivery with one end-to-end encrypted attachment, and its attachment parts. */
async function signedOrder(): Promise<{
  message: StoreDelivery;
  attachments: { contentId: string; data: Uint8Array }[];
}> {
  const sealed = await signContentContainer(
    { id: 'lichtbild', contents: [{ kind: 'attachment', id: 'foto', href: 'cid:foto@egovkit' }] },
    { author: credentials('passportAuthoritySignature'), attachments: new Map([['foto@egovkit', PHOTO]]) },
  );
  const encrypted = await encryptContentContainerWithAttachments(sealed, {
    recipients: [cert('documentProducerEncryption').certificatePem],
    attachments: new Map([['foto@egovkit', PHOTO]]),
  });
  const attachments = encrypted.attachments.map((a) => ({ contentId: a.contentId, data: a.data }));
  const message = await signOrderData(storeDelivery(encrypted.encryptedData), {
    signer: credentials('passportAuthoritySignature'),
    attachments: new Map(attachments.map((a) => [a.contentId, a.data])),
  });
  return { message, attachments };
}

describe('encrypted order, MIME form (cid:osci_enc)', () => {
  it('encrypts the whole package with its attachments into the part osci_enc and opens it again', async () => {
    const { message, attachments } = await signedOrder();
    const built = await encryptForIntermediaryMime(message, intermediaryCertificate(), { attachments });
    const wire = built.toBuffer();

    // Outer package: SOAP part with the soapMessageEncrypted envelope, then only the cipher part.
    const outer = parseMultipartRelated(wire);
    expect(outer.attachments.map((part) => part.contentId)).toEqual([OSCI_ENC_CONTENT_ID]);
    expect(outer.get(OSCI_ENC_CONTENT_ID)?.contentType).toBe('application/octet-stream');
    const soap = outer.soapPart.body.toString('utf8');
    expect(built.message.type).toBe('soapMessageEncrypted');
    expect(soap).toContain('MimeType="Multipart/Related"');
    expect(soap).toContain('<xenc:CipherReference URI="cid:osci_enc">');
    expect(soap).toContain('Algorithm="http://www.w3.org/2000/09/xmldsig#base64"');
    expect(soap).toContain(
      '<osci128:IvLength xmlns:osci128="http://xoev.de/transport/osci12/8" Value="12"/>',
    );
    expect(soap).not.toContain('storedelivery');
    // Nothing of the order or the (already encrypted) attachment is visible outside the cipher part.
    expect(wire.includes(Buffer.from('Passantrag'))).toBe(false);
    expect(wire.includes(Buffer.from(attachments[0]?.data as Uint8Array).subarray(0, 64))).toBe(false);

    const opened = await decryptFromClientMime(wire, { privateKey: intermediaryKey() });
    expect(opened.message).toEqual(message);
    expect(opened.xml).toBe(serializeOsciMessage(message));
    expect(opened.parts.attachments.map((part) => part.contentId)).toEqual(['foto@egovkit']);
    expect(opened.parts.get('foto@egovkit')?.body.equals(attachments[0]?.data as Uint8Array)).toBe(true);
    const order = await verifyOrderSignature(opened.mime, trust());
    expect(order.signer.subject).toContain('Passbehörde');

    // The addressee opens the content and its attachment from the decrypted package.
    const content = await decryptContentContainerWithAttachments(
      message.contentPackage?.encryptedData?.[0] as string,
      { privateKey: cert('documentProducerEncryption').privateKeyPem, attachments: opened.parts },
    );
    expect(content.attachments.get('foto@egovkit')?.equals(PHOTO)).toBe(true);
    await verifyContentContainer(content.container, { ...trust(), attachments: content.attachments });
  });

  it('takes an already built inner package (BuiltMultipart or Buffer) and a base64 cipher part', async () => {
    const { message, attachments } = await signedOrder();
    const inner = buildMultipartRelated({ soapXml: serializeOsciMessage(message), attachments });
    for (const input of [inner, inner.toBuffer()]) {
      const wire = (
        await encryptForIntermediaryMime(input, intermediaryCertificate(), { transferEncoding: 'base64' })
      ).toBuffer();
      const part = parseMultipartRelated(wire).get(OSCI_ENC_CONTENT_ID);
      expect(part?.transferEncoding).toBe('base64');
      const opened = await decryptOrderDataMime(wire, { privateKey: intermediaryKey() });
      expect(opened.mime.equals(inner.toBuffer())).toBe(true);
      await verifyOrderSignature(opened.mime, trust());
    }
  });

  it('refuses to encrypt what is not an order', async () => {
    const fault = { type: 'soapFault', faultCode: 'soap:Client', faultString: 'x' } as const;
    expect(await codeOf(() => encryptForIntermediaryMime(fault as never, intermediaryCertificate()))).toBe(
      'MESSAGE_INVALID',
    );
    const faultPackage = buildMultipartRelated({ soapXml: serializeOsciMessage(fault) }).toBuffer();
    expect(await codeOf(() => encryptForIntermediaryMime(faultPackage, intermediaryCertificate()))).toBe(
      'MESSAGE_INVALID',
    );
  });

  it('reads the layout the OSCI library writes, binary and text/base64', async () => {
    const { message, attachments } = await signedOrder();
    const inner = buildMultipartRelated({ soapXml: serializeOsciMessage(message), attachments }).toBuffer();
    for (const base64 of [false, true]) {
      const wire = libraryEncryptedOrder(inner, {
        receiverCertificatePem: intermediaryCertificate(),
        receiverCertificateDer: cert('osciIntermediaryEncryption').certificateDer,
        cipher: 'aes256-gcm',
        base64,
      });
      const opened = await decryptFromClientMime(wire, { privateKey: intermediaryKey() });
      expect(opened.mime.equals(inner)).toBe(true);
      expect(opened.message).toEqual(message);
    }
  });

  it('accepts a bare SOAP envelope as plaintext and wraps it into a package', async () => {
    const { message } = await signedOrder();
    const xml = serializeOsciMessage(message);
    const wire = libraryEncryptedOrder(Buffer.from(xml), {
      receiverCertificatePem: intermediaryCertificate(),
      receiverCertificateDer: cert('osciIntermediaryEncryption').certificateDer,
      cipher: 'aes256-gcm',
    });
    const opened = await decryptFromClientMime(wire, { privateKey: intermediaryKey() });
    expect(opened.xml).toBe(xml);
    expect(opened.parts.soapPart.body.toString('utf8')).toBe(xml);
    expect(parseMultipartRelated(opened.mime).attachments).toHaveLength(0);
  });

  const legacyCases: [LegacyCipher, string][] = [
    ['aes128-cbc', 'AES-128-CBC'],
    ['aes256-cbc', 'AES-256-CBC'],
    ['tripledes-cbc', '3DES'],
    ['aes256-gcm-iv16', 'AES-GCM with the old 16-byte IV (no IvLength)'],
  ];
  for (const [cipher, label] of legacyCases) {
    it(`reads an order encrypted with ${label} only with legacy`, async () => {
      const { message, attachments } = await signedOrder();
      const inner = buildMultipartRelated({ soapXml: serializeOsciMessage(message), attachments }).toBuffer();
      const wire = libraryEncryptedOrder(inner, {
        receiverCertificatePem: intermediaryCertificate(),
        receiverCertificateDer: cert('osciIntermediaryEncryption').certificateDer,
        cipher,
      });
      expect(await codeOf(() => decryptFromClientMime(wire, { privateKey: intermediaryKey() }))).toBe(
        'ENCRYPTION_ALGORITHM_FORBIDDEN',
      );
      const opened = await decryptFromClientMime(wire, { privateKey: intermediaryKey(), legacy: true });
      expect(opened.mime.equals(inner)).toBe(true);
      await verifyOrderSignature(opened.mime, trust());
    });
  }

  describe('refuses defective packages with the right code', () => {
    async function valid(): Promise<Buffer> {
      const { message, attachments } = await signedOrder();
      return (
        await encryptForIntermediaryMime(message, intermediaryCertificate(), {
          attachments,
          boundary: 'MIME_boundary_test',
        })
      ).toBuffer();
    }
    const open = (wire: Buffer, extra: { legacy?: boolean } = {}) =>
      decryptFromClientMime(wire, { privateKey: intermediaryKey(), ...extra });

    it('missing osci_enc part → MIME_PART_MISSING', async () => {
      const wire = await valid();
      const at = wire.indexOf('--MIME_boundary_test\r\nContent-Type: application/octet-stream');
      const cut = Buffer.concat([wire.subarray(0, at), Buffer.from('--MIME_boundary_test--\r\n')]);
      expect(await codeOf(() => open(cut))).toBe('MIME_PART_MISSING');
    });

    it('renamed part (CipherReference points nowhere) → MIME_PART_MISSING', async () => {
      const wire = Buffer.from(
        (await valid()).toString('latin1').replace('Content-ID: <osci_enc>', 'Content-ID: <osci_xxx>'),
        'latin1',
      );
      expect(await codeOf(() => open(wire))).toBe('MIME_PART_MISSING');
    });

    it('tampered cipher part, at the start, middle and tag → DECRYPTION_FAILED', async () => {
      const wire = await valid();
      const start = wire.indexOf('\r\n\r\n', wire.indexOf('Content-ID: <osci_enc>')) + 4;
      const end = wire.lastIndexOf('\r\n--MIME_boundary_test--');
      for (const offset of [start + 2, start + 20, Math.floor((start + end) / 2), end - 1]) {
        const copy = Buffer.from(wire);
        copy[offset] = (copy[offset] as number) ^ 0x80;
        expect(await codeOf(() => open(copy))).toBe('DECRYPTION_FAILED');
      }
    });

    it('truncated cipher part → MIME_INVALID (Content-Length), DECRYPTION_FAILED without it', async () => {
      const wire = await valid();
      const end = wire.lastIndexOf('\r\n--MIME_boundary_test--');
      const cut = Buffer.concat([wire.subarray(0, end - 5), wire.subarray(end)]);
      expect(await codeOf(() => open(cut))).toBe('MIME_INVALID');
      const withoutLength = Buffer.from(
        cut.toString('latin1').replace(/Content-Length: \d+\r\n(?=\r\n)/, ''),
        'latin1',
      );
      expect(withoutLength.length).toBeLessThan(cut.length);
      expect(await codeOf(() => open(withoutLength))).toBe('DECRYPTION_FAILED');
    });

    it('encrypted for another receiver, or opened with another certificate → DECRYPTION_FAILED', async () => {
      const { message, attachments } = await signedOrder();
      const wire = (
        await encryptForIntermediaryMime(message, cert('documentProducerEncryption').certificatePem, {
          attachments,
        })
      ).toBuffer();
      expect(await codeOf(() => open(wire))).toBe('DECRYPTION_FAILED');
      const good = await valid();
      expect(
        await codeOf(() =>
          decryptFromClientMime(good, {
            privateKey: intermediaryKey(),
            certificate: cert('documentProducerEncryption').certificatePem,
          }),
        ),
      ).toBe('DECRYPTION_FAILED');
    });

    it('an extra part beside osci_enc → MIME_INVALID', async () => {
      const wire = Buffer.from(
        (await valid())
          .toString('latin1')
          .replace(
            /--MIME_boundary_test--\r\n$/,
            '--MIME_boundary_test\r\nContent-Type: text/plain\r\nContent-ID: <extra>\r\n\r\nklartext\r\n--MIME_boundary_test--\r\n',
          ),
        'latin1',
      );
      expect(await codeOf(() => open(wire))).toBe('MIME_INVALID');
    });

    it('a transform other than base64 → ENCRYPTION_ALGORITHM_FORBIDDEN', async () => {
      const wire = Buffer.from(
        (await valid())
          .toString('latin1')
          .replace(
            'http://www.w3.org/2000/09/xmldsig#base64',
            'http://www.w3.org/TR/1999/REC-xpath-19991116',
          ),
        'latin1',
      );
      expect(await codeOf(() => open(wire))).toBe('ENCRYPTION_ALGORITHM_FORBIDDEN');
    });

    it('an IvLength other than 12 or 16 → ENCRYPTION_INVALID', async () => {
      const wire = Buffer.from(
        (await valid()).toString('latin1').replace('Value="12"', 'Value="8"'),
        'latin1',
      );
      expect(await codeOf(() => open(wire))).toBe('ENCRYPTION_INVALID');
    });

    it('the inline form, a plain order or a non-OSCI plaintext → the matching code', async () => {
      const { message } = await signedOrder();
      const inline = await encryptForIntermediary(message, intermediaryCertificate());
      const inlineWire = buildMultipartRelated({ soapXml: serializeOsciMessage(inline) }).toBuffer();
      expect(await codeOf(() => open(inlineWire))).toBe('ENCRYPTION_INVALID');
      const plainWire = buildMultipartRelated({ soapXml: serializeOsciMessage(message) }).toBuffer();
      expect(await codeOf(() => open(plainWire))).toBe('MESSAGE_INVALID');
      const garbage = libraryEncryptedOrder(Buffer.from('not a MIME package\r\n\r\n'), {
        receiverCertificatePem: intermediaryCertificate(),
        receiverCertificateDer: cert('osciIntermediaryEncryption').certificateDer,
        cipher: 'aes256-gcm',
      });
      expect(await codeOf(() => open(garbage))).toBe('MIME_INVALID');
    });

    it('a changed inner order still decrypts but fails its ClientSignature → SIGNATURE_INVALID', async () => {
      const { message, attachments } = await signedOrder();
      const inner = buildMultipartRelated({
        soapXml: serializeOsciMessage(message).replace('Passantrag', 'Passantrug'),
        attachments,
      }).toBuffer();
      const wire = (await encryptForIntermediaryMime(inner, intermediaryCertificate())).toBuffer();
      const opened = await open(wire);
      expect(await codeOf(() => verifyOrderSignature(opened.mime, trust()))).toBe('SIGNATURE_INVALID');
    });
  });
});
