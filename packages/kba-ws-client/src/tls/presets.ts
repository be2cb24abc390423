import type { ConnectionOptions, SecureVersion } from 'node:tls';
import { KbaWsError } from '../errors.js';

/** The two TLS presets: `bsi` (BSI TR-02102-2 in full) and `kba-minimum` (the floor of the KBA text). */
export type TlsPresetName = 'bsi' | 'kba-minimum';

/** A cipher suite by its IANA name (as in the TR) and its OpenSSL name (as Node expects it). */
export interface CipherSuite {
  readonly iana: string;
  readonly openssl: string;
}

/** Where a preset's values come from. */
export interface PresetSource {
  readonly document: string;
  readonly version: string;
  readonly reference: string;
}

export interface MinimumKeySizes {
  /** RSA modulus and DH group size, in bits. */
  readonly rsa: number;
  readonly dh: number;
  /** Size of the EC group order, in bits. */
  readonly ec: number;
}

export interface TlsPreset {
  readonly name: TlsPresetName;
  readonly description: string;
  readonly sources: readonly PresetSource[];
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  readonly tls13CipherSuites: readonly CipherSuite[];
  readonly tls12CipherSuites: readonly CipherSuite[];
  /** Key-exchange groups, OpenSSL names, most preferred first. */
  readonly groups: readonly string[];
  /** Handshake signature schemes (TLS SignatureScheme names), most preferred first. */
  readonly signatureAlgorithms: readonly string[];
  /** Applied to the server certificate, the client's own certificate and DHE parameters. */
  readonly minimumKeySizes: MinimumKeySizes;
  /** Recommended by the TR but left out because the OpenSSL build under this Node.js lacks them. */
  readonly unavailable: readonly string[];
}

const TR_02102_2: PresetSource = {
  document: 'BSI TR-02102-2 "Kryptographische Verfahren: Verwendung von Transport Layer Security (TLS)"',
  version: '2026-01',
  reference: 'chapter 3 (TLS 1.2 and 1.3: versions, cipher suites, groups, signature algorithms)',
};
const TR_02102_1: PresetSource = {
  document: 'BSI TR-02102-1 "Kryptographische Verfahren: Empfehlungen und Schlüssellängen"',
  version: '2026-01',
  reference: 'key lengths: RSA and finite-field DH ≥ 3000 bits, elliptic curves ≥ 250 bits',
};
const KBA_DECLARATION: PresetSource = {
  document:
    'Kraftfahrt-Bundesamt, Verpflichtungserklärung für autonome Datenübermittlung oder des Betreibers einer Kopfstelle',
  version: 'Januar 2023',
  reference: '§ 1 (1) TLS 1.2 and higher; § 1 (3) a (I) TR-02102-2, RSA ≥ 2048 bits, ECC ≥ 224 bits',
};

const TLS13_SUITES: readonly CipherSuite[] = [
  { iana: 'TLS_AES_256_GCM_SHA384', openssl: 'TLS_AES_256_GCM_SHA384' },
  { iana: 'TLS_AES_128_GCM_SHA256', openssl: 'TLS_AES_128_GCM_SHA256' },
  { iana: 'TLS_AES_128_CCM_SHA256', openssl: 'TLS_AES_128_CCM_SHA256' },
];

