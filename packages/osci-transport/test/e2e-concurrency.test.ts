import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intermediary, startIntermediary } from '../src/index.js';
import { type Parties, parties, textContent } from './helpers/parties.js';

describe('200 concurrent deliveries', () => {
  let p: Parties;
  let intermediary: Intermediary;
  let dataDir: string;

  beforeAll(async () => {
    p = await parties();
    dataDir = p.tempDir('osci-concurrent-');
    intermediary = await startIntermediary(p.intermediaryOptions(dataDir));
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  it('all complete, none lost or duplicated', { timeout: 400_000 }, async () => {
    const count = 200;
    const author = p.client(intermediary.url, 'author');
    const producer = p.client(intermediary.url, 'producer');
    try {
      const addressee = p.pki.certificates.documentProducerEncryption.certificatePem;
      const contents = await Promise.all(
        Array.from({ length: count }, (_, n) => textContent(p, `Meldung ${n}`)),
      );
      const receipts = await Promise.all(
        contents.map((content, n) =>
          author.storeDelivery({ addresseeCipherCertificate: addressee, content, subject: `Meldung ${n}` }),
        ),
      );
      const ids = receipts.map((r) => r.messageId);
      expect(new Set(ids).size).toBe(count);
      const box = readdirSync(join(dataDir, 'deliveries'));
      expect(box.length).toBe(1);
      expect(readdirSync(join(dataDir, 'deliveries', box[0] as string)).length).toBe(count);

      const dialog = await producer.openDialog();
      const subjects: string[] = [];
      const fetchedIds: string[] = [];
      for (;;) {
        const delivery = await dialog.fetchDelivery();
        if (delivery === undefined) break;
        fetchedIds.push(delivery.messageId);
        subjects.push(delivery.subject ?? '');
        if (fetchedIds.length % 40 === 0) {
          const [opened] = await delivery.open();
          expect(JSON.stringify(opened?.container.contents)).toContain(`${delivery.subject}<`);
        }
        expect(fetchedIds.length).toBeLessThanOrEqual(count);
      }
      await dialog.close();
      expect(fetchedIds.length).toBe(count);
      expect(new Set(fetchedIds)).toEqual(new Set(ids));
      expect(new Set(subjects)).toEqual(new Set(Array.from({ length: count }, (_, n) => `Meldung ${n}`)));
    } finally {
      await author.close();
      await producer.close();
    }
  });
});
