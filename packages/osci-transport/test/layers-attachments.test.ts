import { randomBytes } from 'node:crypto';
import type { TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptContentContainer,
  decryptContentContainerWithAttachments,
  encryptContentContainer,
  encryptContentContainerWithAttachments,
  signContentContainer,
  signOrderData,
  verifyContentContainer,
  verifyMessageContent,
  verifyOrderSignature,
} from '../src/layers/index.js';
import { buildMultipartRelated, parseMultipartRelated } from '../src/mime/index.js';
import type { ContentContainer, StoreDelivery } from '../src/model/index.js';
import { codeOf, pki as loadPki, pkiHelpers, storeDeliveryWith } from './helpers/security-fixtures.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
});

const { cert, b64, credentials, trust } = pkiHelpers(() => pki);

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(4096)]);
const PHOTO = randomBytes(2048);

const antrag = (): ContentContainer => ({
  id: 'antrag',
  contents: [
    {
      kind: 'xml',
      id: 'antrag-xml',
      xml: ['<x:Pass xmlns:x="urn:test:pass"><x:Nummer>1</x:Nummer></x:Pass>'],
    },
    { kind: 'attachment', id: 'antrag-pdf', href: 'cid:antrag.pdf@egovkit' },
    {
      kind: 'container',
      id: 'antrag-inner',
      container: { id: 'antrag-inner-cc', contents: [{ kind: 'attachment', href: 'cid:foto@egovkit' }] },
    },
  ],
});
const plainBytes = () =>
  new Map<string, Uint8Array>([
    ['antrag.pdf@egovkit', PDF],
    ['foto@egovkit', PHOTO],
  ]);

const storeDelivery = (contentPackage: StoreDelivery['contentPackage']) =>
  storeDeliveryWith(b64, contentPackage, 'cryptographic');

/** The whole sender side: author signature, end-to-end encryption, order signature, MIME package. */
async function send(): Promise<{ mime: Buffer; parts: Map<string, Uint8Array> }> {
  const signed = await signContentContainer(antrag(), {
    author: credentials('passportAuthoritySignature'),
    attachments: plainBytes(),
  });
  const { encryptedData, attachments } = await encryptContentContainerWithAttachments(signed, {
    recipients: [cert('documentProducerEncryption').certificatePem],
    attachments: plainBytes(),
  });
  const parts = new Map<string, Uint8Array>(attachments.map((a) => [a.contentId, a.data]));
  const message = await signOrderData(storeDelivery({ encryptedData: [encryptedData] }), {
    signer: credentials('passportAuthoritySignature'),
    attachments: parts,
  });
  const mime = buildMultipartRelated({
    soapXml: serializeOsciMessage(message),
    attachments: [...parts].map(([contentId, data]) => ({ contentId, data })),
  }).toBuffer();
  return { mime, parts };
}

async function receive(mime: Buffer) {
  const order = await verifyOrderSignature(mime, trust());
  const encrypted = (order.message as StoreDelivery).contentPackage?.encryptedData?.[0] as string;
  const opened = await decryptContentContainerWithAttachments(encrypted, {
    privateKey: cert('documentProducerEncryption').privateKeyPem,
    attachments: parseMultipartRelated(mime),
  });
  const verified = await verifyContentContainer(opened.container, {
    ...trust(),
    attachments: opened.attachments,
  });
  return { order, opened, verified };
}

/** Replaces the bytes of one part in a MIME package (same length, so the framing stays valid). */
function tamper(mime: Buffer, part: Uint8Array): Buffer {
  const copy = Buffer.from(mime);
  const at = copy.indexOf(Buffer.from(part));
  expect(at).toBeGreaterThan(0);
  copy[at + 100] = (copy[at + 100] as number) ^ 0x01;
  return copy;
}

