import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decryptContentContainerWithAttachments,
  decryptFromClientMime,
  type OsciError,
  parseMultipartRelated,
  parseOsciMessage,
  type StoreDelivery,
  verifyContentContainer,
  verifyMessageContent,
  verifyOrderSignature,
} from '../src/index.js';

const root = new URL('../fixtures/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root));
const manifest = JSON.parse(read('negative/manifest.json').toString('utf8')) as Record<
  string,
  {
    code: string;
    check: 'parse' | 'order' | 'content' | 'decrypt' | 'decrypt-order';
    defect: string;
    options?: { maxPartBytes?: number };
  }
>;
const golden = JSON.parse(read('manifest.json').toString('utf8')) as { generatedAt: string };
const trust = {
  trustAnchors: [read('pki/trust-anchor.pem').toString('utf8')],
  at: new Date(golden.generatedAt),
};
const producerKey = read('pki/producer-encryption.key.pem').toString('utf8');
const intermediaryKey = read('pki/intermediary-encryption.key.pem').toString('utf8');

/** The receiving side, through the public API only. */
async function check(file: string, entry: (typeof manifest)[string]): Promise<void> {
  const data = read(`negative/${file}`);
  switch (entry.check) {
    case 'parse':
      parseOsciMessage(data.toString('utf8'));
      return;
    case 'order':
      await verifyOrderSignature(data, { ...trust, ...entry.options });
      return;
    case 'content':
      await verifyMessageContent(data, trust);
      return;
    case 'decrypt': {
      const mime = parseMultipartRelated(data);
      const message = parseOsciMessage(mime.soapPart.body.toString('utf8')) as StoreDelivery;
      for (const encrypted of message.contentPackage?.encryptedData ?? []) {
        const opened = await decryptContentContainerWithAttachments(encrypted, {
          privateKey: producerKey,
          attachments: mime,
        });
        await verifyContentContainer(opened.container, { ...trust, attachments: opened.attachments });
      }
      return;
    }
    case 'decrypt-order': {
      const opened = await decryptFromClientMime(data, { privateKey: intermediaryKey });
      await verifyOrderSignature(opened.mime, trust);
    }
  }
}

describe('negative corpus (fixtures/negative)', () => {
  it('covers the defects of issue #6', () => {
    const files = Object.keys(manifest);
    for (const needed of [
      'wrapping-',
      'tampered-content',
      'tampered-attachment',
      'missing-attachment',
      'wrong-',
      'untrusted',
      'expired',
      'sha1',
      'rsa15',
      'xxe',
      'entity-expansion',
      'boundary',
      'oversize',
      'encrypted-order-missing-part',
      'encrypted-order-tampered',
    ]) {
      expect(
        files.some((file) => file.startsWith(needed) || file.includes(needed)),
        needed,
      ).toBe(true);
    }
  });

  it('accepts the unmodified control message with every check', async () => {
    for (const kind of ['order', 'content', 'decrypt'] as const) {
      await expect(
        check('control-valid.mime', { code: '', check: kind, defect: 'none' }),
      ).resolves.toBeUndefined();
    }
    await expect(
      check('control-encrypted-order.mime', { code: '', check: 'decrypt-order', defect: 'none' }),
    ).resolves.toBeUndefined();
  });

  for (const [file, entry] of Object.entries(manifest)) {
    it(`${file}: ${entry.defect} → ${entry.code}`, async () => {
      let code: string | undefined;
      try {
        await check(file, entry);
      } catch (error) {
        code = (error as OsciError).code;
      }
      expect(code).toBe(entry.code);
    });
  }
});
