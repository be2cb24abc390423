/**
 * The negative corpus of `fixtures/negative/`: one file per defect, each derived from a valid message made
 * with the test PKI, and `manifest.json` naming the check (public API) and the error code it must give.
 * Written by generate-fixtures.ts.
 */
import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { TestPki } from '@egovkit/testkit';
import { serializeOsciMessage } from '../src/codec/index.js';
import {
  encryptContentContainer,
  encryptContentContainerWithAttachments,
  encryptForIntermediaryMime,
  signContentContainer,
  signOrderData,
} from '../src/layers/index.js';
import { buildMultipartRelated } from '../src/mime/index.js';
import type { ContentContainer, StoreDelivery } from '../src/model/index.js';
import { DS_NAMESPACE } from '../src/security/xmldsig.js';
import { type Element, findElement, parseXmlStrict, serializeXml } from '../src/xml/parse.js';
import { resign } from '../test/helpers/security-fixtures.js';

export type NegativeCheck = 'parse' | 'order' | 'content' | 'decrypt' | 'decrypt-order';

export interface NegativeCase {
  readonly file: string;
  readonly code: string;
  readonly check: NegativeCheck;
  readonly defect: string;
  readonly options?: { readonly maxPartBytes?: number };
}

type Name = keyof TestPki['certificates'];

