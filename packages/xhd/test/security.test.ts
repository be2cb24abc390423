import { execFileSync } from 'node:child_process';
import { createHash, sign, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTestPki, type TestPki } from '@egovkit/testkit';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { C14N_EXCLUSIVE, canonicalize } from '../src/c14n.js';
import {
  auftragsinformationFor,
  buildXhd,
  parseXhdMessage,
  serializeXhd,
  validateXhd,
  XhdError,
} from '../src/index.js';
import {
  decryptXhd,
  encryptXhd,
  openXhd,
  protectXhd,
  signXhd,
  verifyXhdSignature,
  x509SubjectName,
} from '../src/security.js';
import { bestellung } from './helpers.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const cert = (name: keyof TestPki['certificates']) => pki.certificates[name];
const behoerde = () => ({
  key: cert('passportAuthoritySignature').privateKeyPem,
  certificateChain: [cert('passportAuthoritySignature').chainPem],
});
const hersteller = () => ({
  privateKey: cert('documentProducerEncryption').privateKeyPem,
  certificate: cert('documentProducerEncryption').certificatePem,
});

async function codeOf(action: () => unknown): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    if (error instanceof XhdError) return error.code;
    throw error;
  }
  return undefined;
}

const order = buildXhd(bestellung);

const xmllint = (() => {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('canonicalisation', () => {
  it.skipIf(!xmllint)('matches libxml2 (xmllint --c14n / --exc-c14n) on the valid fixtures', () => {
    const dir = join(import.meta.dirname, '../fixtures/valid');
    for (const file of readdirSync(dir)) {
      const path = join(dir, file);
      const root = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/xml')
        .documentElement as never;
      expect(canonicalize(root, { mode: 'inclusive' })).toBe(
        execFileSync('xmllint', ['--c14n', path]).toString(),
      );
      expect(canonicalize(root, { mode: 'exclusive' })).toBe(
        execFileSync('xmllint', ['--exc-c14n', path]).toString(),
      );
    }
  });
});

describe('XhD content signature (TR-03132 § 4.2)', () => {
  it('signs enveloped with one Reference URI="" as the last element of xhd:any, and verifies', async () => {
    const signed = await signXhd(order, { signer: behoerde() });
    expect(signed).toContain('<ds:Reference URI="">');
    expect(signed).toContain('#enveloped-signature');
    expect(signed.match(/<ds:Reference /g)).toHaveLength(1);
    const root = new DOMParser().parseFromString(signed, 'text/xml').documentElement;
    const any = root?.lastChild?.previousSibling as unknown as { localName: string; lastChild: unknown };
    expect(any.localName).toBe('any');
    // The model keeps the signature in `any` and gives the same bytes back.
    const message = parseXhdMessage(signed);
    expect(message.any).toHaveLength(1);
    expect(serializeXhd(message)).toBe(signed);
    expect((await validateXhd(signed)).valid).toBe(true);
    const verified = await verifyXhdSignature(signed, { trustAnchors: [pki.trustAnchorPem] });
    expect(verified.signer.serialNumber).toBe(cert('passportAuthoritySignature').serialNumber);
    expect(verified.algorithm).toEqual({ signature: 'rsa-sha256', digest: 'sha256', c14n: 'inclusive' });
  });

  it('refuses a changed message, an untrusted signer, a missing, doubled or misplaced signature', async () => {
    const signed = await signXhd(order, { signer: behoerde(), signatureAlgorithm: 'rsa-sha512' });
    const trust = { trustAnchors: [pki.trustAnchorPem] };
    expect((await verifyXhdSignature(signed, trust)).algorithm.signature).toBe('rsa-sha512');
    const changed = signed.replace('<xhd:Name>Mustermann</xhd:Name>', '<xhd:Name>Musterfrau</xhd:Name>');
    expect(await codeOf(() => verifyXhdSignature(changed, trust))).toBe('XHD_SIGNATURE_INVALID');
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)?.[1] ?? '';
    const forged = signed.replace(
      value,
      `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`,
    );
    expect(await codeOf(() => verifyXhdSignature(forged, trust))).toBe('XHD_SIGNATURE_INVALID');
    expect(await codeOf(() => verifyXhdSignature(order.xml, trust))).toBe('XHD_SIGNATURE_MISSING');
    expect(await codeOf(() => signXhd(signed, { signer: behoerde() }))).toBe('XHD_ALREADY_SIGNED');
    // Untrusted: a self-signed certificate, and a trust anchor that is not the root.
    const self = cert('selfSigned');
    const untrusted = await signXhd(order, {
      signer: { key: self.privateKeyPem, certificateChain: [self.certificatePem] },
    });
    expect(await codeOf(() => verifyXhdSignature(untrusted, trust))).toBe('XHD_SIGNATURE_UNTRUSTED');
    expect(await codeOf(() => verifyXhdSignature(signed, { trustAnchors: [self.certificatePem] }))).toBe(
      'XHD_SIGNATURE_UNTRUSTED',
    );
    // Key and certificate of different owners.
    expect(
      await codeOf(() =>
        signXhd(order, {
          signer: {
            key: cert('documentProducerSignature').privateKeyPem,
            certificateChain: [behoerde().certificateChain[0] as string],
          },
        }),
      ),
    ).toBe('XHD_SIGNER_INVALID');
    expect(
      await codeOf(() => signXhd(order, { signer: { key: 'kein Schlüssel', certificateChain: [] } })),
    ).toBe('XHD_SIGNER_INVALID');
    expect(await codeOf(() => encryptXhd(order, { recipients: ['kein Zertifikat'] }))).toBe(
      'XHD_RECIPIENT_INVALID',
    );
    // The signature must be the last element of xhd:any.
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)?.[0] ?? '';
    const moved = signed.replace(signature, `${signature}\n    <x:Ext xmlns:x="urn:x"/>`);
    expect(await codeOf(() => verifyXhdSignature(moved, trust))).toBe('XHD_SIGNATURE_INVALID');
    const twice = signed.replace(signature, `${signature}${signature}`);
    expect(await codeOf(() => verifyXhdSignature(twice, trust))).toBe('XHD_SIGNATURE_INVALID');
    const byId = signed.replace('<ds:Reference URI="">', '<ds:Reference URI="#x">');
    expect(await codeOf(() => verifyXhdSignature(byId, trust))).toBe('XHD_SIGNATURE_INVALID');
  });

  it('verifies a signature made with exclusive C14N, and signs the transform list', async () => {
    const signed = await signXhd(order, { signer: behoerde() });
    const trust = { trustAnchors: [pki.trustAnchorPem] };
    const withTransform = signed.replace(
      '#enveloped-signature"/>',
      `#enveloped-signature"/><ds:Transform Algorithm="${C14N_EXCLUSIVE}"/>`,
    );
    // Changed SignedInfo, old values: refused.
    expect(await codeOf(() => verifyXhdSignature(withTransform, trust))).toBe('XHD_SIGNATURE_INVALID');
    // Recompute digest and value the way another implementation using exclusive C14N would.
    const exclusive = signed
      .replace(`Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"`, `Algorithm="${C14N_EXCLUSIVE}"`)
      .replace(
        '#enveloped-signature"/>',
        `#enveloped-signature"/><ds:Transform Algorithm="${C14N_EXCLUSIVE}"/>`,
      );
    const parse = (xml: string) =>
      new DOMParser().parseFromString(xml, 'text/xml').documentElement as never as Element;
    const find = (root: Element, name: string) => root.getElementsByTagName(`ds:${name}`)[0] as Element;
    const root = parse(exclusive);
    const digest = createHash('sha256')
      .update(canonicalize(root as never, { mode: 'exclusive', exclude: find(root, 'Signature') as never }))
      .digest('base64');
    const oldDigest = /<ds:DigestValue>([^<]+)</.exec(exclusive)?.[1] ?? '';
    const withDigest = exclusive.replace(oldDigest, digest);
    const signedInfo = find(parse(withDigest), 'SignedInfo');
    const value = sign(
      'sha256',
      Buffer.from(canonicalize(signedInfo as never, { mode: 'exclusive' })),
      behoerde().key,
    ).toString('base64');
    const oldValue = /<ds:SignatureValue>([^<]+)</.exec(withDigest)?.[1] ?? '';
    const resigned = withDigest.replace(oldValue, value);
    expect(await verifyXhdSignature(resigned, trust)).toMatchObject({ algorithm: { c14n: 'exclusive' } });
  });
});

