import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AcceptDelivery,
  osciCertificate,
  packOrder,
  parseOsciMessage,
  postWire,
  type ReceivedDelivery,
  type RecipientHandlerOptions,
  type SealedContent,
  sealContent,
  unpackOrder,
} from '../src/index.js';
import { type Parties, parties, startRecipient, textContent } from './helpers/parties.js';

describe('recipient handler', () => {
  let p: Parties;
  let recipient: Awaited<ReturnType<typeof startRecipient>>;
  const received: ReceivedDelivery[] = [];

  beforeAll(async () => {
    p = await parties();
    recipient = await startRecipient(
      p.recipientOptions({
        onAcceptDelivery: (delivery) => {
          received.push(delivery);
        },
      }),
    );
  });
  afterAll(async () => {
    await recipient?.close();
    p?.cleanup();
  });

  async function acceptDelivery(text: string, sealed?: SealedContent): Promise<AcceptDelivery> {
    const content = sealed ?? (await textContent(p, text));
    return {
      type: 'acceptDelivery',
      controlBlock: { id: 'controlblock', challenge: 'intermediary-challenge' },
      desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
      acceptDelivery: {
        id: 'acceptdelivery',
        processCardBundle: {
          messageId: 'bWVzc2FnZQ==',
          processCard: { recentModification: new Date().toISOString(), subject: text },
          inspectionReport: [],
        },
      },
      intermediaryCertificates: {
        id: 'intermediarycertificates',
        cipherCertificateIntermediary: osciCertificate(
          p.pki.certificates.osciIntermediaryEncryption.certificatePem,
        ),
      },
      contentPackage: content.contentPackage,
      bodyId: 'body',
    };
  }

  async function send(order: AcceptDelivery, signer: Parameters<Parties['credentials']>[0]) {
    const wire = await packOrder(order, {
      signer: p.credentials(signer),
      encryptFor: p.pki.certificates.documentProducerEncryption.certificatePem,
    });
    const answer = await postWire(recipient.url, wire);
    return {
      status: answer.status,
      message: parseOsciMessage(answer.body.toString('utf8')),
      body: answer.body,
      answer,
    };
  }

  it('answers a valid acceptDelivery with a signed response encrypted for the intermediary', async () => {
    const wire = await packOrder(await acceptDelivery('angenommen'), {
      signer: p.credentials('osciIntermediarySignature'),
      encryptFor: p.pki.certificates.documentProducerEncryption.certificatePem,
    });
    const answer = await postWire(recipient.url, wire);
    expect(answer.status).toBe(200);
    const response = await unpackOrder(answer.body, {
      trustAnchors: [p.pki.trustAnchorPem],
      decryption: p.decryption('osciIntermediaryEncryption'),
      ...(answer.contentType === undefined ? {} : { contentType: answer.contentType }),
    });
    expect(response.encrypted).toBe(true);
    expect(response.signer.subject).toContain('Dokumentenhersteller');
    expect(response.message.type).toBe('responseToAcceptDelivery');
    expect((response.message.controlBlock as { response?: string }).response).toBe('intermediary-challenge');
    const delivery = received.at(-1);
    expect(delivery?.subject).toBe('angenommen');
    expect(delivery?.contents[0]?.authors[0]?.subject).toContain('Passbehörde');
  });

  it('refuses an order not signed by the configured intermediary (9601)', async () => {
    const before = received.length;
    const { status, message } = await send(await acceptDelivery('fremd'), 'passportAuthoritySignature');
    expect(status).toBe(500);
    expect(message.type === 'soapFault' && message.osciCode).toBe('9601');
    expect(received.length).toBe(before);
  });

  it('refuses an order signed with an untrusted certificate (9700)', async () => {
    const { message } = await send(await acceptDelivery('unbekannt'), 'selfSigned');
    expect(message.type === 'soapFault' && message.osciCode).toBe('9700');
  });

  it('refuses processDelivery without a handler for it (9808) and other orders (9300)', async () => {
    const accept = await acceptDelivery('bearbeiten');
    const { acceptDelivery: _block, ...rest } = accept;
    const processOrder = {
      ...rest,
      type: 'processDelivery' as const,
      processDelivery: { id: 'processdelivery', messageIdResponse: 'YW50d29ydA==' },
    };
    const wire = await packOrder(processOrder, {
      signer: p.credentials('osciIntermediarySignature'),
      encryptFor: p.pki.certificates.documentProducerEncryption.certificatePem,
    });
    const fault = parseOsciMessage((await postWire(recipient.url, wire)).body.toString('utf8'));
    expect(fault.type === 'soapFault' && fault.osciCode).toBe('9808');
    const other = await packOrder(
      {
        type: 'getMessageId',
        controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: 'c' },
        desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
        bodyId: 'body',
      },
      {
        signer: p.credentials('osciIntermediarySignature'),
        encryptFor: p.pki.certificates.documentProducerEncryption.certificatePem,
      },
    );
    const refused = parseOsciMessage((await postWire(recipient.url, other)).body.toString('utf8'));
    expect(refused.type === 'soapFault' && refused.osciCode).toBe('9300');
  });

  describe('passes every trust setting on to the order and content checks', () => {
    const refusals: { code: string; error: unknown }[] = [];
    /** A recipient without the intermediary pin, so that only the trust settings decide. */
    async function withTrust(trust: Partial<RecipientHandlerOptions>) {
      return startRecipient({
        signer: p.credentials('documentProducerSignature'),
        decryption: p.decryption('documentProducerEncryption'),
        trustAnchors: [p.pki.trustAnchorPem],
        onAcceptDelivery: () => undefined,
        onRefusal: (refusal) => refusals.push(refusal),
        ...trust,
      });
    }
    /** Content whose author signature names the given certificate chain. */
    function contentBy(name: Parameters<Parties['credentials']>[0], chain: 'leaf' | 'chain') {
      const certificate = p.pki.certificates[name];
      return sealContent(
        { id: 'antrag', contents: [{ kind: 'xml', xml: ['<x:Antrag xmlns:x="urn:egovkit:test"/>'] }] },
        {
          author: {
            key: certificate.privateKeyPem,
            certificateChain: [chain === 'leaf' ? certificate.certificatePem : certificate.chainPem],
          },
          readers: [p.pki.certificates.documentProducerEncryption.certificatePem],
        },
      );
    }
    /** `accepted`, or the OSCI code of the fault. */
    async function outcome(
      order: AcceptDelivery,
      signer: Parameters<Parties['credentials']>[0],
      url = recipient.url,
    ): Promise<string | undefined> {
      const wire = await packOrder(order, {
        signer: p.credentials(signer),
        encryptFor: p.pki.certificates.documentProducerEncryption.certificatePem,
      });
      const answer = await postWire(url, wire);
      if (answer.status === 200) return 'accepted';
      const fault = parseOsciMessage(answer.body.toString('utf8'));
      return fault.type === 'soapFault' ? fault.osciCode : fault.type;
    }

    it('`at`: refuses an order whose signer has expired by then (9700)', async () => {
      const later = new Date(p.pki.certificates.osciIntermediarySignature.notAfter.getTime() + 86_400_000);
      const expiring = await withTrust({ at: later });
      try {
        const order = await acceptDelivery('später');
        expect(await outcome(order, 'osciIntermediarySignature')).toBe('accepted');
        expect(await outcome(order, 'osciIntermediarySignature', expiring.url)).toBe('9700');
        expect(refusals.at(-1)?.error).toMatchObject({ code: 'CERTIFICATE_EXPIRED' });
      } finally {
        await expiring.close();
      }
    });

    it('`crls`: refuses a revoked order signer (9701) and content of a revoked author (9808)', async () => {
      const revoking = await withTrust({ crls: p.pki.crls.all });
      try {
        const valid = await acceptDelivery('gültig');
        expect(await outcome(valid, 'osciIntermediarySignature', revoking.url)).toBe('accepted');
        const revokedSigner = await acceptDelivery('widerrufen');
        expect(await outcome(revokedSigner, 'revoked', revoking.url)).toBe('9701');
        const revokedAuthor = await acceptDelivery('Autor widerrufen', await contentBy('revoked', 'chain'));
        expect(await outcome(revokedAuthor, 'osciIntermediarySignature')).toBe('accepted');
        expect(await outcome(revokedAuthor, 'osciIntermediarySignature', revoking.url)).toBe('9808');
        expect(refusals.at(-1)?.error).toMatchObject({ cause: { details: { reason: 'revoked' } } });
      } finally {
        await revoking.close();
      }
    });

    it('`intermediates`: opens content whose author sent no chain', async () => {
      const building = await withTrust({ intermediates: [p.pki.certificates.subCa.certificatePem] });
      try {
        const order = await acceptDelivery(
          'ohne Kette',
          await contentBy('passportAuthoritySignature', 'leaf'),
        );
        expect(await outcome(order, 'osciIntermediarySignature')).toBe('9808');
        expect(await outcome(order, 'osciIntermediarySignature', building.url)).toBe('accepted');
      } finally {
        await building.close();
      }
    });
  });
});
