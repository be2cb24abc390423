import { createPrivateKey, webcrypto } from 'node:crypto';
import type { TestPki } from '@egovkit/testkit';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import * as xmldsigjs from 'xmldsigjs';
import { DS_NAMESPACE, signXml, verifyXmlSignature } from '../src/security/xmldsig.js';
import { type Element, findElement, parseXmlStrict, serializeXml } from '../src/xml/parse.js';
import { envelope, pki as loadPki, OSCI, SOAP } from './helpers/security-fixtures.js';

// Cross-checks against xmldsigjs' own SignedXml (its transform chain and WebCrypto signing), an implementation
// independent of our reference handling and node:crypto signing.
let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
  xmldsigjs.Application.setEngine('NodeJS', webcrypto as never);
  // xml-core (under xmldsigjs, not a direct dependency) looks for a global DOM when it builds elements.
  Object.assign(globalThis, { DOMParser, XMLSerializer, document: undefined });
});

async function xmldsigjsVerify(xml: string): Promise<boolean> {
  const document = parseXmlStrict(xml);
  const signed = new xmldsigjs.SignedXml(document as never);
  signed.LoadXml(findElement(document, DS_NAMESPACE, 'Signature') as never);
  // xmldsigjs throws on a digest mismatch and returns false on a bad signature value.
  return signed.Verify().catch(() => false);
}

describe('interoperability with xmldsigjs', () => {
  it.each(['rsa-sha256', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha384'] as const)(
    'xmldsigjs verifies our %s signature and rejects it once tampered',
    async (algorithm) => {
      const parts = envelope();
      const certificate = pki.certificates.documentProducerSignature;
      await signXml(parts.document, {
        references: [{ element: parts.body }],
        signingKey: certificate.privateKeyPem,
        certificateChain: [certificate.certificatePem],
        placeIn: parts.header,
        algorithm,
      });
      const xml = serializeXml(parts.document);
      expect(await xmldsigjsVerify(xml)).toBe(true);
      expect(await xmldsigjsVerify(xml.replace('>100<', '>900<'))).toBe(false);
    },
  );

  it('verifies a signature made by xmldsigjs', async () => {
    const { document, body, header } = envelope();
    const certificate = pki.certificates.osciIntermediarySignature;
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(certificate.privateKeyPem).export({ type: 'pkcs8', format: 'der' }),
      algorithm,
      false,
      ['sign'],
    );
    const signed = new xmldsigjs.SignedXml(document as never);
    // Our verifier accepts exclusive C14N only; xmldsigjs defaults to inclusive C14N for SignedInfo.
    signed.XmlSignature.SignedInfo.CanonicalizationMethod.Algorithm =
      'http://www.w3.org/2001/10/xml-exc-c14n#';
    await signed.Sign(algorithm, key, document as never, {
      references: [{ uri: '#body', hash: 'SHA-256', transforms: ['exc-c14n'] }],
      x509: [certificate.certificateDer.toString('base64')],
    });
    header.appendChild(document.importNode(signed.GetXml() as never, true));
    const received = parseXmlStrict(serializeXml(document));
    const result = await verifyXmlSignature(findElement(received, DS_NAMESPACE, 'Signature') as Element, {
      expectedReferences: [findElement(received, SOAP, 'Body') as Element],
      trustAnchors: [pki.trustAnchorPem],
      intermediates: [pki.caBundlePem],
    });
    expect(result.signer.serialNumber).toBe(certificate.serialNumber);
    expect(body.localName).toBe('Body');
    expect(findElement(received, OSCI, 'Amount')?.textContent).toBe('100');
  });
});
