import type { DvdvCertificate, DvdvClient, ServiceLookup } from '@egovkit/dvdv-client';
import { CliError, EXIT } from '../errors.js';
import { readPemFile } from '../input.js';
import { type CommandResult, indent, lines } from '../output.js';

export interface DvdvLookupOptions {
  /** `ldaps://` or `ldap://` (StartTLS) URL of a DVDV server; the embedded demo directory otherwise. */
  readonly ldap?: string;
  /** PEM file with the CA of the LDAP server (Node's CA store otherwise). */
  readonly ca?: string;
  readonly baseDn?: string;
  /** Simple bind DN; the password comes from the environment variable `EGOVKIT_DVDV_PASSWORD`. */
  readonly bindDn?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly commonName?: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly keyUsage: readonly string[];
  readonly spkiSha256: string;
}

function summary(certificate: DvdvCertificate): CertificateSummary {
  return {
    subject: certificate.subject,
    ...(certificate.commonName === undefined ? {} : { commonName: certificate.commonName }),
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    keyUsage: certificate.keyUsage,
    spkiSha256: certificate.spkiSha256,
  };
}

async function openClient(options: DvdvLookupOptions): Promise<{ client: DvdvClient; source: string }> {
  const { createDvdvClient, createEmbeddedDvdvClient } = await import('@egovkit/dvdv-client');
  if (options.ldap === undefined) {
    if (options.ca !== undefined || options.bindDn !== undefined || options.baseDn !== undefined) {
      throw new CliError('USAGE', '--ca, --base-dn and --bind-dn need --ldap <url>');
    }
    return { client: createEmbeddedDvdvClient({ cache: false }), source: 'embedded demo directory' };
  }
  const ca = options.ca === undefined ? undefined : await readPemFile(options.ca, 'CERTIFICATE', 'CA file');
  let bind: { dn: string; password: string } | undefined;
  if (options.bindDn !== undefined) {
    const password = options.env?.EGOVKIT_DVDV_PASSWORD;
    if (password === undefined || password === '') {
      throw new CliError(
        'USAGE',
        '--bind-dn needs the password in the environment variable EGOVKIT_DVDV_PASSWORD',
      );
    }
    bind = { dn: options.bindDn, password };
  }
  const client = createDvdvClient({
    servers: [options.ldap],
    cache: false,
    ...(options.baseDn === undefined ? {} : { baseDn: options.baseDn }),
    ...(ca === undefined ? {} : { tls: { ca } }),
    ...(bind === undefined ? {} : { bind }),
  });
  return { client, source: options.ldap };
}

function lookupText(source: string, lookup: ServiceLookup): string {
  const certificate = (label: string, value: DvdvCertificate | undefined) =>
    value === undefined
      ? `${label}: none listed`
      : `${label}: ${value.subject}\n${indent(`serial ${value.serialNumber}, valid ${value.notBefore.toISOString()} – ${value.notAfter.toISOString()}\nkey usage ${value.keyUsage.join(', ') || '(none)'}\nSPKI SHA-256 ${value.spkiSha256}`)}`;
  return lines(
    `${lookup.organisation.name} (${lookup.organisation.kennung}), from the ${source}`,
    `categories: ${lookup.organisation.categories.join(', ')}`,
    `service: ${lookup.service.uri}${lookup.service.name === undefined ? '' : ` (${lookup.service.name})`}`,
    `intermediary: ${lookup.endpoint.intermediaryUrl}`,
    `addressee: ${lookup.endpoint.addressee}`,
    certificate('encryption certificate', lookup.encryptionCertificate),
    certificate('signature certificate', lookup.signatureCertificate),
    `listed certificates: ${lookup.certificates.length}`,
    ...lookup.certificates.map((entry) =>
      indent(`- ${entry.role}: ${entry.certificate.subject} (${entry.validity})`),
    ),
  );
}

/** `egovkit dvdv lookup <kennung> <service>`: endpoint and certificates of a service in the DVDV. */
export async function dvdvLookup(
  kennung: string,
  service: string,
  options: DvdvLookupOptions,
): Promise<CommandResult> {
  const { client, source } = await openClient(options);
  try {
    const lookup = await client.lookupService(kennung, service);
    return {
      exitCode: EXIT.OK,
      json: {
        source: options.ldap ?? 'embedded',
        organisation: {
          kennung: lookup.organisation.kennung,
          name: lookup.organisation.name,
          categories: lookup.organisation.categories,
          dn: lookup.organisation.dn,
        },
        service: {
          uri: lookup.service.uri,
          ...(lookup.service.name === undefined ? {} : { name: lookup.service.name }),
          dn: lookup.service.dn,
        },
        endpoint: {
          intermediaryUrl: lookup.endpoint.intermediaryUrl,
          addressee: lookup.endpoint.addressee,
          ...(lookup.endpoint.intermediaryCertificate === undefined
            ? {}
            : { intermediaryCertificate: summary(lookup.endpoint.intermediaryCertificate) }),
        },
        ...(lookup.encryptionCertificate === undefined
          ? {}
          : { encryptionCertificate: summary(lookup.encryptionCertificate) }),
        ...(lookup.signatureCertificate === undefined
          ? {}
          : { signatureCertificate: summary(lookup.signatureCertificate) }),
        certificates: lookup.certificates.map((entry) => ({
          role: entry.role,
          validity: entry.validity,
          ...summary(entry.certificate),
        })),
        checkedAt: lookup.checkedAt.toISOString(),
      },
      text: lookupText(source, lookup),
    };
  } finally {
    await client.close();
  }
}