describe('attachments in both security layers', () => {
  it('signs, encrypts, sends and opens a message with encrypted attachments', async () => {
    const { mime, parts } = await send();
    expect(mime.includes(PDF.subarray(0, 64))).toBe(false);
    expect([...parts.keys()].sort()).toEqual(['antrag.pdf@egovkit', 'foto@egovkit']);
    const { order, opened, verified } = await receive(mime);
    expect([...order.signature.signedAttachments].sort()).toEqual([
      'cid:antrag.pdf@egovkit',
      'cid:foto@egovkit',
    ]);
    expect(opened.attachments.get('antrag.pdf@egovkit')?.equals(PDF)).toBe(true);
    expect(opened.attachments.get('foto@egovkit')?.equals(PHOTO)).toBe(true);
    expect(opened.container.encryptedData).toBeUndefined();
    expect([...(verified.signatures[0]?.signedAttachments ?? [])].sort()).toEqual([
      'cid:antrag.pdf@egovkit',
      'cid:foto@egovkit',
    ]);
  });

  it('refuses a changed, missing or unsigned extra attachment part', async () => {
    const { mime, parts } = await send();
    const changed = tamper(mime, parts.get('foto@egovkit') as Uint8Array);
    expect(await codeOf(() => verifyOrderSignature(changed, trust()))).toBe('SIGNATURE_INVALID');
    const message = parseMultipartRelated(mime).soapPart.body.toString('utf8');
    const only = (ids: string[], extra: Array<[string, Uint8Array]> = []) =>
      buildMultipartRelated({
        soapXml: message,
        attachments: [...ids.map((id) => [id, parts.get(id) as Uint8Array] as const), ...extra].map(
          ([contentId, data]) => ({ contentId, data }),
        ),
      }).toBuffer();
    expect(await codeOf(() => verifyOrderSignature(only(['antrag.pdf@egovkit']), trust()))).toBe(
      'MIME_PART_MISSING',
    );
    const extra = only(['antrag.pdf@egovkit', 'foto@egovkit'], [['smuggled@x', Buffer.from('x')]]);
    expect(await codeOf(() => verifyOrderSignature(extra, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
  });

  it('refuses a changed or missing encrypted attachment when decrypting', async () => {
    const { mime, parts } = await send();
    const order = await verifyOrderSignature(mime, trust());
    const encrypted = (order.message as StoreDelivery).contentPackage?.encryptedData?.[0] as string;
    const key = cert('documentProducerEncryption').privateKeyPem;
    const changed = new Map(parts);
    const foto = Buffer.from(parts.get('foto@egovkit') as Uint8Array);
    foto[40] = (foto[40] as number) ^ 0x80;
    changed.set('foto@egovkit', foto);
    expect(
      await codeOf(() =>
        decryptContentContainerWithAttachments(encrypted, { privateKey: key, attachments: changed }),
      ),
    ).toBe('DECRYPTION_FAILED');
    const missing = new Map(parts);
    missing.delete('foto@egovkit');
    expect(
      await codeOf(() =>
        decryptContentContainerWithAttachments(encrypted, { privateKey: key, attachments: missing }),
      ),
    ).toBe('MIME_PART_MISSING');
    expect(await codeOf(() => decryptContentContainer(encrypted, { privateKey: key }))).toBe(
      'ENCRYPTION_INVALID',
    );
  });

  it('signs plain attachments by cid: with the digest over their bytes and checks them on receipt', async () => {
    const signed = await signContentContainer(antrag(), {
      author: credentials('passportAuthoritySignature'),
      attachments: plainBytes(),
    });
    const message = await signOrderData(storeDelivery({ contentContainers: [signed] }), {
      signer: credentials('passportAuthoritySignature'),
      attachments: plainBytes(),
    });
    const mime = buildMultipartRelated({
      soapXml: serializeOsciMessage(message),
      attachments: [...plainBytes()].map(([contentId, data]) => ({ contentId, data })),
    }).toBuffer();
    await verifyOrderSignature(mime, trust());
    const [result] = await verifyMessageContent(mime, trust());
    expect(result?.signatures[0]?.signedAttachments).toHaveLength(2);
    const changed = tamper(mime, PDF);
    expect(await codeOf(() => verifyMessageContent(changed, trust()))).toBe('SIGNATURE_INVALID');
    expect(await codeOf(() => verifyContentContainer(signed, { ...trust(), attachments: new Map() }))).toBe(
      'MIME_PART_MISSING',
    );
    const swapped = new Map(plainBytes());
    swapped.set('foto@egovkit', PDF);
    expect(await codeOf(() => verifyContentContainer(signed, { ...trust(), attachments: swapped }))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('refuses to encrypt attachments in the clear and signatures that transform an attachment', async () => {
    expect(
      await codeOf(() =>
        encryptContentContainer(antrag(), {
          recipients: [cert('documentProducerEncryption').certificatePem],
        }),
      ),
    ).toBe('ENCRYPTION_INVALID');
    const signed = await signContentContainer(antrag(), {
      author: credentials('passportAuthoritySignature'),
      attachments: plainBytes(),
    });
    const xml = JSON.stringify(signed).replace(
      '<ds:Reference URI=\\"cid:foto@egovkit\\">',
      '<ds:Reference URI=\\"cid:foto@egovkit\\"><ds:Transforms><ds:Transform Algorithm=\\"http://www.w3.org/2001/10/xml-exc-c14n#\\"/></ds:Transforms>',
    );
    expect(xml).not.toBe(JSON.stringify(signed));
    expect(
      await codeOf(() =>
        verifyContentContainer(JSON.parse(xml) as ContentContainer, {
          ...trust(),
          attachments: plainBytes(),
        }),
      ),
    ).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
  });
});
