import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOsciMessage, serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptContentContainer,
  decryptContentContainerWithAttachments,
  decryptFromClient,
  decryptFromClientMime,
  verifyClientSignature,
  verifyContentContainer,
  verifyMessageContent,
  verifyOrderSignature,
} from '../src/layers/index.js';
import type { ContentPackage, OsciMessageType } from '../src/model/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';

// Golden messages of scripts/generate-fixtures.ts, checked against the PKI material stored with them.
const root = new URL('../fixtures/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const manifest = JSON.parse(read('manifest.json')) as {
  generatedAt: string;
  messages: Record<string, { file: string; orderSignature: boolean; signer?: string }>;
  packages: Record<string, { file: string; inner: string; attachments: string[]; signer: string }>;
};
const at = new Date(manifest.generatedAt);
const trust = { trustAnchors: [read('pki/trust-anchor.pem')], at };
const producerKey = read('pki/producer-encryption.key.pem');

async function checkContent(pkg: ContentPackage | undefined, xml: string): Promise<void> {
  if (pkg === undefined) return;
  await verifyMessageContent(xml, trust);
  for (const encrypted of pkg.encryptedData ?? []) {
    const container = await decryptContentContainer(encrypted, { privateKey: producerKey });
    const verified = await verifyContentContainer(container, trust);
    expect(verified.authors).toHaveLength(1);
  }
}

describe('golden messages (fixtures/)', () => {
  it('has one message per type', () => {
    expect(Object.keys(manifest.messages).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const [type, entry] of Object.entries(manifest.messages)) {
    it(`${type}: parses, serialises byte for byte, and verifies`, async () => {
      const xml = read(entry.file);
      const message = parseOsciMessage(xml);
      expect(message.type).toBe(type as OsciMessageType);
      expect(serializeOsciMessage(message)).toBe(xml);
      if (entry.orderSignature) {
        const verified = await verifyOrderSignature(xml, trust);
        expect(verified.signer.subject).toBe(entry.signer);
        await checkContent((message as { contentPackage?: ContentPackage }).contentPackage, xml);
      }
      if (message.type === 'soapMessageEncrypted') {
        const inner = await decryptFromClient(xml, {
          privateKey: read('pki/intermediary-encryption.key.pem'),
        });
        await verifyClientSignature(inner.xml, trust);
        await checkContent((inner.message as { contentPackage?: ContentPackage }).contentPackage, inner.xml);
      }
    });
  }

  it('soapMessageEncrypted.mime: the MIME form (cid:osci_enc) opens, verifies, and decrypts end to end', async () => {
    const entry = manifest.packages.soapMessageEncrypted;
    if (entry === undefined) throw new Error('no MIME form in the manifest');
    const data = readFileSync(new URL(entry.file, root));
    const soap = data.toString('latin1', 0, data.indexOf('Content-ID: <osci_enc>'));
    expect(soap).toContain('MimeType="Multipart/Related"');
    expect(soap).toContain('<xenc:CipherReference URI="cid:osci_enc">');
    expect(soap).toContain('Value="12"');
    const opened = await decryptFromClientMime(data, {
      privateKey: read('pki/intermediary-encryption.key.pem'),
    });
    expect(opened.message.type).toBe(entry.inner);
    expect(opened.parts.attachments.map((part) => part.contentId)).toEqual(entry.attachments);
    const verified = await verifyOrderSignature(opened.mime, trust);
    expect(verified.signer.subject).toBe(entry.signer);
    const encrypted = (opened.message as { contentPackage?: ContentPackage }).contentPackage
      ?.encryptedData?.[0] as string;
    const content = await decryptContentContainerWithAttachments(encrypted, {
      privateKey: producerKey,
      attachments: opened.parts,
    });
    const authors = await verifyContentContainer(content.container, {
      ...trust,
      attachments: content.attachments,
    });
    expect(authors.authors).toHaveLength(1);
    expect(content.attachments.get('foto@egovkit')?.toString('latin1', 0, 4)).toBe('JPEG');
  });

  it('refuses a golden message after one changed byte in a signed header', async () => {
    const xml = read(manifest.messages.storeDelivery?.file as string);
    const changed = xml.replace('SequenceNumber="1"', 'SequenceNumber="2"');
    expect(changed).not.toBe(xml);
    await expect(verifyOrderSignature(changed, trust)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });
});
