import { readFileSync } from 'node:fs';
import { createSecureContext, type PeerCertificate, type SecureContextOptions, TLSSocket } from 'node:tls';
import { KbaWsError } from '../errors.js';
import {
  type CertificateInfo,
  describeCertificate,
  describeKey,
  keyMeetsMinimum,
  pemCertificatesToDer,
} from './certificates.js';
import type { TlsPreset } from './presets.js';

/**
 * The KBA's file-based client certificate: a PKCS#12 file with its password, or a PEM private key with the
 * PEM certificate chain (leaf first). Secrets may come from files so that they stay out of configuration.
 */
export type ClientCertificateSource =
  | { readonly pkcs12File: string; readonly password?: string; readonly passwordFile?: string }
  | { readonly pkcs12: Uint8Array; readonly password: string }
  | { readonly certificateFile: string; readonly privateKeyFile: string; readonly passphrase?: string }
  | { readonly certificatePem: string; readonly privateKeyPem: string; readonly passphrase?: string };

export interface LoadedClientIdentity {
  readonly tlsOptions: Pick<SecureContextOptions, 'pfx' | 'passphrase' | 'cert' | 'key'>;
  readonly certificate: CertificateInfo;
  readonly source: string;
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new KbaWsError('CLIENT_CERTIFICATE_UNREADABLE', `The ${what} "${path}" cannot be read.`, {
      cause,
      details: { path },
    });
  }
}

function resolveSource(source: ClientCertificateSource): {
  tlsOptions: LoadedClientIdentity['tlsOptions'];
  description: string;
  leafPem?: string;
} {
  if ('pkcs12File' in source) {
    let password = source.password;
    if (source.passwordFile !== undefined) {
      password = readFile(source.passwordFile, 'PKCS#12 password file')
        .toString('utf8')
        .replace(/\r?\n$/, '');
    }
    if (password === undefined) {
      throw new KbaWsError('CONFIG_INVALID', 'A PKCS#12 file needs `password` or `passwordFile`.', {
        details: { option: 'clientCertificate' },
      });
    }
    return {
      tlsOptions: { pfx: readFile(source.pkcs12File, 'PKCS#12 file'), passphrase: password },
      description: `PKCS#12 file ${source.pkcs12File}`,
    };
  }
  if ('pkcs12' in source) {
    return {
      tlsOptions: { pfx: Buffer.from(source.pkcs12), passphrase: source.password },
      description: 'PKCS#12',
    };
  }
  const certificatePem =
    'certificateFile' in source
      ? readFile(source.certificateFile, 'certificate file').toString('utf8')
      : source.certificatePem;
  const privateKeyPem =
    'privateKeyFile' in source
      ? readFile(source.privateKeyFile, 'private key file').toString('utf8')
      : source.privateKeyPem;
  const tlsOptions: LoadedClientIdentity['tlsOptions'] =
    source.passphrase === undefined
      ? { cert: certificatePem, key: privateKeyPem }
      : { cert: certificatePem, key: privateKeyPem, passphrase: source.passphrase };
  return {
    tlsOptions,
    description:
      'certificateFile' in source ? `PEM files ${source.certificateFile}, ${source.privateKeyFile}` : 'PEM',
    leafPem: certificatePem,
  };
}

/**
 * Loads the client certificate and key. OpenSSL itself decodes the PKCS#12 or PEM data (as it will for
 * every handshake) and checks that key and certificate belong together.
 */
