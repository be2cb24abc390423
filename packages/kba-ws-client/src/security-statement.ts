import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { KbaWsError } from './errors.js';
import { type CertificateInfo, describeKey } from './tls/certificates.js';
import type { LoadedClientIdentity } from './tls/client-identity.js';
import { presetConnectionOptions, type TlsPreset } from './tls/presets.js';
import { classifyTransportError, peerChain } from './tls/server-verification.js';
import type { ResolvedTrust } from './tls/trust.js';

export interface StatementCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly key: string;
  readonly signatureAlgorithm: string;
  readonly spkiPin: string;
  readonly fingerprintSha256: string;
}

/** The effective TLS configuration, for the authority's security concept and network plan. */
export interface SecurityStatement {
  readonly generatedAt: string;
  readonly endpoint: string;
  readonly servername: string | undefined;
  readonly preset: {
    readonly name: string;
    readonly description: string;
    readonly sources: readonly { document: string; version: string; reference: string }[];
  };
  readonly protocolVersions: readonly string[];
  readonly cipherSuites: { readonly tls13: readonly string[]; readonly tls12: readonly string[] };
  readonly groups: readonly string[];
  readonly signatureAlgorithms: readonly string[];
  readonly minimumKeySizes: { readonly rsa: number; readonly dh: number; readonly ec: number };
  readonly unavailableInThisRuntime: readonly string[];
  readonly serverValidation: {
    readonly trustAnchors: string;
    readonly trustAnchorCount: number;
    readonly hostnameCheck: true;
    readonly revocationLists: boolean;
    readonly legacyChainSignatures: 'report' | 'refuse';
  };
  readonly pinning: { readonly pins: readonly string[]; readonly scope: string } | undefined;
  readonly sessionResumption: boolean;
  readonly clientCertificate: StatementCertificate;
  /** Present when the statement was made with a live handshake. */
  readonly negotiated?: {
    readonly protocol: string | undefined;
    readonly cipherSuite: string | undefined;
    readonly group: string | undefined;
    readonly serverChain: readonly StatementCertificate[];
  };
  readonly runtime: { readonly node: string; readonly openssl: string };
}

export interface SecurityStatementInput {
  readonly preset: TlsPreset;
  readonly endpoint: string;
  readonly servername: string | undefined;
  readonly trust: ResolvedTrust;
  readonly clientCertificate: CertificateInfo;
  readonly pins: readonly string[] | undefined;
  readonly legacyChainSignatures: 'report' | 'refuse';
  readonly sessionResumption: boolean;
  readonly revocationLists?: boolean;
  readonly now: Date;
}

export function statementCertificate(certificate: CertificateInfo): StatementCertificate {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    key: describeKey(certificate.key),
    signatureAlgorithm: certificate.signatureAlgorithm.name,
    spkiPin: certificate.spkiPin,
    fingerprintSha256: certificate.fingerprintSha256,
  };
}

export function buildSecurityStatement(input: SecurityStatementInput): SecurityStatement {
  const { preset } = input;
  return {
    generatedAt: input.now.toISOString(),
    endpoint: input.endpoint,
    servername: input.servername,
    preset: { name: preset.name, description: preset.description, sources: preset.sources },
    protocolVersions:
      preset.minVersion === preset.maxVersion ? [preset.minVersion] : [preset.maxVersion, preset.minVersion],
    cipherSuites: {
      tls13: preset.tls13CipherSuites.map((suite) => suite.iana),
      tls12: preset.tls12CipherSuites.map((suite) => suite.iana),
    },
    groups: [...preset.groups],
    signatureAlgorithms: [...preset.signatureAlgorithms],
    minimumKeySizes: { ...preset.minimumKeySizes },
    unavailableInThisRuntime: [...preset.unavailable],
    serverValidation: {
      trustAnchors: input.trust.source,
      trustAnchorCount: input.trust.anchors.length,
      hostnameCheck: true,
      revocationLists: input.revocationLists ?? false,
      legacyChainSignatures: input.legacyChainSignatures,
    },
    pinning:
      input.pins === undefined
        ? undefined
        : { pins: [...input.pins], scope: 'SPKI SHA-256 of any certificate in the validated server chain' },
    sessionResumption: input.sessionResumption,
    clientCertificate: statementCertificate(input.clientCertificate),
    runtime: { node: process.versions.node, openssl: process.versions.openssl ?? 'unknown' },
  };
}

/**
 * Performs one handshake with the preset, trust anchors and client certificate and adds what was
 * negotiated (protocol, suite, group, server chain) to the statement. Validation failures are thrown.
 */
