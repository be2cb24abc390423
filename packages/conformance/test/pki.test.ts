import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConformancePki, generateConformancePki } from '../src/index.js';
import { PACKAGE_DIR } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'conformance-pki-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('generateConformancePki', () => {
  it('writes a complete PKI (PEM, DER, PKCS#12, CRLs, pki.json) whose certificates chain to the trust anchor', async () => {
    const pki = await generateConformancePki(join(scratch, 'pki'));
    expect(pki.directory).toBe(join(scratch, 'pki'));
    expect(Object.keys(pki.certificates).length).toBeGreaterThanOrEqual(19);
    expect(Object.keys(pki.certificates)).toEqual(
      expect.arrayContaining([
        'rootCa',
        'subCa',
        'osciIntermediaryEncryption',
        'passportAuthoritySignature',
        'documentProducerEncryption',
        'expired',
        'revoked',
        'selfSigned',
      ]),
    );
    const root = new X509Certificate(readFileSync(pki.trustAnchorFile));
    const sub = new X509Certificate(readFileSync(pki.certificates.subCa.files.certificatePem));
    expect(root.verify(root.publicKey)).toBe(true);
    expect(sub.verify(root.publicKey)).toBe(true);
    for (const name of [
      'passportAuthoritySignature',
      'documentProducerEncryption',
      'osciIntermediaryEncryption',
    ] as const) {
      const entry = pki.certificates[name];
      const certificate = new X509Certificate(readFileSync(entry.files.certificatePem));
      expect(certificate.verify(sub.publicKey), name).toBe(true);
      expect(certificate.subject.replace(/\n/g, ', ')).toContain(entry.subject.split(', ')[0] as string);
      expect(new X509Certificate(readFileSync(entry.files.certificateDer)).fingerprint256).toBe(
        certificate.fingerprint256,
      );
      expect(certificate.checkPrivateKey(createPrivateKey(readFileSync(entry.files.privateKeyPem)))).toBe(
        true,
      );
      expect(statSync(entry.files.pkcs12).size).toBeGreaterThan(1000);
      expect(statSync(entry.files.privateKeyPem).mode & 0o077).toBe(0);
      expect(entry.key).toBe('RSA-2048');
    }
    expect(pki.certificates.rootCa.key).toBe('EC P-384');
    expect(pki.certificates.rsa1024.key).toBe('RSA-1024');
    expect(new Date(pki.certificates.expired.notAfter).getTime()).toBeLessThan(Date.now());
    expect(readFileSync(pki.crlFiles.subCa, 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
    const index = JSON.parse(readFileSync(pki.indexFile, 'utf8')) as ConformancePki;
    expect(index).toEqual(pki);
  });

  it('defaults to a fresh temporary directory and reports failures as ConformanceError', async () => {
    const pki = await generateConformancePki();
    try {
      expect(pki.directory.startsWith(tmpdir())).toBe(true);
      expect(statSync(pki.trustAnchorFile).isFile()).toBe(true);
    } finally {
      rmSync(pki.directory, { recursive: true, force: true });
    }
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    await expect(generateConformancePki(join(file, 'below'))).rejects.toMatchObject({
      name: 'ConformanceError',
      code: 'CONFORMANCE_PKI_FAILED',
    });
  });

  it('bundles the testkit PKI code into dist without vitest', () => {
    const files = readdirSync(join(PACKAGE_DIR, 'dist')).filter((f) => /\.c?js$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'cli.js']));
    const code = files.map((file) => [file, readFileSync(join(PACKAGE_DIR, 'dist', file), 'utf8')] as const);
    for (const [file, text] of code) {
      expect(text, file).not.toMatch(/from ["']vitest["']|require\(["']vitest["']\)|@egovkit\/testkit/);
    }
    expect(code.filter(([, text]) => text.includes('async function generateTestPki(')).length).toBe(2);
    for (const source of ['authority', 'index', 'keys', 'pem', 'pkcs12', 'test-pki', 'x509']) {
      const text = readFileSync(join(PACKAGE_DIR, '..', 'testkit', 'src', 'pki', `${source}.ts`), 'utf8');
      expect(text, source).not.toMatch(/from ['"]vitest['"]/);
    }
  });
});