export function loadClientIdentity(source: ClientCertificateSource | undefined): LoadedClientIdentity {
  if (source === undefined || source === null || typeof source !== 'object') {
    throw new KbaWsError(
      'CONFIG_INVALID',
      'clientCertificate is required: the KBA web services accept only KBA-issued client certificates.',
      { details: { option: 'clientCertificate' } },
    );
  }
  const { tlsOptions, description, leafPem } = resolveSource(source);
  let context: ReturnType<typeof createSecureContext>;
  try {
    context = createSecureContext(tlsOptions);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const mismatch = /key values mismatch/i.test(message);
    throw new KbaWsError(
      mismatch ? 'CLIENT_CERTIFICATE_INVALID' : 'CLIENT_CERTIFICATE_UNREADABLE',
      mismatch
        ? 'The private key does not belong to the client certificate.'
        : `The client certificate or key cannot be loaded (wrong password or damaged file?): ${message}`,
      { cause, details: { source: description } },
    );
  }
  let leafDer: Uint8Array | undefined =
    leafPem === undefined ? undefined : pemCertificatesToDer(leafPem, 'CLIENT_CERTIFICATE_INVALID')[0];
  if (leafDer === undefined) {
    // The leaf inside a PKCS#12 file as OpenSSL loaded it; the socket never connects.
    const probe = new TLSSocket(null as never, { secureContext: context });
    try {
      const certificate = probe.getCertificate() as PeerCertificate | null;
      leafDer = certificate?.raw;
    } finally {
      probe.destroy();
    }
  }
  if (leafDer === undefined) {
    throw new KbaWsError(
      'CLIENT_CERTIFICATE_UNREADABLE',
      'The client certificate source holds no certificate.',
      {
        details: { source: description },
      },
    );
  }
  return {
    tlsOptions,
    certificate: describeCertificate(leafDer, 'CLIENT_CERTIFICATE_INVALID'),
    source: description,
  };
}

export interface ClientCertificateCheck {
  /** Days until `notAfter`, rounded down. */
  readonly daysUntilExpiry: number;
  /** True when expiry is within the warning window. */
  readonly expiresSoon: boolean;
}

/**
 * The start-up check of the client's own certificate: validity, key size per preset (the KBA text demands
 * RSA ≥ 2048 / ECC ≥ 224 outside TLS too) and key usage for TLS client authentication. Throws on failure.
 */
export function checkClientCertificate(
  certificate: CertificateInfo,
  preset: TlsPreset,
  now: Date,
  warningDays: number,
): ClientCertificateCheck {
  const details = {
    subject: certificate.subject,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
  };
  if (now.getTime() < certificate.notBefore.getTime()) {
    throw new KbaWsError('CLIENT_CERTIFICATE_NOT_YET_VALID', 'The client certificate is not valid yet.', {
      details,
    });
  }
  if (now.getTime() > certificate.notAfter.getTime()) {
    throw new KbaWsError('CLIENT_CERTIFICATE_EXPIRED', 'The client certificate has expired.', { details });
  }
  if (!keyMeetsMinimum(certificate.key, preset.minimumKeySizes)) {
    throw new KbaWsError(
      'CLIENT_KEY_TOO_WEAK',
      `The client key (${describeKey(certificate.key)}) is below the "${preset.name}" floor of RSA ${preset.minimumKeySizes.rsa} / EC ${preset.minimumKeySizes.ec} bits.`,
      { details: { ...details, key: describeKey(certificate.key), preset: preset.name } },
    );
  }
  if (certificate.keyUsage !== undefined && !certificate.keyUsage.includes('digitalSignature')) {
    throw new KbaWsError(
      'CLIENT_CERTIFICATE_KEY_USAGE',
      'The client certificate does not allow digitalSignature, which TLS client authentication needs.',
      { details: { ...details, keyUsage: certificate.keyUsage } },
    );
  }
  const eku = certificate.extendedKeyUsage;
  if (eku !== undefined && !eku.includes('clientAuth') && !eku.includes('anyExtendedKeyUsage')) {
    throw new KbaWsError(
      'CLIENT_CERTIFICATE_KEY_USAGE',
      'The client certificate is not for TLS client authentication (extended key usage lacks clientAuth).',
      { details: { ...details, extendedKeyUsage: eku } },
    );
  }
  const daysUntilExpiry = Math.floor((certificate.notAfter.getTime() - now.getTime()) / 86_400_000);
  return { daysUntilExpiry, expiresSoon: daysUntilExpiry < warningDays };
}
