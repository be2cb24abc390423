/**
 * Writes the golden messages of `fixtures/`: one message per type, built from the codec samples with the
 * certificates of a freshly generated test PKI, content containers signed by the passport authority and
 * encrypted for the document producer, order data signed by the sending role. The PKI material needed to
 * check them (trust anchor, the two test decryption keys) and the generation time go along, because the
 * test PKI is regenerated on every run.
 *
 *   npx tsx scripts/generate-fixtures.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { getTestPki, type TestPki } from '@egovkit/testkit';
import { serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptFromClientMime,
  encryptContentContainer,
  encryptContentContainerWithAttachments,
  encryptForIntermediary,
  encryptForIntermediaryMime,
  type OsciOrder,
  signContentContainer,
  signOrderData,
  verifyOrderSignature,
} from '../src/layers/index.js';
import type { ContentPackage, OsciMessage, OsciMessageType, StoreDelivery } from '../src/model/index.js';
import { SAMPLES } from '../test/fixtures/messages/samples.js';
import { writeNegativeCorpus } from './negative-corpus.js';

type CertificateName = keyof TestPki['certificates'];

const root = new URL('../fixtures/', import.meta.url);
const pki = await getTestPki();
const generatedAt = new Date();
const cert = (name: CertificateName) => pki.certificates[name];
const credentials = (name: CertificateName) => ({
  key: cert(name).privateKeyPem,
  certificateChain: [cert(name).chainPem],
});

// The samples carry placeholder certificates `test-certificate-<n>`; each gets the certificate of its role.
const ROLES: Readonly<Record<number, CertificateName>> = {
  1: 'passportAuthorityEncryption',
  2: 'passportAuthoritySignature',
  3: 'osciIntermediarySignature',
  4: 'passportAuthorityEncryption',
  5: 'passportAuthorityEncryption',
  6: 'documentProducerEncryption',
  7: 'documentProducerEncryption',
  8: 'osciIntermediarySignature',
  9: 'documentProducerSignature',
};

function withRealCertificates<M extends OsciMessage>(message: M): M {
  let json = JSON.stringify(message);
  for (const [n, name] of Object.entries(ROLES)) {
    const placeholder = Buffer.from(`test-certificate-${n}`).toString('base64');
    json = json.split(placeholder).join(cert(name).certificateDer.toString('base64'));
  }
  return JSON.parse(json) as M;
}

/** Who sends each order: the originator, the intermediary, or the (passive or active) recipient. */
function signerOf(type: OsciOrder['type']): CertificateName {
  if (type === 'acceptDelivery' || type === 'processDelivery') return 'osciIntermediarySignature';
  if (type === 'responseToAcceptDelivery' || type === 'responseToProcessDelivery') {
    return 'documentProducerSignature';
  }
  return type.startsWith('responseTo') ? 'osciIntermediarySignature' : 'passportAuthoritySignature';
}

async function contentPackage(label: string): Promise<ContentPackage> {
  const sealed = await signContentContainer(
    {
      id: `${label}-sealed`,
      contents: [
        { kind: 'base64', id: `${label}-pdf`, base64ContentId: `${label}-pdf-data`, data: 'JVBERi0xLjQK' },
        {
          kind: 'xml',
          xml: ['<x:Pass xmlns:x="urn:egovkit:test:pass"><x:Nummer>C01X00T47</x:Nummer></x:Pass>'],
        },
      ],
    },
    { author: credentials('passportAuthoritySignature') },
  );
  const encrypted = await encryptContentContainer(sealed, {
    recipients: [cert('documentProducerEncryption').certificatePem],
  });
  const plain = await signContentContainer(
    {
      id: `${label}-plain`,
      contents: [{ kind: 'xml', xml: ['<x:Hinweis xmlns:x="urn:egovkit:test">frei</x:Hinweis>'] }],
    },
    { author: credentials('passportAuthoritySignature') },
  );
  return { encryptedData: [encrypted], contentContainers: [plain] };
}

async function golden(message: OsciMessage): Promise<OsciMessage> {
  if (message.type === 'soapFault') return message;
  if (message.type === 'soapMessageEncrypted') {
    const inner = await golden(SAMPLES.storeDelivery);
    return encryptForIntermediary(inner as StoreDelivery, cert('osciIntermediaryEncryption').certificatePem);
  }
  const real = withRealCertificates(message) as OsciOrder & { contentPackage?: ContentPackage };
  const prepared =
    real.contentPackage === undefined
      ? real
      : ({ ...real, contentPackage: await contentPackage(message.type) } as OsciOrder);
  return signOrderData(prepared, { signer: credentials(signerOf(message.type)) });
}

