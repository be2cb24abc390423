import { beforeAll, describe, expect, it } from 'vitest';
import { parseOsciMessage, serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptContentContainer,
  decryptFromClient,
  encryptContentContainer,
  encryptForIntermediary,
  type OsciOrder,
  signContentContainer,
  signOrderData,
  verifyClientSignature,
  verifyContentContainer,
  verifyOrderSignature,
} from '../src/layers/index.js';
import type { OsciMessage, StoreDelivery } from '../src/model/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';
import { codeOf, loadedPkiHelpers, storeDeliveryWith } from './helpers/security-fixtures.js';

const { cert, b64, credentials, trust } = loadedPkiHelpers(beforeAll);

const storeDelivery = (encryptedData: string) =>
  storeDeliveryWith(b64, { encryptedData: [encryptedData] }, 'cryptographic');

/** A sample of every order type, with real signer certificates and without attachments. */
function realSample(message: OsciOrder): OsciOrder {
  const fake = (n: number) => Buffer.from(`test-certificate-${n}`).toString('base64');
  let json = JSON.stringify(message);
  for (const n of [2, 3, 8, 9]) json = json.split(fake(n)).join(b64('passportAuthoritySignature'));
  const copy = JSON.parse(json) as OsciOrder & { contentPackage?: unknown };
  if (copy.contentPackage !== undefined) {
    return {
      ...copy,
      contentPackage: {
        contentContainers: [
          { id: 'cc', contents: [{ kind: 'base64', id: 'c', base64ContentId: 'b', data: 'QQ==' }] },
        ],
      },
    } as OsciOrder;
  }
  return copy;
}

