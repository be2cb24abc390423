import { getTestPki, type TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateValidity, DvdvError, parseCertificate, sameCertificate } from '../src/index.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe('parseCertificate', () => {
  it('reads subject, issuer, serial, validity, key usage and the SPKI pin of a signature certificate', () => {
    const source = pki.certificates.passportAuthoritySignature;
    const certificate = parseCertificate(source.certificatePem);
    expect(certificate.commonName).toBe('Passbehörde Musterstadt (Test)');
    expect(certificate.subject).toContain('CN=Passbehörde Musterstadt (Test)');
    expect(certificate.subject).toContain('OU=Signatur');
    expect(certificate.issuer).toContain('CN=egovkit Test Issuing CA');
    expect(certificate.serialNumber.replace(/^00/, '')).toBe(source.serialNumber.replace(/^00/, ''));
    expect(certificate.notBefore).toEqual(source.notBefore);
    expect(certificate.notAfter).toEqual(source.notAfter);
    expect(certificate.keyUsage).toContain('digitalSignature');
    expect(certificate.keyUsage).not.toContain('keyEncipherment');
    expect(certificate.spkiSha256).toBe(source.spkiSha256);
    expect(certificate.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the key usage of an encryption certificate and the EKU of a TLS certificate', () => {
    expect(parseCertificate(pki.certificates.passportAuthorityEncryption.certificatePem).keyUsage).toContain(
      'keyEncipherment',
    );
    expect(parseCertificate(pki.certificates.ldapServer.certificatePem).extendedKeyUsage).toContain(
      '1.3.6.1.5.5.7.3.1',
    );
  });

  it('accepts DER bytes and PEM bytes and gives the same result', () => {
    const source = pki.certificates.documentProducerSignature;
    const fromPem = parseCertificate(source.certificatePem);
    const fromDer = parseCertificate(source.certificateDer);
    expect(sameCertificate(fromPem, fromDer)).toBe(true);
    expect(parseCertificate(Buffer.from(source.certificatePem)).sha256).toBe(fromPem.sha256);
    expect(parseCertificate(fromPem)).toBe(fromPem);
    expect(parseCertificate(fromDer.pem).sha256).toBe(fromDer.sha256);
  });

  it('tells valid, expired and not-yet-valid apart', () => {
    const expired = parseCertificate(pki.certificates.expired.certificatePem);
    const future = parseCertificate(pki.certificates.notYetValid.certificatePem);
    const now = new Date();
    expect(certificateValidity(expired, now)).toBe('expired');
    expect(certificateValidity(future, now)).toBe('not-yet-valid');
    expect(certificateValidity(expired, expired.notAfter)).toBe('valid');
  });

  it.each([
    ['no PEM block', 'hello'],
    ['two PEM blocks', 'two'],
    ['bad base64', '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----'],
    ['not a certificate', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])],
    ['trailing bytes', 'trailing'],
  ])('rejects %s with DVDV_CERTIFICATE_INVALID', (_, input) => {
    const der = pki.certificates.ldapServer.certificateDer;
    const value =
      input === 'two'
        ? pki.certificates.ldapServer.certificatePem + pki.certificates.kbaServer.certificatePem
        : input === 'trailing'
          ? Buffer.concat([der, Buffer.from([0])])
          : input;
    expect(() => parseCertificate(value)).toThrow(DvdvError);
    try {
      parseCertificate(value);
    } catch (error) {
      expect((error as DvdvError).code).toBe('DVDV_CERTIFICATE_INVALID');
    }
  });
});