describe('XhD content encryption (TR-03132 § 4.3)', () => {
  it('encrypts Nutzdaten into xhd:any for the reader, header in clear; decrypt gives the signed message back', async () => {
    const signed = await signXhd(order, { signer: behoerde() });
    const encrypted = encryptXhd(signed, { recipients: [cert('documentProducerEncryption').certificatePem] });
    expect(encrypted).not.toContain('<xhd:Nutzdaten>');
    expect(encrypted).not.toContain('Mustermann');
    expect(encrypted).toContain('<xhd:Bestellnummer>B-1</xhd:Bestellnummer>');
    expect(encrypted).toContain('Type="http://www.w3.org/2001/04/xmlenc#Element"');
    const subject = x509SubjectName(cert('documentProducerEncryption').certificatePem);
    expect(subject).toContain('CN=');
    expect(encrypted).toContain(`<ds:X509SubjectName>${subject}</ds:X509SubjectName>`);
    const encryptedData = /<xenc:EncryptedData[\s\S]*<\/xenc:EncryptedData>/.exec(encrypted)?.[0] ?? '';
    expect(encryptedData).toContain('<ds:X509SubjectName>');
    expect(encryptedData).not.toContain('<ds:X509Certificate>');
    // EncryptedData first, signature last in xhd:any.
    expect(encrypted.indexOf('<xenc:EncryptedData')).toBeLessThan(encrypted.indexOf('<ds:Signature'));
    expect(encrypted.indexOf('<xhd:any>')).toBeLessThan(encrypted.indexOf('<xenc:EncryptedData'));
    // Header still schema-valid: Nutzdaten is optional, the encrypted data sit in xhd:any.
    expect((await validateXhd(encrypted)).issues.map((i) => [i.code, i.path])).toEqual([
      ['NUTZDATEN_ENCRYPTED', '/xhd:BestellungDokument/xhd:Nutzdaten'],
    ]);
    expect(await codeOf(() => parseXhdMessage(encrypted))).toBe('XHD_NUTZDATEN_ENCRYPTED');

    const decrypted = decryptXhd(encrypted, hersteller());
    expect(decrypted).toBe(signed);
    await verifyXhdSignature(decrypted, { trustAnchors: [pki.trustAnchorPem] });
  });

  it('encrypts an unsigned message and restores it byte for byte', () => {
    const answer = auftragsinformationFor(order.message, {
      nachrichtenId: 'AI-1',
      verfahrenskennung: 'P 1.0',
    });
    const encrypted = encryptXhd(answer, {
      recipients: [cert('passportAuthorityEncryption').certificatePem],
    });
    expect(encrypted).toContain('<xhd:any><xenc:EncryptedData');
    expect(
      decryptXhd(encrypted, {
        privateKey: cert('passportAuthorityEncryption').privateKeyPem,
        certificate: cert('passportAuthorityEncryption').certificatePem,
      }),
    ).toBe(answer.xml);
  });

  it('refuses the wrong key, another reader, changed ciphertext and plain messages', async () => {
    const encrypted = encryptXhd(order, { recipients: [cert('documentProducerEncryption').certificatePem] });
    // Right subject, wrong private key.
    expect(
      await codeOf(() =>
        decryptXhd(encrypted, {
          ...hersteller(),
          privateKey: cert('passportAuthorityEncryption').privateKeyPem,
        }),
      ),
    ).toBe('XHD_DECRYPTION_FAILED');
    // A reader the message is not encrypted for.
    expect(
      await codeOf(() =>
        decryptXhd(encrypted, {
          privateKey: cert('passportAuthorityEncryption').privateKeyPem,
          certificate: cert('passportAuthorityEncryption').certificatePem,
        }),
      ),
    ).toBe('XHD_RECIPIENT_MISMATCH');
    // Changed ciphertext of the Nutzdaten (the last CipherValue; AES-GCM authenticates it).
    const values = [...encrypted.matchAll(/<xenc:CipherValue>([^<]+)</g)];
    const last = values[values.length - 1]?.[1] ?? '';
    const flipped = `${last.slice(0, 20)}${last[20] === 'A' ? 'B' : 'A'}${last.slice(21)}`;
    expect(await codeOf(() => decryptXhd(encrypted.replace(last, flipped), hersteller()))).toBe(
      'XHD_DECRYPTION_FAILED',
    );
    expect(await codeOf(() => decryptXhd(order.xml, hersteller()))).toBe('XHD_NOT_ENCRYPTED');
    expect(
      await codeOf(() =>
        encryptXhd(encrypted, { recipients: [cert('documentProducerEncryption').certificatePem] }),
      ),
    ).toBe('XHD_ELEMENT_MISSING');
    expect(await codeOf(() => encryptXhd(order, { recipients: [cert('rsa1024').certificatePem] }))).toBe(
      'XHD_RECIPIENT_INVALID',
    );
  });

  it('names the key by the RFC 4514 subject of the certificate', () => {
    const pem = cert('documentProducerEncryption').certificatePem;
    const rdns = new X509Certificate(pem).subject.split('\n').reverse();
    expect(x509SubjectName(pem)).toBe(rdns.join(','));
  });
});

