import type { TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DS_NAMESPACE,
  type SignatureAlgorithmName,
  signXml,
  verifyXmlSignature,
} from '../src/security/xmldsig.js';
import { type Element, findElement, parseXmlStrict, serializeXml } from '../src/xml/parse.js';
import {
  codeOf,
  envelope,
  errorOf,
  pki as loadPki,
  OSCI,
  redigest,
  resign,
  SOAP,
} from './helpers/security-fixtures.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
});

type Cert = TestPki['certificates']['documentProducerSignature'];

async function signed(
  options: {
    certificate?: Cert;
    algorithm?: SignatureAlgorithmName;
    digest?: 'sha256' | 'sha384' | 'sha512';
  } = {},
) {
  const parts = envelope();
  const certificate = options.certificate ?? pki.certificates.documentProducerSignature;
  const signature = await signXml(parts.document, {
    references: [{ element: parts.body }],
    signingKey: certificate.privateKeyPem,
    certificateChain: [certificate.chainPem],
    algorithm: options.algorithm ?? 'rsa-sha256',
    ...(options.digest === undefined ? {} : { digest: options.digest }),
    placeIn: findElement(parts.document, SOAP, 'Header') as Element,
  });
  return { ...parts, signature };
}

function verify(
  signature: Element,
  expected: Element[],
  extra: Partial<Parameters<typeof verifyXmlSignature>[1]> = {},
) {
  return verifyXmlSignature(signature, {
    expectedReferences: expected,
    trustAnchors: [pki.trustAnchorPem],
    ...extra,
  });
}

/** Serializes and parses again, as a receiver would see the message. */
function reparse(signature: Element) {
  const document = parseXmlStrict(serializeXml(signature.ownerDocument as never));
  return {
    document,
    signature: findElement(document, DS_NAMESPACE, 'Signature') as Element,
    body: findElement(document, SOAP, 'Body') as Element,
    header: findElement(document, OSCI, 'ControlBlock') as Element,
  };
}

