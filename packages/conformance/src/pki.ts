import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateTestPki, type TestCertificateName, type TestKeySpec } from '@egovkit/testkit/pki';
import { ConformanceError } from './errors.js';

/** Files of one certificate of the generated PKI. */
export interface ConformanceCertificateFiles {
  readonly certificatePem: string;
  readonly certificateDer: string;
  readonly privateKeyPem: string;
  readonly privateKeyDer: string;
  /** The certificate followed by the issuing CA (PEM). */
  readonly chainPem: string;
  /** Certificate, key and chain as PKCS#12 (AES-256-CBC, PBKDF2), password in `pkcs12Password`. */
  readonly pkcs12: string;
}

export interface ConformanceCertificate {
  /** File name stem, e.g. `passport-authority-signature`. */
  readonly name: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  /** e.g. `RSA-2048`, `EC P-384`. */
  readonly key: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly pkcs12Password: string;
  /** SHA-256 of the SubjectPublicKeyInfo, hex: what SPKI pinning compares. */
  readonly spkiSha256: string;
  readonly files: ConformanceCertificateFiles;
}

/**
 * The names of the certificates (those of the egovkit test PKI): root and issuing CA; signature and
 * encryption certificates of an OSCI intermediary, a passport authority and the document producer; TLS
 * server and client certificates; and defective variants (expired, not yet valid, wrong key usage,
 * self-signed, revoked, RSA-1024, wrong host name).
 */
export type ConformanceCertificateName = TestCertificateName;

export interface ConformancePki {
  readonly directory: string;
  /** The only certificate to configure as trusted. */
  readonly trustAnchorFile: string;
  /** Issuing CA followed by the root (PEM). */
  readonly caBundleFile: string;
  /** CRLs (PEM) of the issuing CA (lists `revoked`) and of the root. */
  readonly crlFiles: { readonly root: string; readonly subCa: string };
  readonly certificates: Readonly<Record<ConformanceCertificateName, ConformanceCertificate>>;
  /** `pki.json` in the directory: this object as JSON. */
  readonly indexFile: string;
}

function describeKey(spec: TestKeySpec): string {
  return spec.type === 'rsa' ? `RSA-${spec.bits}` : `EC ${spec.curve}`;
}

/**
 * Generates a fresh throwaway test PKI into `directory` (default: a new temporary directory): a root and an
 * issuing CA, the certificates an OSCI exchange needs (intermediary, passport authority, document producer;
 * signature and encryption each), TLS server/client certificates and defective variants, each as PEM, DER
 * and PKCS#12 with its key, plus CRLs and `pki.json` describing everything. Test material only.
 */
export async function generateConformancePki(directory?: string): Promise<ConformancePki> {
  const target =
    directory === undefined ? mkdtempSync(join(tmpdir(), 'egovkit-conformance-pki-')) : resolve(directory);
  try {
    const pki = await generateTestPki(target);
    const certificates = {} as Record<ConformanceCertificateName, ConformanceCertificate>;
    for (const [name, certificate] of Object.entries(pki.certificates)) {
      certificates[name as ConformanceCertificateName] = {
        name: certificate.name,
        subject: certificate.subject,
        issuer: certificate.issuer,
        serialNumber: certificate.serialNumber,
        key: describeKey(certificate.keySpec),
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
        pkcs12Password: certificate.pkcs12Password,
        spkiSha256: certificate.spkiSha256,
        files: { ...certificate.files },
      };
    }
    const result: ConformancePki = {
      directory: target,
      trustAnchorFile: pki.trustAnchorFile,
      caBundleFile: pki.caBundleFile,
      crlFiles: { root: pki.crls.root.pemFile, subCa: pki.crls.subCa.pemFile },
      certificates,
      indexFile: join(target, 'pki.json'),
    };
    writeFileSync(result.indexFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } catch (cause) {
    throw new ConformanceError('CONFORMANCE_PKI_FAILED', `could not generate the test PKI in ${target}`, {
      cause,
      details: { directory: target },
    });
  }
}