export async function writeNegativeCorpus(root: URL, pki: TestPki): Promise<NegativeCase[]> {
  const cert = (name: Name) => pki.certificates[name];
  const credentials = (name: Name) => ({
    key: cert(name).privateKeyPem,
    certificateChain: [cert(name).chainPem],
  });
  const b64 = (name: Name) => cert(name).certificateDer.toString('base64');
  const attachment = Buffer.from(`%PDF-1.4\n${'Passantrag '.repeat(400)}`);
  const photo = Buffer.from('JPEG'.repeat(300));
  const plainParts = new Map<string, Uint8Array>([['antrag.pdf@egovkit', attachment]]);
  const container = (id: string, withAttachment: boolean): ContentContainer => ({
    id,
    contents: [
      {
        kind: 'xml',
        id: `${id}-xml`,
        xml: [`<x:Pass xmlns:x="urn:egovkit:test"><x:Nr>${id}</x:Nr></x:Pass>`],
      },
      ...(withAttachment
        ? [{ kind: 'attachment' as const, id: `${id}-pdf`, href: 'cid:antrag.pdf@egovkit' }]
        : []),
    ],
  });
  const message = (contentPackage: StoreDelivery['contentPackage']): StoreDelivery => ({
    type: 'storeDelivery',
    controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: 'c1' },
    desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
    qualityOfTimestamp: {
      creation: { id: 'qot-creation', quality: 'plain' },
      reception: { id: 'qot-reception', quality: 'plain' },
    },
    storeDelivery: { id: 'storedelivery', messageId: 'bmVnYXRpdmU=', subject: 'Negativkorpus' },
    nonIntermediaryCertificates: {
      id: 'nonintermediarycertificates',
      cipherCertificateAddressee: { certificateBase64: b64('documentProducerEncryption') },
    },
    contentPackage,
    bodyId: 'body',
  });
  const author = credentials('passportAuthoritySignature');
  const a = await signContentContainer(container('a', true), { author, attachments: plainParts });
  const b = await signContentContainer(container('b', false), { author });
  const sealed = await signContentContainer(
    { id: 'sealed', contents: [{ kind: 'attachment', id: 'sealed-foto', href: 'cid:foto@egovkit' }] },
    { author, attachments: new Map([['foto@egovkit', photo]]) },
  );
  const encrypted = await encryptContentContainerWithAttachments(sealed, {
    recipients: [cert('documentProducerEncryption').certificatePem],
    attachments: new Map([['foto@egovkit', photo]]),
  });
  const parts = new Map<string, Uint8Array>([
    ...plainParts,
    ...encrypted.attachments.map((x) => [x.contentId, x.data] as const),
  ]);
  const base = message({ encryptedData: [encrypted.encryptedData], contentContainers: [a, b] });
  const mime = (xml: string, attachments: ReadonlyMap<string, Uint8Array> = parts) =>
    buildMultipartRelated({
      soapXml: xml,
      boundary: 'MIME_boundary_negative',
      soapContentId: 'soap@egovkit',
      attachments: [...attachments].map(([contentId, data]) => ({ contentId, data })),
    }).toBuffer();
  const signed = async (signer: Name, m: StoreDelivery = base) =>
    serializeOsciMessage(await signOrderData(m, { signer: credentials(signer), attachments: parts }));
  const valid = await signed('passportAuthoritySignature');
  const resigned = (xml: string, options: Parameters<typeof resign>[1]) => {
    const document = parseXmlStrict(xml);
    const block = findElement(document, 'http://www.osci.de/2002/04/osci', 'ClientSignature');
    resign(findElement(block as Element, DS_NAMESPACE, 'Signature') as Element, options);
    return serializeXml(document);
  };

  const cases: Array<NegativeCase & { data: string | Buffer }> = [];
  const add = (
    file: string,
    check: NegativeCheck,
    code: string,
    defect: string,
    data: string | Buffer,
    options?: NegativeCase['options'],
  ) => cases.push({ file, check, code, defect, data, ...(options === undefined ? {} : { options }) });

  // --- signature wrapping (author signatures checked over the whole message) ---
  const cA = /<osci:ContentContainer Id="a".*?<\/osci:ContentContainer>/s.exec(valid)?.[0] as string;
  const contentA = /<osci:Content Id="a-xml">.*?<\/osci:Content>/s.exec(valid)?.[0] as string;
  add(
    'wrapping-duplicated-container.mime',
    'content',
    'SIGNATURE_REFERENCE_INVALID',
    'container a appears twice',
    mime(valid.replace(cA, cA + cA)),
  );
  add(
    'wrapping-moved-content.mime',
    'content',
    'SIGNATURE_REFERENCE_INVALID',
    'Content a-xml moved into container b',
    mime(
      valid
        .replace(contentA, '')
        .replace('<osci:Content Id="b-xml">', `${contentA}<osci:Content Id="b-xml">`),
    ),
  );
  add(
    'wrapping-duplicate-id.mime',
    'content',
    'SIGNATURE_REFERENCE_INVALID',
    'a second element with Id a-xml in container b',
    mime(
      valid.replace(
        '<osci:Content Id="b-xml">',
        '<osci:Content Id="a-xml"><x:Evil xmlns:x="urn:evil"/></osci:Content><osci:Content Id="b-xml">',
      ),
    ),
  );
  add(
    'wrapping-extra-reference.mime',
    'content',
    'SIGNATURE_REFERENCE_INVALID',
    'author signature of a gets a reference to #b-xml',
    mime(
      valid.replace(
        '<ds:Reference URI="#a-xml">',
        '<ds:Reference URI="#b-xml"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference><ds:Reference URI="#a-xml">',
      ),
    ),
  );
  // --- tampering ---
  add(
    'tampered-content.mime',
    'content',
    'SIGNATURE_INVALID',
    'text of a signed Content changed',
    mime(valid.replace('<x:Nr>a</x:Nr>', '<x:Nr>z</x:Nr>')),
  );
  add(
    'tampered-order.mime',
    'order',
    'SIGNATURE_INVALID',
    'subject changed after the order signature',
    mime(valid.replace('Negativkorpus', 'Negativkorpuz')),
  );
  const changed = Buffer.from(attachment);
  changed[200] = 0x41;
  add(
    'tampered-attachment.mime',
    'content',
    'SIGNATURE_INVALID',
    'one byte of the plain attachment changed',
    mime(valid, new Map([...parts, ['antrag.pdf@egovkit', changed]])),
  );
  const changedCipher = Buffer.from(parts.get('foto@egovkit') as Uint8Array);
  changedCipher[30] = (changedCipher[30] as number) ^ 1;
  add(
    'tampered-encrypted-attachment.mime',
    'decrypt',
    'DECRYPTION_FAILED',
    'one byte of the encrypted attachment changed',
    mime(valid, new Map([...parts, ['foto@egovkit', changedCipher]])),
  );
  add(
    'missing-attachment.mime',
    'order',
    'MIME_PART_MISSING',
    'the plain attachment part is left out',
    mime(valid, new Map([...parts].filter(([id]) => id !== 'antrag.pdf@egovkit'))),
  );
  add(
    'missing-encrypted-attachment.mime',
    'decrypt',
    'MIME_PART_MISSING',
    'the encrypted attachment part is left out',
    mime(valid, new Map([...parts].filter(([id]) => id !== 'foto@egovkit'))),
  );
  add(
    'unsigned-extra-part.mime',
    'order',
    'SIGNATURE_REFERENCE_INVALID',
    'a part the order signature does not cover',
    mime(valid, new Map([...parts, ['smuggled@evil', Buffer.from('x')]])),
  );
  // --- keys and certificates ---
  add(
    'wrong-signing-key.mime',
    'order',
    'SIGNATURE_INVALID',
    "order signature made with another key than the certificate's",
    mime(
      resigned(valid, {
        algorithmUri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        hash: 'sha256',
        privateKeyPem: cert('documentProducerSignature').privateKeyPem,
      }),
    ),
  );
  const forOther = await encryptContentContainer(b, {
    recipients: [cert('passportAuthorityEncryption').certificatePem],
  });
  add(
    'wrong-decryption-key.mime',
    'decrypt',
    'DECRYPTION_FAILED',
    'content encrypted for another reader',
    mime(await signed('passportAuthoritySignature', message({ encryptedData: [forOther] }))),
  );
  add(
    'untrusted-certificate.mime',
    'order',
    'CERTIFICATE_UNTRUSTED',
    'order signed with a self-signed certificate',
    mime(await signed('selfSigned')),
  );
  add(
    'expired-certificate.mime',
    'order',
    'CERTIFICATE_EXPIRED',
    'order signed with an expired certificate',
    mime(await signed('expired')),
  );
  // --- legacy algorithms ---
  add(
    'sha1-signature.mime',
    'order',
    'SIGNATURE_ALGORITHM_FORBIDDEN',
    'RSA-SHA1 order signature',
    mime(
      resigned(valid, {
        algorithmUri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
        hash: 'sha1',
        privateKeyPem: cert('passportAuthoritySignature').privateKeyPem,
      }),
    ),
  );
  const rsa15 = rsa15Container(
    await encryptContentContainer(b, { recipients: [cert('documentProducerEncryption').certificatePem] }),
    cert('documentProducerEncryption').certificatePem,
    cert('documentProducerEncryption').privateKeyPem,
  );
  add(
    'rsa15-key-transport.mime',
    'decrypt',
    'ENCRYPTION_ALGORITHM_FORBIDDEN',
    'content key wrapped with RSA PKCS#1 v1.5',
    mime(await signed('passportAuthoritySignature', message({ encryptedData: [rsa15] }))),
  );
  // --- parser attacks ---
  add(
    'xxe.xml',
    'parse',
    'XML_DOCTYPE_FORBIDDEN',
    'external entity in a DOCTYPE',
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${valid.replace(/^<\?xml[^>]*\?>\s*/, '').replace('Negativkorpus', '&xxe;')}`,
  );
  add(
    'entity-expansion.xml',
    'parse',
    'XML_DOCTYPE_FORBIDDEN',
    'billion laughs',
    `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n${valid.replace(/^<\?xml[^>]*\?>\s*/, '').replace('Negativkorpus', '&lol3;')}`,
  );
  const confused = Buffer.from(
    mime(valid).toString('latin1').replace('%PDF-1.4\n', '%PDF-1.4\n--MIME_boundary_negative\r\n'),
    'latin1',
  );
  add(
    'mime-boundary-confusion.mime',
    'order',
    'MIME_INVALID',
    'the boundary occurs inside an attachment part',
    confused,
  );
  add(
    'oversize-part.mime',
    'order',
    'MIME_PART_TOO_LARGE',
    'a part above the configured limit of 1024 bytes',
    mime(valid),
    { maxPartBytes: 1024 },
  );

  // --- the MIME form of the encrypted order (cid:osci_enc), opened by the intermediary ---
  const orderParts = [...parts].map(([contentId, data]) => ({ contentId, data }));
  const encryptedOrder = async (certificate: string) =>
    (
      await encryptForIntermediaryMime(
        await signOrderData(base, { signer: author, attachments: parts }),
        certificate,
        {
          attachments: orderParts,
          boundary: 'MIME_boundary_encrypted',
          soapContentId: 'soap@egovkit',
        },
      )
    ).toBuffer();
  const encryptedValid = await encryptedOrder(cert('osciIntermediaryEncryption').certificatePem);
  const osciEnc = encryptedValid.indexOf('Content-ID: <osci_enc>');
  const withoutEnc = Buffer.concat([
    encryptedValid.subarray(0, encryptedValid.lastIndexOf('--MIME_boundary_encrypted\r\n', osciEnc)),
    Buffer.from('--MIME_boundary_encrypted--\r\n'),
  ]);
  add(
    'encrypted-order-missing-part.mime',
    'decrypt-order',
    'MIME_PART_MISSING',
    'the part cid:osci_enc with the encrypted order is left out',
    withoutEnc,
  );
  const tamperedOrder = Buffer.from(encryptedValid);
  const cipherStart = tamperedOrder.indexOf('\r\n\r\n', osciEnc) + 4;
  tamperedOrder[cipherStart + 40] = (tamperedOrder[cipherStart + 40] as number) ^ 0x01;
  add(
    'encrypted-order-tampered.mime',
    'decrypt-order',
    'DECRYPTION_FAILED',
    'one byte of the encrypted order part changed',
    tamperedOrder,
  );
  add(
    'encrypted-order-wrong-key.mime',
    'decrypt-order',
    'DECRYPTION_FAILED',
    'order encrypted for another receiver than the intermediary',
    await encryptedOrder(cert('documentProducerEncryption').certificatePem),
  );
  const extra = encryptedValid
    .toString('latin1')
    .replace(
      /--MIME_boundary_encrypted--\r\n$/,
      '--MIME_boundary_encrypted\r\nContent-Type: text/plain\r\nContent-ID: <extra@egovkit>\r\n\r\nunverschluesselt\r\n--MIME_boundary_encrypted--\r\n',
    );
  add(
    'encrypted-order-extra-part.mime',
    'decrypt-order',
    'MIME_INVALID',
    'an unencrypted part beside cid:osci_enc',
    Buffer.from(extra, 'latin1'),
  );

  const directory = new URL('negative/', root);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const manifest: Record<string, Omit<NegativeCase, 'file'>> = {};
  for (const { data, file, ...entry } of cases) {
    writeFileSync(new URL(file, directory), data);
    manifest[file] = entry;
  }
  // The unmodified message, as a control: every check passes on it.
  writeFileSync(new URL('control-valid.mime', directory), mime(valid));
  writeFileSync(new URL('control-encrypted-order.mime', directory), encryptedValid);
  writeFileSync(new URL('manifest.json', directory), `${JSON.stringify(manifest, null, 2)}\n`);
  return cases.map(({ data: _data, ...entry }) => entry);
}

/** Rewraps the content key of an EncryptedData with RSA PKCS#1 v1.5 (refused unless legacy). */
function rsa15Container(xml: string, certificatePem: string, privateKeyPem: string): string {
  const document = parseXmlStrict(xml);
  const xenc = 'http://www.w3.org/2001/04/xmlenc#';
  const encryptedKey = findElement(document, xenc, 'EncryptedKey') as Element;
  const method = findElement(encryptedKey, xenc, 'EncryptionMethod') as Element;
  method.setAttribute('Algorithm', 'http://www.w3.org/2001/04/xmlenc#rsa-1_5');
  while (method.firstChild !== null) method.removeChild(method.firstChild);
  const cipherData = [
    ...Array.from({ length: encryptedKey.childNodes.length }, (_, i) => encryptedKey.childNodes.item(i)),
  ].find((node) => (node as { localName?: string }).localName === 'CipherData') as Element;
  const value = findElement(cipherData, xenc, 'CipherValue') as Element;
  const key = privateDecrypt(
    { key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(value.textContent ?? '', 'base64'),
  );
  value.textContent = publicEncrypt(
    { key: certificatePem, padding: constants.RSA_PKCS1_PADDING },
    key,
  ).toString('base64');
  return serializeXml(document.documentElement as Element);
}
