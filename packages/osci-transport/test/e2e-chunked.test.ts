import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChunkStore,
  type Intermediary,
  type OsciError,
  osciCertificate,
  type PartialStoreDelivery,
  startIntermediary,
} from '../src/index.js';
import { type Parties, parties, textContent } from './helpers/parties.js';

describe('chunked transfer (partialStoreDelivery / partialFetchDelivery)', () => {
  let p: Parties;
  let intermediary: Intermediary;
  let dataDir: string;

  beforeAll(async () => {
    p = await parties();
    dataDir = p.tempDir('osci-chunked-');
    intermediary = await startIntermediary(
      p.intermediaryOptions(dataDir, { chunkLimits: { maxChunkSize: 128 * 1024, minChunkSize: 1024 } }),
    );
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  it('stores a delivery in chunks and fetches it in chunks of another size', async () => {
    const author = p.client(intermediary.url, 'author');
    const producer = p.client(intermediary.url, 'producer');
    try {
      const scan = Buffer.alloc(300_000);
      for (let i = 0; i < scan.length; i++) scan[i] = (i * 31) % 251;
      const receipt = await author.storeDelivery({
        addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
        content: await textContent(p, 'in Stücken', [{ contentId: 'scan@egovkit', data: scan }]),
        subject: 'gestückelt',
        chunkSize: 64 * 1024,
      });
      expect(receipt.feedback[0]?.code).toMatch(/^080[01]$/);
      expect(receipt.processCard?.processCard.creation).toBeDefined();
      // The staging area is cleaned up once the message is complete.
      const staging = join(dataDir, 'chunks');
      expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);

      const fetched = await producer.fetchDelivery({ messageId: receipt.messageId, chunkSize: 50_000 });
      expect(fetched?.subject).toBe('gestückelt');
      const [opened] = (await fetched?.open()) ?? [];
      expect(Buffer.from(opened?.attachments.get('scan@egovkit') ?? []).equals(scan)).toBe(true);
      const [card] = await producer.fetchProcessCard({ messageIds: [receipt.messageId] });
      expect(card?.processCard.reception).toBeDefined();
      expect(await producer.fetchDelivery({ chunkSize: 50_000 })).toBeUndefined();
    } finally {
      await author.close();
      await producer.close();
    }
  });

  it('refuses wrong chunk numbers (9901), doubles (9900) and oversized chunks (9902)', async () => {
    const author = p.client(intermediary.url, 'author');
    try {
      const messageId = await author.getMessageId();
      const chunk = (chunkNumber: number, chunkSize: number, total: number, size: number, data: Buffer) => {
        const request: PartialStoreDelivery = {
          type: 'partialStoreDelivery',
          controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: `c${Math.random()}` },
          desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
          partialStoreDelivery: {
            id: 'partialstoredelivery',
            messageId,
            chunk: {
              chunkInformation: { chunkNumber, chunkSize, totalChunkNumbers: total, totalMessageSize: size },
            },
          },
          nonIntermediaryCertificates: {
            id: 'nonintermediarycertificates',
            cipherCertificateOriginator: osciCertificate(
              p.pki.certificates.passportAuthorityEncryption.certificatePem,
            ),
            cipherCertificateAddressee: osciCertificate(
              p.pki.certificates.documentProducerEncryption.certificatePem,
            ),
          },
          featureDescription: {
            id: 'featuredescription',
            supportedFeatures: [{ key: 'PartialMessageTransmission', version: '1.0' }],
          },
          contentPackage: {
            contentContainers: [{ id: 'chunk', contents: [{ kind: 'attachment', href: 'cid:chunk@x' }] }],
          },
          bodyId: 'body',
        };
        return author
          .send(request, { attachments: [{ contentId: 'chunk@x', data }], keepControlBlock: true })
          .then(
            () => 'accepted',
            (error: OsciError) => String(error.details?.feedbackCode),
          );
      };
      const data = Buffer.alloc(2048, 1);
      expect(await chunk(3, 2048, 2, 4096, data)).toBe('9901');
      expect(await chunk(1, 2048, 2, 4096, data)).toBe('accepted');
      expect(await chunk(1, 2048, 2, 4096, data)).toBe('9900');
      expect(await chunk(2, 1024, 4, 4096, Buffer.alloc(1024))).toBe('9905');
      expect(await chunk(2, 2048, 2, 4096, Buffer.alloc(100))).toBe('9905');
      expect(await chunk(1, 200_000, 1, 200_000, Buffer.alloc(200_000))).toBe('9902');
    } finally {
      await author.close();
    }
  });

  it('keeps received chunks across a restart of the store', async () => {
    const directory = join(p.tempDir('osci-chunkstore-'), 'chunks');
    const limits = {
      maxChunkSize: 4096,
      minChunkSize: 16,
      maxMessageSize: 1 << 20,
      chunkMessageTimeOut: 3600,
    };
    const info = (chunkNumber: number) => ({
      chunkNumber,
      chunkSize: 100,
      totalChunkNumbers: 3,
      totalMessageSize: 250,
    });
    const message = Buffer.alloc(250);
    for (let i = 0; i < message.length; i++) message[i] = i % 256;
    const first = new ChunkStore(directory, limits);
    expect((await first.add('bWVzc2FnZQ==', 'client', info(2), message.subarray(100, 200))).received).toEqual(
      [2],
    );
    expect(
      (await first.add('bWVzc2FnZQ==', 'client', info(1), message.subarray(0, 100))).complete,
    ).toBeUndefined();
    // A new process: the store only knows what is on disk.
    const second = new ChunkStore(directory, limits);
    expect(await second.info('bWVzc2FnZQ==')).toEqual({ received: [1, 2], total: 3 });
    const other = await second
      .add('bWVzc2FnZQ==', 'someone else', info(3), message.subarray(200))
      .catch((e) => e);
    expect(other.details.feedbackCode).toBe('9905');
    const done = await second.add('bWVzc2FnZQ==', 'client', info(3), message.subarray(200));
    expect(done.complete?.equals(message)).toBe(true);
  });
});