describe('protectXhd / openXhd: author signs then encrypts, reader decrypts then verifies (TR-03132 § 4.1)', () => {
  it("round-trips the producer's Auftragsinformation back to the authority", async () => {
    const answer = auftragsinformationFor(order.message, {
      nachrichtenId: 'AI-7',
      verfahrenskennung: 'P 1.0',
    });
    const producer = cert('documentProducerSignature');
    const authority = cert('passportAuthorityEncryption');
    const sealed = await protectXhd(answer, {
      signer: { key: producer.privateKeyPem, certificateChain: [producer.chainPem] },
      recipients: [authority.certificatePem],
    });
    const opened = await openXhd(sealed, {
      reader: { privateKey: authority.privateKeyPem, certificate: authority.certificatePem },
      trustAnchors: [pki.trustAnchorPem],
    });
    expect(opened.signature.signer.serialNumber).toBe(producer.serialNumber);
    expect(opened.validation).toMatchObject({ valid: true, profile: 'RP' });
    expect(opened.validation.message?.nachricht).toBe('Auftragsinformation');
    expect(parseXhdMessage(opened.xml)).toMatchObject({
      auftragsinformationen: answer.message.auftragsinformationen,
    });
  });

  it('round-trips an order from the authority to the producer', async () => {
    const sealed = await protectXhd(order, {
      signer: behoerde(),
      recipients: [cert('documentProducerEncryption').certificatePem],
    });
    const opened = await openXhd(sealed, { reader: hersteller(), trustAnchors: [pki.trustAnchorPem] });
    expect(opened.signature.signer.serialNumber).toBe(cert('passportAuthoritySignature').serialNumber);
    expect(opened.validation).toMatchObject({ valid: true, profile: 'RP' });
    expect(opened.validation.message?.nachricht).toBe('BestellungDokument');
    // Tampered Nutzdaten after decryption (e.g. by a compromised gateway that re-encrypts): the signature catches it.
    const plain = decryptXhd(sealed, hersteller()).replace(
      '<xhd:Ort>Köln</xhd:Ort>',
      '<xhd:Ort>Bonn</xhd:Ort>',
    );
    const resealed = encryptXhd(plain, { recipients: [cert('documentProducerEncryption').certificatePem] });
    expect(
      await codeOf(() => openXhd(resealed, { reader: hersteller(), trustAnchors: [pki.trustAnchorPem] })),
    ).toBe('XHD_SIGNATURE_INVALID');
  });
});
