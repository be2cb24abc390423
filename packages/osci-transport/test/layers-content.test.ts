import { constants, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import type { TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptContentContainer,
  encryptContentContainer,
  signContentContainer,
  verifyContentContainer,
  verifyMessageContent,
} from '../src/layers/index.js';
import type { ContentContainer, StoreDelivery } from '../src/model/index.js';
import { DS_NAMESPACE } from '../src/security/xmldsig.js';
import { XENC_NAMESPACE } from '../src/security/xmlenc.js';
import { childElements, type Element, findElement, parseXmlStrict, serializeXml } from '../src/xml/parse.js';
import {
  codeOf,
  pki as loadPki,
  pkiHelpers,
  resign,
  storeDeliveryWith,
} from './helpers/security-fixtures.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
});

const { b64, cert, credentials, trust } = pkiHelpers(() => pki);
const author = () => credentials('passportAuthoritySignature');

const container = (id = 'antrag'): ContentContainer => ({
  id,
  contents: [
    { kind: 'base64', id: `${id}-pdf`, base64ContentId: `${id}-pdf-data`, data: 'JVBERi0xLjQ=' },
    { kind: 'xml', xml: ['<x:Pass xmlns:x="urn:test:pass"><x:Nummer>C01X00T47</x:Nummer></x:Pass>'] },
    {
      kind: 'container',
      id: `${id}-inner`,
      container: { id: `${id}-inner-cc`, contents: [{ kind: 'empty' }] },
    },
  ],
});

const storeDelivery = (containers: readonly ContentContainer[]): StoreDelivery =>
  storeDeliveryWith(b64, { contentContainers: containers });