export async function probeServer(
  statement: SecurityStatement,
  options: {
    readonly preset: TlsPreset;
    readonly trust: ResolvedTrust;
    readonly identity: LoadedClientIdentity;
    readonly timeoutMs?: number;
    readonly crl?: string | readonly string[];
  },
): Promise<SecurityStatement> {
  const url = new URL(statement.endpoint);
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    const tlsSocket = connect({
      ...presetConnectionOptions(options.preset),
      ...options.identity.tlsOptions,
      ca: options.trust.ca,
      ...(options.crl === undefined
        ? {}
        : { crl: typeof options.crl === 'string' ? options.crl : [...options.crl] }),
      host: url.hostname,
      port: Number(url.port || 443),
      ...(statement.servername === undefined ? {} : { servername: statement.servername }),
      rejectUnauthorized: true,
    });
    const timer = setTimeout(() => {
      tlsSocket.destroy();
      reject(new KbaWsError('CONNECT_TIMEOUT', 'The probe handshake timed out.'));
    }, options.timeoutMs ?? 10_000);
    tlsSocket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(tlsSocket);
    });
    tlsSocket.once('error', (error) => {
      clearTimeout(timer);
      reject(classifyTransportError(error, { phase: 'connect' }));
    });
  });
  try {
    const cipher = socket.getCipher();
    const ephemeral = socket.getEphemeralKeyInfo() as { name?: string; type?: string; size?: number } | null;
    const chain = peerChain(socket.getPeerCertificate(true) as DetailedPeerCertificate);
    return {
      ...statement,
      negotiated: {
        protocol: socket.getProtocol() ?? undefined,
        cipherSuite: cipher.standardName ?? cipher.name,
        group: ephemeral?.name ?? ephemeral?.type,
        serverChain: chain.map(statementCertificate),
      },
    };
  } finally {
    socket.destroy();
  }
}

function list(items: readonly string[]): string {
  return items.length === 0 ? '—' : items.map((item) => `\`${item}\``).join(', ');
}

/** Renders a statement as Markdown for the security concept (German headings, English identifiers). */
export function renderSecurityStatementMarkdown(statement: SecurityStatement): string {
  const lines: string[] = [
    `# TLS-Konfiguration der KBA-Webservice-Anbindung`,
    '',
    `Erstellt: ${statement.generatedAt} · Endpunkt: ${statement.endpoint}${statement.servername === undefined ? '' : ` (Servername ${statement.servername})`}`,
    '',
    `## Profil \`${statement.preset.name}\``,
    '',
    statement.preset.description,
    '',
    ...statement.preset.sources.map(
      (source) => `- ${source.document}, Stand ${source.version}: ${source.reference}`,
    ),
    '',
    '| Parameter | Wert |',
    '|---|---|',
    `| TLS-Versionen | ${list(statement.protocolVersions)} |`,
    `| Cipher-Suiten TLS 1.3 | ${list(statement.cipherSuites.tls13)} |`,
    `| Cipher-Suiten TLS 1.2 | ${list(statement.cipherSuites.tls12)} |`,
    `| Gruppen (Schlüsselaustausch) | ${list(statement.groups)} |`,
    `| Signaturverfahren (Handshake) | ${list(statement.signatureAlgorithms)} |`,
    `| Mindestschlüssellängen | RSA ${statement.minimumKeySizes.rsa} Bit, DH ${statement.minimumKeySizes.dh} Bit, EC ${statement.minimumKeySizes.ec} Bit |`,
    `| In dieser Laufzeit nicht verfügbar | ${list(statement.unavailableInThisRuntime)} |`,
    `| Serverprüfung | immer aktiv; Vertrauensanker: ${statement.serverValidation.trustAnchors} (${statement.serverValidation.trustAnchorCount}); Hostname-Prüfung; Sperrlisten: ${statement.serverValidation.revocationLists ? 'ja' : 'nein'}; PKCS#1-v1.5-Signaturen in der Kette: ${statement.serverValidation.legacyChainSignatures === 'refuse' ? 'abgelehnt' : 'protokolliert'} |`,
    `| Zertifikats-Pinning | ${statement.pinning === undefined ? 'nicht konfiguriert' : `${list(statement.pinning.pins)} (${statement.pinning.scope})`} |`,
    `| TLS-Sitzungswiederaufnahme | ${statement.sessionResumption ? 'ja (Prüfung bei jeder Verbindung)' : 'nein'} |`,
    `| Laufzeit | Node.js ${statement.runtime.node}, OpenSSL ${statement.runtime.openssl} |`,
    '',
    '## Client-Zertifikat',
    '',
    ...certificateLines(statement.clientCertificate),
  ];
  if (statement.negotiated !== undefined) {
    lines.push(
      '',
      '## Ausgehandelt (Testverbindung)',
      '',
      `- TLS-Version: \`${statement.negotiated.protocol ?? '?'}\``,
      `- Cipher-Suite: \`${statement.negotiated.cipherSuite ?? '?'}\``,
      `- Gruppe: \`${statement.negotiated.group ?? '?'}\``,
      '',
      '### Serverzertifikatskette',
    );
    for (const certificate of statement.negotiated.serverChain)
      lines.push('', ...certificateLines(certificate));
  }
  return `${lines.join('\n')}\n`;
}

function certificateLines(certificate: StatementCertificate): string[] {
  return [
    `- Subjekt: ${certificate.subject}`,
    `- Aussteller: ${certificate.issuer}`,
    `- Seriennummer: ${certificate.serialNumber}`,
    `- Gültig: ${certificate.notBefore} bis ${certificate.notAfter}`,
    `- Schlüssel: ${certificate.key}; Signatur: ${certificate.signatureAlgorithm}`,
    `- SPKI-Pin: \`${certificate.spkiPin}\``,
  ];
}
