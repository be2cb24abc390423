import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intermediary, OsciError, sealContent, startIntermediary } from '../src/index.js';
import { type Parties, parties, textContent } from './helpers/parties.js';

describe('author → intermediary → passive recipient over HTTP', () => {
  let p: Parties;
  let intermediary: Intermediary;

  beforeAll(async () => {
    p = await parties();
    intermediary = await startIntermediary(p.intermediaryOptions(p.tempDir('osci-passive-')));
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  it('stores a delivery, the addressee fetches and opens it, both see the process card', async () => {
    const author = p.client(intermediary.url, 'author');
    const producer = p.client(intermediary.url, 'producer');
    try {
      const attachment = { contentId: 'scan@egovkit', data: Buffer.from('%PDF-1.4 Antrag Scan') };
      const receipt = await author.storeDelivery({
        addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
        content: await textContent(p, 'Passantrag 4711', [attachment]),
        subject: 'Passantrag',
      });
      expect(receipt.messageId).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(receipt.processCard?.processCard.creation?.kind).toBe('plain');
      expect(receipt.processCard?.processCard.subject).toBe('Passantrag');
      expect(receipt.processCard?.inspectionReport.map((i) => i.x509SubjectName).join('|')).toContain(
        'Passbehörde',
      );

      const fetched = await producer.fetchDelivery();
      expect(fetched?.messageId).toBe(receipt.messageId);
      expect(fetched?.subject).toBe('Passantrag');
      expect(fetched?.processCard?.processCard.reception).toBeDefined();
      const [opened] = (await fetched?.open()) ?? [];
      expect(opened?.authors[0]?.subject).toContain('Passbehörde');
      expect(JSON.stringify(opened?.container.contents)).toContain('Passantrag 4711');
      expect(Buffer.from(opened?.attachments.get('scan@egovkit') ?? []).toString()).toBe(
        '%PDF-1.4 Antrag Scan',
      );

      // Nothing else waits; fetching again by MessageId still works.
      expect(await producer.fetchDelivery()).toBeUndefined();
      expect((await producer.fetchDelivery({ messageId: receipt.messageId }))?.messageId).toBe(
        receipt.messageId,
      );

      const [authorCard] = await author.fetchProcessCard({ messageIds: [receipt.messageId] });
      expect(authorCard?.processCard.creation).toBeDefined();
      expect(authorCard?.processCard.reception).toBeDefined();
      const producerCards = await producer.fetchProcessCard({ role: 'Addressee' });
      expect(producerCards.map((c) => c.messageId)).toContain(receipt.messageId);
      expect(await producer.fetchProcessCard({ role: 'Originator' })).toEqual([]);
    } finally {
      await author.close();
      await producer.close();
    }
  });

  it('a delivery is only fetched by its addressee', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const receipt = await author.storeDelivery({
        addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
        content: await textContent(p, 'nur für den Hersteller'),
      });
      expect(await author.fetchDelivery({ messageId: receipt.messageId })).toBeUndefined();
    } finally {
      await author.close();
    }
  });

  it('claiming the addressee certificate without its key opens no dialog and fetches nothing', async () => {
    const author = p.client(intermediary.url, 'author');
    // The addressee's encryption certificate is public; the key is the author's own.
    const impostor = p.client(intermediary.url, 'author', {
      decryption: {
        key: p.pki.certificates.passportAuthorityEncryption.privateKeyPem,
        certificate: p.pki.certificates.documentProducerEncryption.certificatePem,
      },
    });
    const producer = p.client(intermediary.url, 'producer');
    try {
      const receipt = await author.storeDelivery({
        addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
        content: await textContent(p, 'vertraulich'),
      });
      // The answer to initDialog is encrypted for the claimed certificate: without the key there is no
      // challenge to return, so no order of the dialog can follow.
      const error = await impostor.openDialog().catch((e) => e);
      expect(error.code).toBe('DECRYPTION_FAILED');
      const fetched = await producer.fetchDelivery({ messageId: receipt.messageId });
      expect(fetched?.processCard?.processCard.reception).toBeDefined();
      const [opened] = (await fetched?.open()) ?? [];
      expect(JSON.stringify(opened?.container.contents)).toContain('vertraulich');
    } finally {
      await author.close();
      await impostor.close();
      await producer.close();
    }
  });

  it('a MessageId is used once and only if issued here', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const content = await textContent(p, 'x');
      const addressee = p.pki.certificates.documentProducerEncryption.certificatePem;
      const { messageId } = await author.storeDelivery({ addresseeCipherCertificate: addressee, content });
      const again = await author
        .storeDelivery({ addresseeCipherCertificate: addressee, content, messageId })
        .catch((e) => e);
      expect(again).toBeInstanceOf(OsciError);
      expect(again.code).toBe('FEEDBACK_ERROR');
      expect(again.details.feedbackCode).toBe('9801');
      const foreign = await author
        .storeDelivery({
          addresseeCipherCertificate: addressee,
          content,
          messageId: Buffer.from('not issued here').toString('base64'),
        })
        .catch((e) => e);
      expect(foreign.details.feedbackCode).toBe('9801');
    } finally {
      await author.close();
    }
  });

  describe('client and intermediary pass every trust setting on to certificate validation', () => {
    const dayAfter = (date: Date) => new Date(date.getTime() + 86_400_000);

    it('client `at`: an answer signed by an intermediary expired by then is refused', async () => {
      const later = dayAfter(p.pki.certificates.osciIntermediarySignature.notAfter);
      const now = p.client(intermediary.url, 'author');
      const expiring = p.client(intermediary.url, 'author', { at: later });
      try {
        await expect(now.getMessageId()).resolves.toBeTypeOf('string');
        await expect(expiring.getMessageId()).rejects.toMatchObject({ code: 'CERTIFICATE_EXPIRED' });
      } finally {
        await now.close();
        await expiring.close();
      }
    });

    it('client `crls`: an answer is refused when the issuing CA has no CRL', async () => {
      const complete = p.client(intermediary.url, 'author', { crls: p.pki.crls.all });
      const rootOnly = p.client(intermediary.url, 'author', { crls: [p.pki.crls.root.pem] });
      try {
        await expect(complete.getMessageId()).resolves.toBeTypeOf('string');
        await expect(rootOnly.getMessageId()).rejects.toMatchObject({
          code: 'CERTIFICATE_UNTRUSTED',
          details: { reason: 'revocation-unknown' },
        });
      } finally {
        await complete.close();
        await rootOnly.close();
      }
    });

    it('client `intermediates`: fetched content whose author sent no chain opens with them', async () => {
      const author = p.client(intermediary.url, 'author');
      const producer = p.client(intermediary.url, 'producer');
      const building = p.client(intermediary.url, 'producer', {
        intermediates: [p.pki.certificates.subCa.certificatePem],
      });
      try {
        const signer = p.pki.certificates.passportAuthoritySignature;
        const content = await sealContent(
          { id: 'antrag', contents: [{ kind: 'xml', xml: ['<x:Antrag xmlns:x="urn:egovkit:test"/>'] }] },
          {
            // Only the author's own certificate in KeyInfo: the path needs the issuing CA from elsewhere.
            author: { key: signer.privateKeyPem, certificateChain: [signer.certificatePem] },
            readers: [p.pki.certificates.documentProducerEncryption.certificatePem],
          },
        );
        const { messageId } = await author.storeDelivery({
          addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
          content,
        });
        const plain = await producer.fetchDelivery({ messageId });
        await expect(plain?.open()).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
        const fetched = await building.fetchDelivery({ messageId });
        const [opened] = (await fetched?.open()) ?? [];
        expect(opened?.authors[0]?.serialNumber).toBe(signer.serialNumber);
      } finally {
        await author.close();
        await producer.close();
        await building.close();
      }
    });

    it('intermediary `at`: an order signed by a client expired by then is refused (9700)', async () => {
      const refusals: unknown[] = [];
      const later = dayAfter(p.pki.certificates.passportAuthoritySignature.notAfter);
      const expiring = await startIntermediary(
        p.intermediaryOptions(p.tempDir('osci-trust-at-'), {
          at: later,
          onRefusal: (refusal) => refusals.push(refusal.error),
        }),
      );
      const author = p.client(expiring.url, 'author');
      try {
        await expect(author.getMessageId()).rejects.toMatchObject({
          code: 'FEEDBACK_ERROR',
          details: { feedbackCode: '9700' },
        });
        expect(refusals.at(-1)).toMatchObject({ code: 'CERTIFICATE_EXPIRED' });
      } finally {
        await author.close();
        await expiring.close();
      }
    });
  });
});
