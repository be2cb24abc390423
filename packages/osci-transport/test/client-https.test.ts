import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intermediary, startIntermediary } from '../src/index.js';
import { type Parties, parties, textContent } from './helpers/parties.js';

describe('client and intermediary over HTTPS', () => {
  let p: Parties;
  let intermediary: Intermediary;

  beforeAll(async () => {
    p = await parties();
    const tls = p.pki.certificates.kbaServer;
    intermediary = await startIntermediary(
      p.intermediaryOptions(p.tempDir('osci-https-'), {
        tls: { key: tls.privateKeyPem, certificateChain: tls.chainPem },
      }),
    );
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  it('stores and fetches with the intermediary’s TLS certificate checked against the given CA', async () => {
    expect(intermediary.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const author = p.client(intermediary.url, 'author', { tlsCa: p.pki.trustAnchorPem });
    const producer = p.client(intermediary.url, 'producer', { tlsCa: p.pki.trustAnchorPem });
    try {
      const receipt = await author.storeDelivery({
        addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
        content: await textContent(p, 'über TLS'),
      });
      expect((await producer.fetchDelivery({ messageId: receipt.messageId }))?.messageId).toBe(
        receipt.messageId,
      );
    } finally {
      await author.close();
      await producer.close();
    }
  });

  it('refuses a server certificate from an unknown CA', async () => {
    const client = p.client(intermediary.url, 'author', { retries: { attempts: 0 } });
    try {
      const error = await client.getMessageId().catch((e) => e);
      expect(error.code).toBe('HTTP_ERROR');
    } finally {
      await client.close();
    }
  });
});