describe('order data: client → intermediary', () => {
  it('runs the whole path: content signed and encrypted, order signed and encrypted, then opened', async () => {
    const container = await signContentContainer(
      {
        id: 'antrag',
        contents: [{ kind: 'base64', id: 'pdf', base64ContentId: 'pdf-data', data: 'JVBERi0=' }],
      },
      { author: credentials('passportAuthoritySignature') },
    );
    const content = await encryptContentContainer(container, {
      recipients: [cert('documentProducerEncryption').certificatePem],
    });
    const signed = await signOrderData(storeDelivery(content), {
      signer: credentials('passportAuthoritySignature'),
      algorithm: 'rsa-pss-sha256',
    });
    expect(signed.clientSignature?.id).toBe('clientsignature');
    const wire = serializeOsciMessage(
      await encryptForIntermediary(signed, cert('osciIntermediaryEncryption').certificatePem),
    );
    expect(wire).not.toContain('Passantrag');

    // Intermediary
    const { message, xml } = await decryptFromClient(wire, {
      privateKey: cert('osciIntermediaryEncryption').privateKeyPem,
      certificate: cert('osciIntermediaryEncryption').certificatePem,
    });
    expect(message).toEqual(signed);
    const verified = await verifyClientSignature(xml, trust());
    expect(verified.signer.serialNumber).toBe(cert('passportAuthoritySignature').serialNumber);
    const inner = (message as StoreDelivery).contentPackage.encryptedData?.[0] as string;
    expect(
      await codeOf(() =>
        decryptContentContainer(inner, { privateKey: cert('osciIntermediaryEncryption').privateKeyPem }),
      ),
    ).toBe('DECRYPTION_FAILED');

    // Document producer
    const opened = await decryptContentContainer(inner, {
      privateKey: cert('documentProducerEncryption').privateKeyPem,
    });
    const authors = await verifyContentContainer(opened, trust());
    expect(authors.authors[0]?.serialNumber).toBe(cert('passportAuthoritySignature').serialNumber);
  });

  it('signs and verifies every request and response type', async () => {
    for (const sample of Object.values(SAMPLES) as OsciMessage[]) {
      if (sample.type === 'soapMessageEncrypted' || sample.type === 'soapFault') continue;
      const signed = await signOrderData(realSample(sample), {
        signer: credentials('passportAuthoritySignature'),
      });
      const xml = serializeOsciMessage(signed);
      expect(parseOsciMessage(xml)).toEqual(signed);
      const verified = await verifyOrderSignature(xml, trust());
      expect(verified.message.type).toBe(sample.type);
    }
  });

  it('refuses a modified header block or body', async () => {
    const xml = serializeOsciMessage(
      await signOrderData(storeDelivery(SAMPLES.acceptDelivery.contentPackage.encryptedData?.[0] as string), {
        signer: credentials('passportAuthoritySignature'),
      }),
    );
    const challenge = xml.replace(
      '<osci:Challenge>c1</osci:Challenge>',
      '<osci:Challenge>c2</osci:Challenge>',
    );
    expect(await codeOf(() => verifyOrderSignature(challenge, trust()))).toBe('SIGNATURE_INVALID');
    const subject = xml.replace('Passantrag', 'Passantrag!');
    expect(await codeOf(() => verifyOrderSignature(subject, trust()))).toBe('SIGNATURE_INVALID');
    const body = xml.replace('<xenc:CipherValue>QUJD', '<xenc:CipherValue>QUJE');
    expect(body).not.toBe(xml);
    expect(await codeOf(() => verifyOrderSignature(body, trust()))).toBe('SIGNATURE_INVALID');
  });

  it('refuses an unsigned header block or a duplicated Id (wrapping)', async () => {
    const xml = serializeOsciMessage(
      await signOrderData(storeDelivery(SAMPLES.acceptDelivery.contentPackage.encryptedData?.[0] as string), {
        signer: credentials('passportAuthoritySignature'),
      }),
    );
    const extra = xml.replace('</soap:Header>', '<x:Extra xmlns:x="urn:x" Id="extra"/></soap:Header>');
    expect(await codeOf(() => verifyOrderSignature(extra, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
    const duplicate = xml.replace(
      '</soap:Header>',
      '<x:Extra xmlns:x="urn:x"><soap:Body Id="body"/></x:Extra></soap:Header>',
    );
    expect(await codeOf(() => verifyOrderSignature(duplicate, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
  });

  it('refuses a missing signature and a response offered as request', async () => {
    const unsigned = storeDelivery(SAMPLES.acceptDelivery.contentPackage.encryptedData?.[0] as string);
    expect(await codeOf(() => verifyOrderSignature(unsigned, trust()))).toBe('SIGNATURE_MISSING');
    const response = await signOrderData(
      realSample(SAMPLES.responseToExitDialog) as typeof SAMPLES.responseToExitDialog,
      {
        signer: credentials('osciIntermediarySignature'),
      },
    );
    expect(response.supplierSignature?.id).toBe('suppliersignature');
    expect(await codeOf(() => verifyClientSignature(response as never, trust()))).toBe('SIGNATURE_MISSING');
  });

  it('refuses a signer other than the originator named in the message', async () => {
    const signed = await signOrderData(
      storeDelivery(SAMPLES.acceptDelivery.contentPackage.encryptedData?.[0] as string),
      { signer: credentials('documentProducerSignature') },
    );
    expect(await codeOf(() => verifyOrderSignature(signed, trust()))).toBe('SIGNATURE_INVALID');
  });

  it('refuses untrusted and expired client certificates', async () => {
    const message = realSample(SAMPLES.exitDialog);
    const selfSigned = await signOrderData(message, { signer: credentials('selfSigned') });
    expect(await codeOf(() => verifyOrderSignature(selfSigned, trust()))).toBe('CERTIFICATE_UNTRUSTED');
    const expired = await signOrderData(message, { signer: credentials('expired') });
    expect(await codeOf(() => verifyOrderSignature(expired, trust()))).toBe('CERTIFICATE_EXPIRED');
  });

  it('keeps the order data from anyone but the intermediary', async () => {
    const encrypted = await encryptForIntermediary(
      realSample(SAMPLES.exitDialog),
      cert('osciIntermediaryEncryption').certificatePem,
    );
    expect(
      await codeOf(() =>
        decryptFromClient(encrypted, { privateKey: cert('documentProducerEncryption').privateKeyPem }),
      ),
    ).toBe('DECRYPTION_FAILED');
    expect(
      await codeOf(() =>
        decryptFromClient(encrypted, {
          privateKey: cert('documentProducerEncryption').privateKeyPem,
          certificate: cert('osciIntermediaryEncryption').certificatePem,
        }),
      ),
    ).toBe('DECRYPTION_FAILED');
  });

  it('refuses to sign a message whose attachment bytes are not given', async () => {
    expect(
      await codeOf(() =>
        signOrderData(SAMPLES.partialStoreDelivery, { signer: credentials('passportAuthoritySignature') }),
      ),
    ).toBe('MIME_PART_MISSING');
  });
});
