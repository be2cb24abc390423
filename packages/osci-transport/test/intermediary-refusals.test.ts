import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Intermediary,
  type OsciError,
  type OsciRequest,
  packOrder,
  parseOsciMessage,
  postWire,
  startIntermediary,
} from '../src/index.js';
import { type Parties, parties, textContent } from './helpers/parties.js';

const getMessageId = (): OsciRequest => ({
  type: 'getMessageId',
  controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: 'c1' },
  desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
  bodyId: 'body',
});

describe('the intermediary refuses what the specification refuses', () => {
  let p: Parties;
  let intermediary: Intermediary;
  let dataDir: string;
  const refusals: string[] = [];

  beforeAll(async () => {
    p = await parties();
    dataDir = p.tempDir('osci-refusals-');
    intermediary = await startIntermediary(
      p.intermediaryOptions(dataDir, {
        maxBodyBytes: 2 * 1024 * 1024,
        onRefusal: ({ code }) => refusals.push(code),
      }),
    );
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  async function code(promise: Promise<unknown>): Promise<string> {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as OsciError | undefined;
    expect(error?.code).toBe('FEEDBACK_ERROR');
    return String(error?.details?.feedbackCode);
  }

  it('an expired sender certificate: 9700, nothing stored', async () => {
    const client = p.client(intermediary.url, 'author', {
      signer: p.credentials('expired'),
    });
    try {
      expect(await code(client.getMessageId())).toBe('9700');
    } finally {
      await client.close();
    }
  });

  it('an untrusted (self-signed) sender certificate: 9700', async () => {
    const client = p.client(intermediary.url, 'author', { signer: p.credentials('selfSigned') });
    try {
      expect(await code(client.getMessageId())).toBe('9700');
    } finally {
      await client.close();
    }
  });

  it('an expired client encryption certificate: 9501', async () => {
    const client = p.client(intermediary.url, 'author', { decryption: p.decryption('expired') });
    try {
      expect(await code(client.getMessageId())).toBe('9501');
    } finally {
      await client.close();
    }
  });

  it('an untrusted addressee encryption certificate: 9706, the delivery is not stored', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const before = readdirSync(join(dataDir, 'deliveries')).length;
      const refused = await code(
        client.storeDelivery({
          addresseeCipherCertificate: p.pki.certificates.selfSigned.certificatePem,
          content: await textContent(p, 'an niemanden'),
        }),
      );
      expect(refused).toBe('9706');
      expect(readdirSync(join(dataDir, 'deliveries')).length).toBe(before);
    } finally {
      await client.close();
    }
  });

  it('order data that is not encrypted: 9202', async () => {
    const wire = await packOrder(getMessageId(), { signer: p.credentials('passportAuthoritySignature') });
    const answer = await postWire(intermediary.url, wire);
    const fault = parseOsciMessage(answer.body.toString('utf8'));
    expect(answer.status).toBe(500);
    expect(fault.type === 'soapFault' && fault.osciCode).toBe('9202');
  });

  it('order data encrypted for someone else: 9202', async () => {
    const wire = await packOrder(getMessageId(), {
      signer: p.credentials('passportAuthoritySignature'),
      encryptFor: p.pki.certificates.documentProducerEncryption.certificatePem,
    });
    const fault = parseOsciMessage((await postWire(intermediary.url, wire)).body.toString('utf8'));
    expect(fault.type === 'soapFault' && fault.osciCode).toBe('9202');
  });

  it('a changed attachment part: 9601 (order signature)', async () => {
    const wire = await packOrder(
      { ...getMessageId() },
      {
        signer: p.credentials('passportAuthoritySignature'),
        encryptFor: p.pki.certificates.osciIntermediaryEncryption.certificatePem,
        attachments: [{ contentId: 'extra@egovkit', data: Buffer.from('original') }],
        // Attachment parts beside the encrypted envelope, so that one can be changed in transit.
        encryptionForm: 'inline',
      },
    );
    const chunks = wire.chunks.map((chunk) => {
      const text = Buffer.from(chunk).toString('latin1');
      return text === 'original' ? Buffer.from('tampered') : chunk;
    });
    const fault = parseOsciMessage(
      (await postWire(intermediary.url, { ...wire, chunks })).body.toString('utf8'),
    );
    expect(fault.type === 'soapFault' && fault.osciCode).toBe('9601');
  });

  it('a changed encrypted order part (cid:osci_enc): 9202', async () => {
    const wire = await packOrder(getMessageId(), {
      signer: p.credentials('passportAuthoritySignature'),
      encryptFor: p.pki.certificates.osciIntermediaryEncryption.certificatePem,
    });
    const body = Buffer.concat(wire.chunks);
    const marker = body.indexOf('Content-ID: <osci_enc>');
    expect(marker).toBeGreaterThan(0);
    const position = body.indexOf('\r\n\r\n', marker) + 40;
    body[position] = (body[position] as number) ^ 0xff;
    const fault = parseOsciMessage(
      (await postWire(intermediary.url, { ...wire, chunks: [body] })).body.toString('utf8'),
    );
    expect(fault.type === 'soapFault' && fault.osciCode).toBe('9202');
  });

  it('something that is not an OSCI message: 9100; an oversized body: HTTP 413', async () => {
    const junk = Buffer.from('<hello/>');
    const answer = await postWire(intermediary.url, {
      contentType: 'text/xml',
      chunks: [junk],
      length: junk.byteLength,
    });
    const fault = parseOsciMessage(answer.body.toString('utf8'));
    expect(fault.type === 'soapFault' && fault.osciCode).toBe('9100');
    const big = Buffer.alloc(3 * 1024 * 1024, 0x41);
    const tooBig = await postWire(intermediary.url, {
      contentType: 'text/xml',
      chunks: [big],
      length: big.byteLength,
    }).catch((e) => e);
    // The intermediary refuses before reading: either the 413 arrives or the connection is cut.
    if ('status' in tooBig) expect(tooBig.status).toBe(413);
    else expect(['HTTP_ERROR', 'TIMEOUT']).toContain(tooBig.code);
    expect(refusals).toContain('9100');
  });

  it('orders only an intermediary sends are refused: 9300', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const content = await textContent(p, 'x');
      const refused = await code(
        client.send(
          {
            type: 'acceptDelivery',
            controlBlock: { id: 'controlblock', challenge: 'c' },
            desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
            acceptDelivery: {
              id: 'acceptdelivery',
              processCardBundle: {
                messageId: 'AAAA',
                processCard: { recentModification: new Date().toISOString() },
                inspectionReport: [],
              },
            },
            contentPackage: content.contentPackage,
            bodyId: 'body',
          },
          { keepControlBlock: true },
        ),
      );
      expect(refused).toBe('9300');
    } finally {
      await client.close();
    }
  });

  it('answers GET with 405', async () => {
    const response = await fetch(intermediary.url);
    expect(response.status).toBe(405);
  });
});