// Forward secrecy only (ECDHE, DHE); AEAD first, then CBC with SHA-2 MACs, then CCM.
const TLS12_SUITES: readonly CipherSuite[] = [
  { iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384' },
  { iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  { iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-RSA-AES256-GCM-SHA384' },
  { iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-RSA-AES128-GCM-SHA256' },
  { iana: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'DHE-RSA-AES256-GCM-SHA384' },
  { iana: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'DHE-RSA-AES128-GCM-SHA256' },
  { iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-ECDSA-AES256-SHA384' },
  { iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-ECDSA-AES128-SHA256' },
  { iana: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-RSA-AES256-SHA384' },
  { iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-RSA-AES128-SHA256' },
  { iana: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', openssl: 'DHE-RSA-AES256-SHA256' },
  { iana: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'DHE-RSA-AES128-SHA256' },
  { iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM', openssl: 'ECDHE-ECDSA-AES256-CCM' },
  { iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', openssl: 'ECDHE-ECDSA-AES128-CCM' },
  { iana: 'TLS_DHE_RSA_WITH_AES_256_CCM', openssl: 'DHE-RSA-AES256-CCM' },
  { iana: 'TLS_DHE_RSA_WITH_AES_128_CCM', openssl: 'DHE-RSA-AES128-CCM' },
];

const GROUPS_ALWAYS = [
  'P-384',
  'P-256',
  'P-521',
  'brainpoolP384r1',
  'brainpoolP256r1',
  'brainpoolP512r1',
  'ffdhe3072',
  'ffdhe4096',
];
// RFC 8734 brainpool groups and signature schemes for TLS 1.3 arrived in OpenSSL 3.2.
const BRAINPOOL_TLS13_GROUPS = ['brainpoolP384r1tls13', 'brainpoolP256r1tls13', 'brainpoolP512r1tls13'];
const SIGALGS_ALWAYS = [
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp521r1_sha512',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha512',
];
const BRAINPOOL_TLS13_SIGALGS = [
  'ecdsa_brainpoolP384r1tls13_sha384',
  'ecdsa_brainpoolP256r1tls13_sha256',
  'ecdsa_brainpoolP512r1tls13_sha512',
];

function opensslAtLeast(major: number, minor: number): boolean {
  const [maj = 0, min = 0] = (process.versions.openssl ?? '0.0')
    .split('.')
    .map((part) => Number.parseInt(part, 10));
  return maj > major || (maj === major && min >= minor);
}

function buildPreset(
  name: TlsPresetName,
  description: string,
  sources: readonly PresetSource[],
  minimumKeySizes: MinimumKeySizes,
): TlsPreset {
  const brainpoolTls13 = opensslAtLeast(3, 2);
  return Object.freeze({
    name,
    description,
    sources,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    tls13CipherSuites: TLS13_SUITES,
    tls12CipherSuites: TLS12_SUITES,
    groups: brainpoolTls13
      ? [...GROUPS_ALWAYS.slice(0, 3), ...BRAINPOOL_TLS13_GROUPS, ...GROUPS_ALWAYS.slice(3)]
      : GROUPS_ALWAYS,
    signatureAlgorithms: brainpoolTls13 ? [...SIGALGS_ALWAYS, ...BRAINPOOL_TLS13_SIGALGS] : SIGALGS_ALWAYS,
    minimumKeySizes: Object.freeze(minimumKeySizes),
    unavailable: brainpoolTls13 ? [] : [...BRAINPOOL_TLS13_GROUPS, ...BRAINPOOL_TLS13_SIGALGS],
  });
}

const PRESETS: Readonly<Record<TlsPresetName, TlsPreset>> = {
  bsi: buildPreset(
    'bsi',
    'BSI TR-02102-2 in full: TLS 1.2/1.3 with the recommended suites, groups and signature schemes; RSA and DH ≥ 3000 bits, EC ≥ 250 bits.',
    [TR_02102_2, TR_02102_1],
    { rsa: 3000, dh: 3000, ec: 250 },
  ),
  'kba-minimum': buildPreset(
    'kba-minimum',
    'The floor of the KBA declaration: the TR-02102-2 protocol and algorithm selection, with key sizes down to RSA/DH 2048 bits and EC 224 bits.',
    [KBA_DECLARATION, TR_02102_2],
    { rsa: 2048, dh: 2048, ec: 224 },
  ),
};

/** Every preset name, for option parsing. */
export const TLS_PRESET_NAMES: readonly TlsPresetName[] = ['bsi', 'kba-minimum'];

/** Returns a preset by name; throws `CONFIG_INVALID` for anything else. */
export function getTlsPreset(name: TlsPresetName): TlsPreset {
  const preset = (PRESETS as Record<string, TlsPreset | undefined>)[name];
  if (preset === undefined) {
    throw new KbaWsError(
      'CONFIG_INVALID',
      `Unknown TLS preset "${String(name)}"; use one of ${TLS_PRESET_NAMES.join(', ')}.`,
      {
        details: { option: 'tlsPreset', value: String(name) },
      },
    );
  }
  return preset;
}

/** The node:tls options that enforce a preset's protocol versions and algorithms. */
export function presetConnectionOptions(
  preset: TlsPreset,
): Required<
  Pick<ConnectionOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'ecdhCurve' | 'sigalgs' | 'minDHSize'>
> {
  return {
    minVersion: preset.minVersion,
    maxVersion: preset.maxVersion,
    ciphers: [...preset.tls13CipherSuites, ...preset.tls12CipherSuites]
      .map((suite) => suite.openssl)
      .join(':'),
    ecdhCurve: preset.groups.join(':'),
    sigalgs: preset.signatureAlgorithms.join(':'),
    minDHSize: preset.minimumKeySizes.dh,
  };
}

/** The IANA name of a negotiated suite, from the OpenSSL or standard name Node reports. */
export function ianaCipherName(preset: TlsPreset, name: string): string | undefined {
  return [...preset.tls13CipherSuites, ...preset.tls12CipherSuites].find(
    (suite) => suite.openssl === name || suite.iana === name,
  )?.iana;
}