describe('signXml / verifyXmlSignature round trips', () => {
  it.each([
    'rsa-sha256',
    'rsa-sha384',
    'rsa-sha512',
    'rsa-pss-sha256',
    'rsa-pss-sha384',
    'rsa-pss-sha512',
  ] as const)('%s', async (algorithm) => {
    const { signature } = await signed({ algorithm });
    const received = reparse(signature);
    const result = await verify(received.signature, [received.body]);
    expect(result.signedElements).toEqual([received.body]);
    expect(result.algorithm.signature).toMatch(algorithm.includes('pss') ? /-rsa-MGF1$/ : /#rsa-sha\d+$/);
    expect(result.signer.spkiSha256).toBe(pki.certificates.documentProducerSignature.spkiSha256);
    expect(result.signer.serialNumber).toBe(pki.certificates.documentProducerSignature.serialNumber);
  });

  it.each(['sha384', 'sha512'] as const)('digest %s', async (digest) => {
    const { signature } = await signed({ digest });
    const received = reparse(signature);
    const result = await verify(received.signature, [received.body]);
    expect(result.algorithm.digests[0]).toMatch(digest === 'sha384' ? /#sha384$/ : /#sha512$/);
  });

  it('writes exclusive C14N, the digest and the signer certificate', async () => {
    const { signature } = await signed();
    const xml = serializeXml(signature);
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"');
    expect(xml).toContain('URI="#body"');
    expect(xml).toContain(pki.certificates.documentProducerSignature.certificateDer.toString('base64'));
  });

  it('signs several elements and an enveloping element (enveloped transform)', async () => {
    const parts = envelope();
    const root = parts.document.documentElement as Element;
    root.setAttribute('Id', 'envelope');
    const certificate = pki.certificates.osciIntermediarySignature;
    const signature = await signXml(parts.document, {
      references: [{ element: root }, { element: parts.header }],
      signingKey: certificate.privateKeyDer,
      certificateChain: [certificate.certificateDer, pki.certificates.subCa.certificateDer],
      placeIn: findElement(parts.document, SOAP, 'Header') as Element,
    });
    expect(serializeXml(signature)).toContain('#enveloped-signature');
    const received = reparse(signature);
    const result = await verify(received.signature, [
      received.header,
      received.document.documentElement as Element,
    ]);
    expect(result.signedElements).toHaveLength(2);
  });

  it('refuses a key that does not belong to the certificate and RSA keys under 2048 bits', async () => {
    const parts = envelope();
    const base = { references: [{ element: parts.body }], placeIn: parts.header };
    expect(
      await codeOf(() =>
        signXml(parts.document, {
          ...base,
          signingKey: pki.certificates.passportAuthoritySignature.privateKeyPem,
          certificateChain: [pki.certificates.documentProducerSignature.certificatePem],
        }),
      ),
    ).toBe('KEY_INVALID');
    expect(
      await codeOf(() =>
        signXml(parts.document, {
          ...base,
          signingKey: pki.certificates.rsa1024.privateKeyPem,
          certificateChain: [pki.certificates.rsa1024.certificatePem],
        }),
      ),
    ).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
  });
});

/** Signs `references` of an envelope with a test certificate, the signature placed in `placeIn`. */
function signEnvelope(
  parts: ReturnType<typeof envelope>,
  references: readonly Element[],
  placeIn: Element,
  certificate: Cert = pki.certificates.documentProducerSignature,
) {
  return signXml(parts.document, {
    references: references.map((element) => ({ element })),
    signingKey: certificate.privateKeyPem,
    certificateChain: [certificate.chainPem],
    placeIn,
  });
}

type Received = ReturnType<typeof reparse>;

describe('signature wrapping', () => {
  // Each case changes a correctly signed message as received, then verifies it against the processed body.
  const wrappings: ReadonlyArray<readonly [string, (received: Received) => void, string]> = [
    [
      'refuses a moved signed element kept elsewhere next to a forged one with the same Id',
      (received) => {
        // Attacker: keeps the original body inside the header, puts a forged body with the same Id in place.
        received.header.appendChild(received.body.cloneNode(true) as Element);
        (findElement(received.body, OSCI, 'Amount') as Element).textContent = '1000000';
      },
      'SIGNATURE_REFERENCE_INVALID',
    ],
    [
      'refuses when the signed element was moved and the processed one has no or another Id',
      (received) => {
        received.header.appendChild(received.body.cloneNode(true) as Element);
        received.body.setAttribute('Id', 'forged');
        (findElement(received.body, OSCI, 'Amount') as Element).textContent = '1000000';
        // The reference still resolves uniquely, but to the moved copy, not the element the caller processes.
      },
      'SIGNATURE_REFERENCE_INVALID',
    ],
    [
      'refuses a duplicate Id anywhere in the document',
      (received) => {
        const decoy = received.document.createElementNS(OSCI, 'osci:Decoy');
        decoy.setAttribute('ID', 'body');
        received.header.appendChild(decoy);
      },
      'SIGNATURE_REFERENCE_INVALID',
    ],
    [
      'refuses a duplicate Id even when the expected element comes first in document order',
      (received) => {
        const decoy = received.document.createElementNS(OSCI, 'osci:Decoy');
        decoy.setAttributeNS(
          'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
          'wsu:Id',
          'body',
        );
        received.document.documentElement?.appendChild(decoy);
      },
      'SIGNATURE_REFERENCE_INVALID',
    ],
    [
      'refuses a whole-document reference',
      (received) =>
        (findElement(received.signature, DS_NAMESPACE, 'Reference') as Element).setAttribute('URI', ''),
      'SIGNATURE_REFERENCE_INVALID',
    ],
    [
      'refuses an XPointer reference',
      (received) =>
        (findElement(received.signature, DS_NAMESPACE, 'Reference') as Element).setAttribute(
          'URI',
          "#xpointer(id('body'))",
        ),
      'SIGNATURE_REFERENCE_INVALID',
    ],
    [
      'detects a modified signed element',
      (received) => {
        (findElement(received.body, OSCI, 'Amount') as Element).textContent = '101';
      },
      'SIGNATURE_INVALID',
    ],
  ];
  it.each(wrappings)('%s', async (_name, change, code) => {
    const received = reparse((await signed()).signature);
    change(received);
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(code);
  });

  it('refuses a signature over another element than the expected one', async () => {
    const parts = envelope();
    const signature = await signEnvelope(parts, [parts.header], parts.header.parentNode as Element);
    const received = reparse(signature);
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(
      'SIGNATURE_REFERENCE_INVALID',
    );
  });

  it('refuses a signature over a parent when the child is expected (and the child was replaced)', async () => {
    const parts = envelope();
    const signature = await signEnvelope(parts, [parts.body], parts.header);
    const received = reparse(signature);
    const order = findElement(received.body, OSCI, 'Order') as Element;
    const forged = order.cloneNode(true) as Element;
    (findElement(forged, OSCI, 'Amount') as Element).textContent = '1';
    received.body.replaceChild(forged, order);
    expect(await codeOf(() => verify(received.signature, [forged]))).toBe('SIGNATURE_REFERENCE_INVALID');
    // And the parent itself no longer verifies.
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe('SIGNATURE_INVALID');
  });

  it('refuses extra references and missing expected elements', async () => {
    const parts = envelope();
    const signature = await signEnvelope(
      parts,
      [parts.body, parts.header],
      parts.header.parentNode as Element,
    );
    const received = reparse(signature);
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(
      'SIGNATURE_REFERENCE_INVALID',
    );
    const single = await signed();
    const again = reparse(single.signature);
    expect(await codeOf(() => verify(again.signature, [again.body, again.header]))).toBe(
      'SIGNATURE_REFERENCE_INVALID',
    );
  });
});

describe('algorithm allow-list', () => {
  const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

  it('refuses RSA-SHA1 unless allowLegacy, and verifies it with allowLegacy', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    resign(received.signature, {
      algorithmUri: RSA_SHA1,
      hash: 'sha1',
      privateKeyPem: pki.certificates.documentProducerSignature.privateKeyPem,
    });
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    const result = await verify(received.signature, [received.body], { allowLegacy: true });
    expect(result.algorithm.signature).toBe(RSA_SHA1);
  });

  it('refuses SHA-1 digests unless allowLegacy', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    redigest(received.signature, received.body, 'http://www.w3.org/2000/09/xmldsig#sha1', 'sha1');
    resign(received.signature, {
      algorithmUri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      hash: 'sha256',
      privateKeyPem: pki.certificates.documentProducerSignature.privateKeyPem,
    });
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    expect(
      (await verify(received.signature, [received.body], { allowLegacy: true })).algorithm.digests[0],
    ).toMatch(/#sha1$/);
  });

  it('never accepts HMAC or DSA without allowLegacy, and HMAC not even with it', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    const method = findElement(received.signature, DS_NAMESPACE, 'SignatureMethod') as Element;
    method.setAttribute('Algorithm', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1');
    expect(await codeOf(() => verify(received.signature, [received.body], { allowLegacy: true }))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    method.setAttribute('Algorithm', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256');
    expect(await codeOf(() => verify(received.signature, [received.body], { allowLegacy: true }))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    method.setAttribute('Algorithm', 'http://www.w3.org/2000/09/xmldsig#dsa-sha1');
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
  });

  it('refuses other transforms and canonicalizations', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    const transform = findElement(received.signature, DS_NAMESPACE, 'Transform') as Element;
    transform.setAttribute('Algorithm', 'http://www.w3.org/TR/1999/REC-xslt-19991116');
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
    const other = reparse((await signed()).signature);
    (findElement(other.signature, DS_NAMESPACE, 'CanonicalizationMethod') as Element).setAttribute(
      'Algorithm',
      'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
    );
    expect(await codeOf(() => verify(other.signature, [other.body]))).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
  });

  it('refuses an RSA-1024 signer unless allowLegacy', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    const weak = pki.certificates.rsa1024;
    resign(received.signature, {
      algorithmUri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      hash: 'sha256',
      privateKeyPem: weak.privateKeyPem,
      certificateDer: weak.certificateDer,
    });
    const error = await errorOf(() =>
      verify(received.signature, [received.body], { intermediates: [pki.caBundlePem] }),
    );
    expect(error.code).toBe('SIGNATURE_ALGORITHM_FORBIDDEN');
    expect(error.details).toMatchObject({ bits: 1024 });
    const result = await verify(received.signature, [received.body], {
      intermediates: [pki.caBundlePem],
      allowLegacy: true,
    });
    expect(result.signer.serialNumber).toBe(weak.serialNumber);
  });
});

describe('signer certificate', () => {
  it('refuses a signature value made with another key than the certificate (SIGNATURE_INVALID)', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    const other = pki.certificates.passportAuthoritySignature;
    (findElement(received.signature, DS_NAMESPACE, 'X509Certificate') as Element).textContent =
      other.certificateDer.toString('base64');
    expect(
      await codeOf(() => verify(received.signature, [received.body], { intermediates: [pki.caBundlePem] })),
    ).toBe('SIGNATURE_INVALID');
  });

  const cases = [
    ['selfSigned', 'CERTIFICATE_UNTRUSTED'],
    ['expired', 'CERTIFICATE_EXPIRED'],
    ['notYetValid', 'CERTIFICATE_NOT_YET_VALID'],
    ['osciIntermediaryEncryption', 'CERTIFICATE_KEY_USAGE'],
  ] as const;
  it.each(cases)('%s → %s', async (name, code) => {
    const parts = envelope();
    const signature = await signEnvelope(parts, [parts.body], parts.header, pki.certificates[name]);
    const received = reparse(signature);
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe(code);
  });

  it('checks the certificate before the signature value', async () => {
    const parts = envelope();
    const signature = await signEnvelope(parts, [parts.body], parts.header, pki.certificates.expired);
    const received = reparse(signature);
    (findElement(received.body, OSCI, 'Amount') as Element).textContent = '0';
    (findElement(received.signature, DS_NAMESPACE, 'SignatureValue') as Element).textContent = 'AAAA';
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe('CERTIFICATE_EXPIRED');
  });

  it('validates at the given time', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    const later = new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000);
    expect(await codeOf(() => verify(received.signature, [received.body], { at: later }))).toBe(
      'CERTIFICATE_EXPIRED',
    );
    const earlier = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    expect(await codeOf(() => verify(received.signature, [received.body], { at: earlier }))).toBe(
      'CERTIFICATE_NOT_YET_VALID',
    );
  });

  it('requires the requested key usage', async () => {
    const { signature } = await signed({ certificate: pki.certificates.wrongKeyUsage });
    const received = reparse(signature);
    // wrongKeyUsage carries nonRepudiation only: fine by default, refused when digitalSignature is required.
    await expect(verify(received.signature, [received.body])).resolves.toBeDefined();
    expect(
      await codeOf(() =>
        verify(received.signature, [received.body], { requiredKeyUsage: 'digitalSignature' }),
      ),
    ).toBe('CERTIFICATE_KEY_USAGE');
  });

  it('refuses a revoked certificate when CRLs are given', async () => {
    const { signature } = await signed({ certificate: pki.certificates.revoked });
    const received = reparse(signature);
    const error = await errorOf(() => verify(received.signature, [received.body], { crls: pki.crls.all }));
    expect(error.code).toBe('CERTIFICATE_UNTRUSTED');
    expect(error.details).toMatchObject({ reason: 'revoked' });
    // A good certificate passes with the same CRLs.
    const good = reparse((await signed()).signature);
    await expect(verify(good.signature, [good.body], { crls: pki.crls.all })).resolves.toBeDefined();
  });

  it('fails closed when CRLs are given but none covers the issuer', async () => {
    const good = reparse((await signed()).signature);
    const error = await errorOf(() => verify(good.signature, [good.body], { crls: [pki.crls.root.pem] }));
    expect(error.code).toBe('CERTIFICATE_UNTRUSTED');
  });

  it('refuses a chain to another root', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    expect(
      await codeOf(() =>
        verifyXmlSignature(received.signature, {
          expectedReferences: [received.body],
          trustAnchors: [pki.certificates.selfSigned.certificatePem],
        }),
      ),
    ).toBe('CERTIFICATE_UNTRUSTED');
  });

  it('reports a missing certificate', async () => {
    const { signature } = await signed();
    const received = reparse(signature);
    const keyInfo = findElement(received.signature, DS_NAMESPACE, 'KeyInfo') as Element;
    received.signature.removeChild(keyInfo);
    expect(await codeOf(() => verify(received.signature, [received.body]))).toBe('CERTIFICATE_INVALID');
  });
});
