import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  derToPem,
  describeSignatureAlgorithm,
  extendedKeyUsageOf,
  isCertificateAuthority,
  keyUsageOf,
  parseDerCertificate,
  pemBlocks,
  spkiSha256Of,
  X509Error,
} from '../src/index.js';

const leafPem = readFileSync(new URL('./fixtures/leaf.pem', import.meta.url), 'utf8');
// Computed with: openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64
const LEAF_SPKI_SHA256 = 'QX7s0B+fZJDhQfJ+9KftsmqvIoyVE42J/DTY6gyGS1c=';

describe('X.509 helpers', () => {
  it('read key usage, extended key usage, basic constraints, signature algorithm and SPKI hash', () => {
    const [der] = pemBlocks(leafPem);
    const certificate = parseDerCertificate(der as Uint8Array);
    expect(keyUsageOf(certificate)).toEqual(['digitalSignature', 'keyAgreement']);
    expect(extendedKeyUsageOf(certificate)).toEqual(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4']);
    expect(isCertificateAuthority(certificate)).toBe(false);
    expect(describeSignatureAlgorithm(certificate.signatureAlgorithm.algorithmId)).toEqual({
      oid: '1.2.840.10045.4.3.2',
      name: 'ecdsa-with-SHA256',
      legacy: false,
    });
    expect(spkiSha256Of(certificate)).toBe(LEAF_SPKI_SHA256);
  });

  it('round-trips PEM and refuses broken input', () => {
    const [der] = pemBlocks(leafPem);
    expect(pemBlocks(derToPem(der as Uint8Array))).toEqual([der]);
    expect(pemBlocks('no pem here')).toEqual([]);
    expect(() => pemBlocks('-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----')).toThrow(X509Error);
    expect(() => parseDerCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(X509Error);
    const trailing = new Uint8Array([...(der as Uint8Array), 0]);
    expect(() => parseDerCertificate(trailing)).toThrow('trailing bytes');
    expect(describeSignatureAlgorithm('1.2.840.113549.1.1.5')).toMatchObject({ legacy: true });
    expect(describeSignatureAlgorithm('1.2.3.4')).toEqual({ oid: '1.2.3.4', name: '1.2.3.4', legacy: true });
  });
});
