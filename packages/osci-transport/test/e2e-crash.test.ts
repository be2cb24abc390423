import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Parties, parties, textContent } from './helpers/parties.js';

const script = join(import.meta.dirname, 'helpers', 'intermediary-process.ts');

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
}

function startChild(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, OSCI_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`intermediary did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ process: child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`intermediary exited with ${code}: ${output}`));
    });
  });
}

function kill(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

describe('an intermediary killed between store and fetch', () => {
  let p: Parties;
  const children: Child[] = [];

  beforeAll(async () => {
    p = await parties();
  });
  afterAll(async () => {
    for (const child of children) await kill(child);
    p?.cleanup();
  });

  it('keeps every acknowledged delivery and never shows a half one', { timeout: 120_000 }, async () => {
    const dataDir = p.tempDir('osci-crash-');
    const first = await startChild(dataDir);
    children.push(first);
    const addressee = p.pki.certificates.documentProducerEncryption.certificatePem;
    const author = p.client(first.url, 'author', { retries: { attempts: 0 } });
    const acknowledged: string[] = [];
    for (const n of [1, 2, 3]) {
      const receipt = await author.storeDelivery({
        addresseeCipherCertificate: addressee,
        content: await textContent(p, `vor dem Absturz ${n}`, [
          { contentId: `anlage-${n}@egovkit`, data: Buffer.alloc(50_000, n) },
        ]),
        subject: `Nr. ${n}`,
      });
      acknowledged.push(receipt.messageId);
    }
    // A large delivery is on its way when the process dies.
    const big = await textContent(p, 'unterwegs', [
      { contentId: 'gross@egovkit', data: Buffer.alloc(30 * 1024 * 1024, 9) },
    ]);
    const inFlight = author
      .storeDelivery({ addresseeCipherCertificate: addressee, content: big, subject: 'unterwegs' })
      .then(
        (receipt) => receipt.messageId,
        () => undefined,
      );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await kill(first);
    const lateId = await inFlight;
    await author.close();
    // Leftovers of an interrupted write, as a crash in the middle of one leaves them.
    const box = readdirSync(join(dataDir, 'deliveries'))[0] as string;
    writeFileSync(
      join(dataDir, 'deliveries', box, '.half-written.osci.abc123.tmp'),
      'OSCI-DELIVERY/1 99999\n{"mess',
    );

    const second = await startChild(dataDir);
    children.push(second);
    expect(readdirSync(join(dataDir, 'deliveries', box)).some((name) => name.endsWith('.tmp'))).toBe(false);
    const producer = p.client(second.url, 'producer');
    try {
      const dialog = await producer.openDialog();
      const fetched = new Map<string, string>();
      for (;;) {
        const delivery = await dialog.fetchDelivery();
        if (delivery === undefined) break;
        const [opened] = await delivery.open();
        fetched.set(delivery.messageId, JSON.stringify(opened?.container.contents));
      }
      await dialog.close();
      for (const [index, id] of acknowledged.entries()) {
        expect(fetched.get(id)).toContain(`vor dem Absturz ${index + 1}`);
      }
      // The delivery in flight is either complete (if it was acknowledged or its write finished) or absent.
      const extra = [...fetched.keys()].filter((id) => !acknowledged.includes(id));
      expect(extra.length).toBeLessThanOrEqual(1);
      if (lateId !== undefined) expect(extra).toEqual([lateId]);
      for (const id of extra) expect(fetched.get(id)).toContain('unterwegs');
      // Process cards survived, too.
      const cards = await producer.fetchProcessCard({ messageIds: acknowledged as [string, ...string[]] });
      expect(cards.map((c) => c.messageId).sort()).toEqual([...acknowledged].sort());
      expect(cards.every((c) => c.processCard.reception !== undefined)).toBe(true);
    } finally {
      await producer.close();
    }
  });
});