describe('content data: author → document producer', () => {
  it('signs, encrypts, decrypts and verifies a container', async () => {
    const signed = await signContentContainer(container(), { author: author(), algorithm: 'rsa-pss-sha256' });
    expect(signed.signatures).toHaveLength(1);
    // Missing Ids are assigned so that every Content is referenced.
    expect(signed.contents?.[1]?.id).toBe('antrag-content-2');

    const encrypted = await encryptContentContainer(signed, {
      recipients: [cert('documentProducerEncryption').chainPem],
      ...trust(),
    });
    expect(encrypted).not.toContain('C01X00T47');

    const opened = await decryptContentContainer(encrypted, {
      privateKey: cert('documentProducerEncryption').privateKeyPem,
      certificate: cert('documentProducerEncryption').certificatePem,
    });
    expect(opened).toEqual(signed);
    const verified = await verifyContentContainer(opened, trust());
    expect(verified.containerId).toBe('antrag');
    expect(verified.authors).toHaveLength(1);
    expect(verified.nested).toEqual([]);
    expect(verified.authors[0]?.serialNumber).toBe(cert('passportAuthoritySignature').serialNumber);
  });

  it('supports a second author over the same references', async () => {
    const once = await signContentContainer(container(), { author: author() });
    const twice = await signContentContainer(once, {
      author: {
        key: cert('documentProducerSignature').privateKeyPem,
        certificateChain: [cert('documentProducerSignature').chainPem],
      },
      algorithm: 'rsa-sha512',
      digest: 'sha512',
    });
    const verified = await verifyContentContainer(twice, trust());
    expect(verified.authors.map((info) => info.serialNumber)).toEqual([
      cert('passportAuthoritySignature').serialNumber,
      cert('documentProducerSignature').serialNumber,
    ]);
  });

  it('keeps the content from the intermediary', async () => {
    const encrypted = await encryptContentContainer(container(), {
      recipients: [cert('documentProducerEncryption').certificatePem],
    });
    const intermediary = cert('osciIntermediaryEncryption');
    expect(
      await codeOf(() =>
        decryptContentContainer(encrypted, {
          privateKey: intermediary.privateKeyPem,
          certificate: intermediary.certificatePem,
        }),
      ),
    ).toBe('DECRYPTION_FAILED');
    expect(
      await codeOf(() => decryptContentContainer(encrypted, { privateKey: intermediary.privateKeyPem })),
    ).toBe('DECRYPTION_FAILED');
  });

  it('refuses a recipient certificate that is not for encryption when trust anchors are given', async () => {
    expect(
      await codeOf(() =>
        encryptContentContainer(container(), {
          recipients: [cert('documentProducerSignature').chainPem],
          ...trust(),
        }),
      ),
    ).toBe('CERTIFICATE_KEY_USAGE');
  });

  it('checks recipient certificates against the CRLs when trust anchors and crls are given', async () => {
    const options = { recipients: [cert('revoked').chainPem], ...trust() };
    await expect(encryptContentContainer(container(), options)).resolves.toBeDefined();
    const withCrls = encryptContentContainer(container(), { ...options, crls: pki.crls.all });
    await expect(withCrls).rejects.toMatchObject({
      code: 'CERTIFICATE_UNTRUSTED',
      details: { reason: 'revoked' },
    });
  });

  it('refuses tampered content', async () => {
    const signed = await signContentContainer(container(), { author: author() });
    const contents = [...(signed.contents ?? [])];
    contents[0] = {
      kind: 'base64',
      id: 'antrag-pdf',
      base64ContentId: 'antrag-pdf-data',
      data: 'JVBERi0xLjU=',
    };
    expect(await codeOf(() => verifyContentContainer({ ...signed, contents }, trust()))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('refuses a signed container with an added or removed Content', async () => {
    const signed = await signContentContainer(container(), { author: author() });
    const added = {
      ...signed,
      contents: [...(signed.contents ?? []), { kind: 'empty' as const, id: 'extra' }],
    };
    expect(await codeOf(() => verifyContentContainer(added, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
    const removed = { ...signed, contents: (signed.contents ?? []).slice(1) };
    expect(await codeOf(() => verifyContentContainer(removed, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
  });

  it('refuses an unsigned container', async () => {
    expect(await codeOf(() => verifyContentContainer(container(), trust()))).toBe('SIGNATURE_MISSING');
  });

  it('refuses a key that does not belong to the author certificate', async () => {
    expect(
      await codeOf(() =>
        signContentContainer(container(), {
          author: {
            key: cert('documentProducerSignature').privateKeyPem,
            certificateChain: author().certificateChain,
          },
        }),
      ),
    ).toBe('KEY_INVALID');
  });

  it('refuses decryption with the wrong key', async () => {
    const encrypted = await encryptContentContainer(container(), {
      recipients: [cert('documentProducerEncryption').certificatePem],
    });
    expect(
      await codeOf(() =>
        decryptContentContainer(encrypted, {
          privateKey: cert('passportAuthorityEncryption').privateKeyPem,
          certificate: cert('documentProducerEncryption').certificatePem,
        }),
      ),
    ).toBe('DECRYPTION_FAILED');
  });

  it('refuses untrusted and expired author certificates', async () => {
    const signWith = (name: 'selfSigned' | 'expired') =>
      signContentContainer(container(), {
        author: { key: cert(name).privateKeyPem, certificateChain: [cert(name).chainPem] },
      });
    const selfSigned = await signWith('selfSigned');
    expect(await codeOf(() => verifyContentContainer(selfSigned, trust()))).toBe('CERTIFICATE_UNTRUSTED');
    const expired = await signWith('expired');
    expect(await codeOf(() => verifyContentContainer(expired, trust()))).toBe('CERTIFICATE_EXPIRED');
    const valid = await signContentContainer(container(), { author: author() });
    const later = new Date(cert('passportAuthoritySignature').notAfter.getTime() + 86_400_000);
    expect(await codeOf(() => verifyContentContainer(valid, { ...trust(), at: later }))).toBe(
      'CERTIFICATE_EXPIRED',
    );
    expect(
      await codeOf(() =>
        verifyContentContainer(valid, { trustAnchors: [cert('selfSigned').certificatePem] }),
      ),
    ).toBe('CERTIFICATE_UNTRUSTED');
  });

  it('refuses to sign a container whose attachment bytes are not given', async () => {
    const withAttachment: ContentContainer = {
      id: 'a',
      contents: [{ kind: 'attachment', id: 'a1', href: 'cid:anlage@egovkit' }],
    };
    expect(await codeOf(() => signContentContainer(withAttachment, { author: author() }))).toBe(
      'MIME_PART_MISSING',
    );
  });
});

describe('content data in a whole message: signature wrapping', () => {
  async function twoSigned(): Promise<string> {
    const a = await signContentContainer(container('a'), { author: author() });
    const b = await signContentContainer(container('b'), { author: author() });
    return serializeOsciMessage(storeDelivery([a, b]));
  }

  it('verifies every signed container of the message', async () => {
    const results = await verifyMessageContent(await twoSigned(), trust());
    expect(results.map((result) => result.containerId)).toEqual(['a', 'b']);
  });

  it('refuses a duplicated container', async () => {
    const xml = await twoSigned();
    const start = xml.indexOf('<osci:ContentContainer Id="a"');
    const end = xml.indexOf('<osci:ContentContainer Id="b"');
    const duplicated = xml.slice(0, end) + xml.slice(start, end) + xml.slice(end);
    expect(await codeOf(() => verifyMessageContent(duplicated, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
  });

  it('refuses a Content moved into another signed container', async () => {
    const xml = await twoSigned();
    const content = /<osci:Content Id="a-pdf">.*?<\/osci:Content>/.exec(xml)?.[0] as string;
    const moved = xml
      .replace(content, '')
      .replace('<osci:Content Id="b-pdf">', `${content}<osci:Content Id="b-pdf">`);
    expect(moved).not.toBe(xml);
    expect(await codeOf(() => verifyMessageContent(moved, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
  });

  it('refuses a signature moved to another container', async () => {
    const xml = await twoSigned();
    const signatures = [...xml.matchAll(/<ds:Signature .*?<\/ds:Signature>/g)].map((match) => match[0]);
    const swapped = xml
      .replace(signatures[0] as string, '@A@')
      .replace(signatures[1] as string, signatures[0] as string)
      .replace('@A@', signatures[1] as string);
    expect(await codeOf(() => verifyMessageContent(swapped, trust()))).toBe('SIGNATURE_REFERENCE_INVALID');
  });

  it('refuses unsigned containers unless allowed', async () => {
    const xml = serializeOsciMessage(storeDelivery([container('a')]));
    expect(await codeOf(() => verifyMessageContent(xml, trust()))).toBe('SIGNATURE_MISSING');
    expect(await verifyMessageContent(xml, { ...trust(), allowUnsigned: true })).toEqual([]);
  });
});

describe('content data: legacy algorithms only on request', () => {
  it('refuses an RSA-SHA1 author signature unless allowLegacy is set', async () => {
    const signed = await signContentContainer(container(), { author: author() });
    const signature = parseXmlStrict(signed.signatures?.[0] as string).documentElement as Element;
    resign(signature, {
      algorithmUri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
      hash: 'sha1',
      privateKeyPem: cert('passportAuthoritySignature').privateKeyPem,
    });
    const legacy = { ...signed, signatures: [serializeXml(signature)] };
    expect(await codeOf(() => verifyContentContainer(legacy, trust()))).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
    const verified = await verifyContentContainer(legacy, { ...trust(), allowLegacy: true });
    expect(verified.signatures[0]?.algorithm.signature).toBe('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
  });

  it('refuses RSA-1.5 key transport unless legacy is set', async () => {
    const producer = cert('documentProducerEncryption');
    const encrypted = await encryptContentContainer(container(), { recipients: [producer.certificatePem] });
    const document = parseXmlStrict(encrypted);
    const encryptedKey = findElement(document, XENC_NAMESPACE, 'EncryptedKey') as Element;
    const method = childElements(encryptedKey, XENC_NAMESPACE, 'EncryptionMethod')[0] as Element;
    method.setAttribute('Algorithm', 'http://www.w3.org/2001/04/xmlenc#rsa-1_5');
    for (const child of childElements(method)) method.removeChild(child);
    const value = findElement(
      childElements(encryptedKey, XENC_NAMESPACE, 'CipherData')[0] as Element,
      XENC_NAMESPACE,
      'CipherValue',
    ) as Element;
    const contentKey = privateDecrypt(
      { key: producer.privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(value.textContent ?? '', 'base64'),
    );
    value.textContent = publicEncrypt(
      { key: createPublicKey(producer.certificatePem), padding: constants.RSA_PKCS1_PADDING },
      contentKey,
    ).toString('base64');
    expect(findElement(document, DS_NAMESPACE, 'KeyInfo')).toBeDefined();
    const legacy = serializeXml(document);
    expect(await codeOf(() => decryptContentContainer(legacy, { privateKey: producer.privateKeyPem }))).toBe(
      'ENCRYPTION_ALGORITHM_FORBIDDEN',
    );
    const opened = await decryptContentContainer(legacy, {
      privateKey: producer.privateKeyPem,
      legacy: true,
    });
    expect(opened.id).toBe('antrag');
  });
});
