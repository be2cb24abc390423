import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { KbaWsError } from '../errors.js';
import { type CertificateInfo, describeCertificate, pemCertificatesToDer } from './certificates.js';

/**
 * Trust anchors for the server certificate. There is deliberately no way to switch validation off:
 * - `'node-bundled'`: the Mozilla CA store compiled into Node.js (the KBA's server certificate comes from a
 *   publicly trusted CA, § 1 (3) a (III) of the KBA declaration);
 * - `'system'`: the operating system's bundle file (Debian/Ubuntu, RHEL or Alpine paths, or `systemFile`);
 * - an explicit CA bundle as PEM text or a file.
 */
export type TrustAnchors =
  | 'node-bundled'
  | { readonly system: true; readonly systemFile?: string }
  | { readonly caPem: string | readonly string[] }
  | { readonly caFile: string | readonly string[] };

const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
];

export interface ResolvedTrust {
  readonly source: string;
  readonly ca: string[];
  readonly anchors: readonly CertificateInfo[];
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new KbaWsError('TRUST_ANCHORS_INVALID', `The CA bundle "${path}" cannot be read.`, {
      cause,
      details: { path },
    });
  }
}

export function resolveTrustAnchors(trust: TrustAnchors | undefined): ResolvedTrust {
  if (trust === undefined) {
    throw new KbaWsError(
      'CONFIG_INVALID',
      'trustAnchors is required: "node-bundled", { system: true } or an explicit CA bundle ({ caPem } / { caFile }).',
      { details: { option: 'trustAnchors' } },
    );
  }
  let source: string;
  let pems: string[];
  if (trust === 'node-bundled') {
    source = 'Node.js bundled Mozilla CA store';
    pems = [...rootCertificates];
  } else if ('system' in trust) {
    const candidates = trust.systemFile === undefined ? SYSTEM_BUNDLES : [trust.systemFile];
    const found = candidates.find((path) => {
      try {
        readFileSync(path);
        return true;
      } catch {
        return false;
      }
    });
    if (found === undefined) {
      throw new KbaWsError('TRUST_ANCHORS_INVALID', 'No system CA bundle found.', {
        details: { searched: candidates },
      });
    }
    source = `system CA bundle ${found}`;
    pems = [readText(found)];
  } else if ('caPem' in trust) {
    source = 'explicit CA bundle';
    pems = typeof trust.caPem === 'string' ? [trust.caPem] : [...trust.caPem];
  } else if ('caFile' in trust) {
    const files = typeof trust.caFile === 'string' ? [trust.caFile] : [...trust.caFile];
    source = `CA bundle file ${files.join(', ')}`;
    pems = files.map(readText);
  } else {
    throw new KbaWsError('CONFIG_INVALID', 'trustAnchors has an unknown form.', {
      details: { option: 'trustAnchors' },
    });
  }
  const ders = pems.flatMap((pem) => pemCertificatesToDer(pem));
  if (ders.length === 0) {
    throw new KbaWsError('TRUST_ANCHORS_INVALID', 'The trust anchors contain no PEM certificate.', {
      details: { source },
    });
  }
  const anchors = ders.map((der) => describeCertificate(der, 'TRUST_ANCHORS_INVALID'));
  return { source, ca: pems, anchors };
}