rmSync(new URL('messages/', root), { recursive: true, force: true });
mkdirSync(new URL('messages/', root), { recursive: true });
mkdirSync(new URL('pki/', root), { recursive: true });
const messages: Record<string, { file: string; orderSignature: boolean; signer?: string }> = {};
for (const type of Object.keys(SAMPLES) as OsciMessageType[]) {
  const message = await golden(SAMPLES[type]);
  const xml = serializeOsciMessage(message);
  let signer: string | undefined;
  if (message.type !== 'soapFault' && message.type !== 'soapMessageEncrypted') {
    // A fixture that does not verify is a bug of the generator: fail before writing it.
    signer = (await verifyOrderSignature(xml, { trustAnchors: [pki.trustAnchorPem], at: generatedAt })).signer
      .subject;
  }
  const file = `messages/${type}.xml`;
  writeFileSync(new URL(file, root), xml);
  messages[type] = {
    file,
    orderSignature: signer !== undefined,
    ...(signer === undefined ? {} : { signer }),
  };
}
// The MIME form of the encrypted order, as OSCI libraries exchange it: the signed storeDelivery with an
// encrypted attachment, its whole MIME package encrypted for the intermediary into the part cid:osci_enc.
const photo = Buffer.from(`JPEG${'Lichtbild '.repeat(200)}`);
const sealed = await signContentContainer(
  { id: 'lichtbild', contents: [{ kind: 'attachment', id: 'lichtbild-foto', href: 'cid:foto@egovkit' }] },
  { author: credentials('passportAuthoritySignature'), attachments: new Map([['foto@egovkit', photo]]) },
);
const sealedEncrypted = await encryptContentContainerWithAttachments(sealed, {
  recipients: [cert('documentProducerEncryption').certificatePem],
  attachments: new Map([['foto@egovkit', photo]]),
});
const innerStore = withRealCertificates({
  ...SAMPLES.storeDelivery,
  contentPackage: { encryptedData: [sealedEncrypted.encryptedData] },
} as StoreDelivery);
const innerParts = sealedEncrypted.attachments.map((a) => ({ contentId: a.contentId, data: a.data }));
const signedStore = await signOrderData(innerStore, {
  signer: credentials('passportAuthoritySignature'),
  attachments: new Map(innerParts.map((a) => [a.contentId, a.data])),
});
const encryptedPackage = await encryptForIntermediaryMime(
  signedStore,
  cert('osciIntermediaryEncryption').certificatePem,
  { attachments: innerParts, boundary: 'MIME_boundary_osci_enc', soapContentId: 'soap@egovkit' },
);
const encryptedMime = encryptedPackage.toBuffer();
{
  // Fail before writing if it does not open and verify.
  const opened = await decryptFromClientMime(encryptedMime, {
    privateKey: cert('osciIntermediaryEncryption').privateKeyPem,
  });
  await verifyOrderSignature(opened.mime, { trustAnchors: [pki.trustAnchorPem], at: generatedAt });
}
writeFileSync(new URL('messages/soapMessageEncrypted.mime', root), encryptedMime);
const packages = {
  soapMessageEncrypted: {
    file: 'messages/soapMessageEncrypted.mime',
    inner: 'storeDelivery',
    attachments: innerParts.map((a) => a.contentId),
    signer: 'CN=Passbehörde Musterstadt (Test), OU=Signatur, O=egovkit test PKI, C=DE',
  },
};

const pem = (name: string, text: string) => writeFileSync(new URL(`pki/${name}`, root), text);
pem('trust-anchor.pem', pki.trustAnchorPem);
pem('intermediary-encryption.pem', cert('osciIntermediaryEncryption').certificatePem);
pem('intermediary-encryption.key.pem', cert('osciIntermediaryEncryption').privateKeyPem);
pem('producer-encryption.pem', cert('documentProducerEncryption').certificatePem);
pem('producer-encryption.key.pem', cert('documentProducerEncryption').privateKeyPem);
writeFileSync(
  new URL('manifest.json', root),
  `${JSON.stringify({ generatedAt: generatedAt.toISOString(), messages, packages }, null, 2)}\n`,
);
process.stdout.write(`wrote ${Object.keys(messages).length} golden messages to ${root.pathname}\n`);
const negative = await writeNegativeCorpus(root, pki);
process.stdout.write(`wrote ${negative.length} negative cases to ${new URL('negative/', root).pathname}\n`);
