import type { TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFragment } from '../src/codec/xml.js';
import {
  certificateDerList,
  clearSecurityCaches,
  importPrivateKey,
  validateCertificate,
} from '../src/security/certificates.js';
import { codeOf, pki as loadPki } from './helpers/security-fixtures.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadPki();
});

const DAY = 24 * 3600 * 1000;

describe('caches of the security core do not change any result', () => {
  it('a cached certificate path is checked again at the time of each validation', async () => {
    clearSecurityCaches();
    const certificate = pki.certificates.documentProducerSignature;
    const leaf = certificateDerList(certificate.certificatePem)[0] as Uint8Array;
    const options = {
      trustAnchors: [pki.trustAnchorPem],
      intermediates: [pki.caBundlePem],
      keyUsage: ['digitalSignature', 'nonRepudiation'] as const,
    };
    const first = await validateCertificate(leaf, options);
    const second = await validateCertificate(leaf, options);
    expect(second).toEqual(first);
    // The same inputs at other times: the path is known, but its validity is not.
    expect(
      await codeOf(() => validateCertificate(leaf, { ...options, at: new Date(Date.now() + 3 * 365 * DAY) })),
    ).toBe('CERTIFICATE_EXPIRED');
    expect(
      await codeOf(() => validateCertificate(leaf, { ...options, at: new Date(Date.now() - 2 * DAY) })),
    ).toBe('CERTIFICATE_NOT_YET_VALID');
    // Other anchors are another cache entry; key usage is checked on every call.
    expect(
      await codeOf(() =>
        validateCertificate(leaf, { ...options, trustAnchors: [pki.certificates.selfSigned.certificatePem] }),
      ),
    ).toBe('CERTIFICATE_UNTRUSTED');
    expect(
      await codeOf(() => validateCertificate(leaf, { ...options, keyUsage: ['keyEncipherment'] as const })),
    ).toBe('CERTIFICATE_KEY_USAGE');
    // With CRLs nothing is taken from the cache: a revoked certificate is refused although validated before.
    const revoked = certificateDerList(pki.certificates.revoked.certificatePem)[0] as Uint8Array;
    await validateCertificate(revoked, options);
    const error = await codeOf(() => validateCertificate(revoked, { ...options, crls: pki.crls.all }));
    expect(error).toBe('CERTIFICATE_UNTRUSTED');
  });

  it('an imported PEM key is reused, and different keys stay different', () => {
    clearSecurityCaches();
    const a = importPrivateKey(pki.certificates.documentProducerSignature.privateKeyPem);
    expect(importPrivateKey(pki.certificates.documentProducerSignature.privateKeyPem)).toBe(a);
    const b = importPrivateKey(pki.certificates.passportAuthoritySignature.privateKeyPem);
    expect(b).not.toBe(a);
    expect(
      b.export({ format: 'der', type: 'pkcs8' }).equals(a.export({ format: 'der', type: 'pkcs8' })),
    ).toBe(false);
    clearSecurityCaches();
    expect(importPrivateKey(pki.certificates.documentProducerSignature.privateKeyPem)).not.toBe(a);
    expect(() => importPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
  });

  it('a fragment checked before is still checked for the expected root element', () => {
    const xml = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>';
    const ds = { ns: 'http://www.w3.org/2000/09/xmldsig#', local: 'Signature' };
    expect(checkFragment(xml, '/x', ds)).toBe(xml);
    expect(checkFragment(xml, '/x', ds)).toBe(xml);
    expect(() =>
      checkFragment(xml, '/x', { ns: 'http://www.w3.org/2001/04/xmlenc#', local: 'EncryptedData' }),
    ).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
    expect(() => checkFragment('<a><b></a>', '/y')).toThrow(
      expect.objectContaining({ code: 'MESSAGE_INVALID' }),
    );
    expect(() => checkFragment('<a><b></a>', '/y')).toThrow(
      expect.objectContaining({ code: 'MESSAGE_INVALID' }),
    );
  });
});
