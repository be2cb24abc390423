import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intermediary, type ReceivedDelivery, startIntermediary } from '../src/index.js';
import { type Parties, parties, startRecipient, textContent } from './helpers/parties.js';

describe('author → intermediary → active recipient over HTTP', () => {
  let p: Parties;
  let intermediary: Intermediary;
  let recipient: Awaited<ReturnType<typeof startRecipient>>;
  const received: ReceivedDelivery[] = [];

  beforeAll(async () => {
    p = await parties();
    recipient = await startRecipient(
      p.recipientOptions({
        onAcceptDelivery: (delivery) => {
          received.push(delivery);
        },
        onProcessDelivery: (delivery) => {
          received.push(delivery);
          const text = JSON.stringify(delivery.contents[0]?.container.contents);
          if (text.includes('kaputt')) throw new Error('cannot process this');
          const scan = delivery.contents[0]?.attachments.get('scan@egovkit');
          return {
            container: {
              id: 'antwort',
              contents: [
                {
                  kind: 'xml',
                  xml: ['<x:Antwort xmlns:x="urn:egovkit:test">Pass in Produktion</x:Antwort>'],
                },
                { kind: 'attachment', href: 'cid:quittung@egovkit' },
              ],
            },
            attachments: [
              {
                contentId: 'quittung@egovkit',
                data: Buffer.from(`Quittung über ${scan?.byteLength ?? 0} Bytes`),
              },
            ],
            subject: 'Antwort',
          };
        },
      }),
    );
    intermediary = await startIntermediary(
      p.intermediaryOptions(p.tempDir('osci-active-'), {
        activeRecipients: [
          {
            url: recipient.url,
            cipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
            signatureCertificate: p.pki.certificates.documentProducerSignature.certificatePem,
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await intermediary?.close();
    await recipient?.close();
    p?.cleanup();
  });

  it('forwardDelivery reaches the recipient as acceptDelivery; the process card has all three times', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const receipt = await author.forwardDelivery({
        recipientUrl: recipient.url,
        addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
        content: await textContent(p, 'Weiterleitung 1'),
        subject: 'Weiterleitung',
      });
      const card = receipt.processCard?.processCard;
      expect(card?.creation).toBeDefined();
      expect(card?.forwarding).toBeDefined();
      expect(card?.reception).toBeDefined();
      const delivery = received.find((d) => d.messageId === receipt.messageId);
      expect(delivery?.type).toBe('acceptDelivery');
      expect(delivery?.subject).toBe('Weiterleitung');
      expect(delivery?.intermediary.subject).toContain('OSCI-Intermediär');
      expect(delivery?.contents[0]?.authors[0]?.subject).toContain('Passbehörde');
      expect(JSON.stringify(delivery?.contents[0]?.container.contents)).toContain('Weiterleitung 1');
    } finally {
      await author.close();
    }
  });

  it('mediateDelivery returns the recipient’s signed, encrypted answer with attachments', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const scan = Buffer.alloc(200_000, 7);
      const answer = await author.mediateDelivery({
        recipientUrl: recipient.url,
        content: await textContent(p, 'Bitte produzieren', [{ contentId: 'scan@egovkit', data: scan }]),
        subject: 'Produktionsauftrag',
      });
      expect(received.find((d) => d.messageId === answer.messageId)?.type).toBe('processDelivery');
      expect(answer.requestProcessCard?.processCard.reception).toBeDefined();
      expect(answer.replyProcessCard?.processCard.creation).toBeDefined();
      expect(answer.replyProcessCard?.processCard.subject).toBe('Antwort');
      // The author opens the answer with its own key: it was encrypted for the originator end to end.
      const [opened] = await answer.open();
      expect(opened?.authors[0]?.subject).toContain('Dokumentenhersteller');
      expect(JSON.stringify(opened?.container.contents)).toContain('Pass in Produktion');
      expect(Buffer.from(opened?.attachments.get('quittung@egovkit') ?? []).toString()).toBe(
        'Quittung über 200000 Bytes',
      );
    } finally {
      await author.close();
    }
  });

  it('a recipient that fails makes the mediation fail with 9808', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const error = await author
        .mediateDelivery({ recipientUrl: recipient.url, content: await textContent(p, 'kaputt') })
        .catch((e) => e);
      expect(error.code).toBe('FEEDBACK_ERROR');
      expect(error.details.feedbackCode).toBe('9808');
    } finally {
      await author.close();
    }
  });

  it('an unknown recipient is refused with 9809 and nothing is sent', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const before = received.length;
      const error = await author
        .forwardDelivery({
          recipientUrl: 'http://127.0.0.1:1/elsewhere',
          content: await textContent(p, 'wohin?'),
        })
        .catch((e) => e);
      expect(error.details.feedbackCode).toBe('9809');
      expect(received.length).toBe(before);
    } finally {
      await author.close();
    }
  });
});
