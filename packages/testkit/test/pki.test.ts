import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, loadTestPki, TEST_PKI_DIR_ENV, TestkitError, type TestPki } from '../src/index.js';
import { x509 } from '../src/pki/x509.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const cert = (pem: string) => new X509Certificate(pem);

describe('test PKI', () => {
  it('is generated once by the global setup and shared with the workers through the environment', () => {
    expect(process.env[TEST_PKI_DIR_ENV]).toBe(pki.directory);
  });

  it('chains every issued certificate to the root through the issuing CA', () => {
    const root = cert(pki.certificates.rootCa.certificatePem);
    const sub = cert(pki.certificates.subCa.certificatePem);
    expect(root.ca).toBe(true);
    expect(root.checkIssued(root)).toBe(true);
    expect(sub.ca).toBe(true);
    expect(sub.checkIssued(root) && sub.verify(root.publicKey)).toBe(true);
    for (const [name, issued] of Object.entries(pki.certificates)) {
      if (name === 'rootCa' || name === 'subCa' || name === 'selfSigned') continue;
      const leaf = cert(issued.certificatePem);
      expect(leaf.ca, name).toBe(false);
      expect(leaf.checkIssued(sub) && leaf.verify(sub.publicKey), name).toBe(true);
      expect(issued.chainPem, name).toBe(issued.certificatePem + pki.certificates.subCa.certificatePem);
    }
    const selfSigned = cert(pki.certificates.selfSigned.certificatePem);
    expect(selfSigned.issuer).toBe(selfSigned.subject);
    expect(selfSigned.verify(selfSigned.publicKey)).toBe(true);
    expect(selfSigned.verify(sub.publicKey)).toBe(false);
  });

  it('writes PEM, DER and key files that hold the same material', () => {
    for (const issued of Object.values(pki.certificates)) {
      expect(readFileSync(issued.files.certificateDer)).toEqual(cert(issued.certificatePem).raw);
      expect(readFileSync(issued.files.certificatePem, 'utf8')).toBe(issued.certificatePem);
      const key = createPrivateKey(readFileSync(issued.files.privateKeyPem));
      const fromDer = createPrivateKey({
        key: readFileSync(issued.files.privateKeyDer),
        format: 'der',
        type: 'pkcs8',
      });
      expect(fromDer.export({ format: 'pem', type: 'pkcs8' })).toBe(
        key.export({ format: 'pem', type: 'pkcs8' }),
      );
      expect(cert(issued.certificatePem).checkPrivateKey(key), issued.name).toBe(true);
    }
  });

  it('protects each PKCS#12 file with its password and refuses a wrong one', () => {
    const client = pki.certificates.kbaClient;
    expect(() =>
      createSecureContext({ pfx: readFileSync(client.files.pkcs12), passphrase: client.pkcs12Password }),
    ).not.toThrow();
    expect(() => createSecureContext({ pfx: client.pkcs12, passphrase: 'wrong password' })).toThrow(
      /mac verify failure/i,
    );
    expect(() => createSecureContext({ pfx: client.pkcs12 })).toThrow();
  });

  it('gives each profile its key usage and the bad variants exactly their defect', () => {
    const { certificates: c } = pki;
    expect(cert(c.kbaServer.certificatePem).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert(c.kbaClient.certificatePem).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    const keyUsage = (pem: string) =>
      new x509.X509Certificate(pem).getExtension(x509.KeyUsagesExtension)?.usages;
    expect(keyUsage(c.passportAuthoritySignature.certificatePem)).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
    );
    expect(keyUsage(c.passportAuthorityEncryption.certificatePem)).toBe(
      x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment,
    );
    expect(keyUsage(c.wrongKeyUsage.certificatePem)).toBe(x509.KeyUsageFlags.nonRepudiation);

    const now = Date.now();
    expect(c.expired.notAfter.getTime()).toBeLessThan(now);
    expect(c.notYetValid.notBefore.getTime()).toBeGreaterThan(now);
    expect(cert(c.rsa1024.certificatePem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect(cert(c.kbaServer.certificatePem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(cert(c.kbaServerEc.certificatePem).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert(c.wrongHostName.certificatePem).subjectAltName).toBe('DNS:wrong-host.egovkit.invalid');
    expect(cert(c.kbaServer.certificatePem).subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(c.passportAuthoritySignature.subject).toContain('CN=Passbehörde Musterstadt (Test)');
  });

  it('lists the revoked certificate, and only it, in the issuing CA CRL', async () => {
    const crl = new x509.X509Crl(pki.crls.subCa.der);
    const issuer = new x509.X509Certificate(pki.certificates.subCa.certificateDer);
    expect(await crl.verify({ publicKey: issuer.publicKey })).toBe(true);
    expect(crl.entries.map((entry) => entry.serialNumber.toLowerCase())).toEqual([
      pki.certificates.revoked.serialNumber,
    ]);
    expect(new x509.X509Crl(pki.crls.root.der).entries).toHaveLength(0);
    expect(pki.crls.all).toEqual([pki.crls.subCa.pem, pki.crls.root.pem]);
  });

  it('records the RFC 7469 pin as SHA-256 over the DER SubjectPublicKeyInfo', () => {
    for (const name of ['kbaServer', 'kbaServerEc'] as const) {
      const spki = cert(pki.certificates[name].certificatePem).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      expect(pki.certificates[name].spkiSha256).toBe(createHash('sha256').update(spki).digest('base64'));
    }
  });

  it('loads the same PKI back from its directory', () => {
    const loaded = loadTestPki(pki.directory);
    expect(Object.keys(loaded.certificates).sort()).toEqual(Object.keys(pki.certificates).sort());
    expect(loaded.certificates.kbaClient.pkcs12).toEqual(pki.certificates.kbaClient.pkcs12);
    expect(loaded.certificates.revoked.serialNumber).toBe(pki.certificates.revoked.serialNumber);
    expect(loaded.trustAnchorPem).toBe(pki.trustAnchorPem);
    expect(readFileSync(loaded.caBundleFile, 'utf8')).toBe(pki.caBundlePem);
  });

  it('refuses a directory without a valid manifest with a typed error', () => {
    const empty = mkdtempSync(join(tmpdir(), 'egovkit-pki-test-'));
    try {
      expect(() => loadTestPki(empty)).toThrow(TestkitError);
      writeFileSync(join(empty, 'manifest.json'), JSON.stringify({ version: 99 }));
      expect(() => loadTestPki(empty)).toThrow(
        expect.objectContaining({ code: 'TESTKIT_PKI_MANIFEST_INVALID' }),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('restores the issuing CA so that tests can issue more certificates under the same root', async () => {
    const authority = await pki.issuingAuthority();
    const extra = await authority.issue({
      name: 'extra',
      commonName: 'extra.egovkit.test',
      profile: 'tls-server',
      key: { type: 'ec', curve: 'P-384' },
      dnsNames: ['extra.egovkit.test'],
      ipAddresses: [],
    });
    const leaf = cert(extra.certificatePem);
    expect(leaf.verify(cert(pki.certificates.subCa.certificatePem).publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:extra.egovkit.test');
    expect(() => createSecureContext({ pfx: extra.pkcs12, passphrase: extra.pkcs12Password })).not.toThrow();
  });
});
