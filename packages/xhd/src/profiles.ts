import type { Dokumentenart, Fingerposition } from './codes.js';
import type { BestellungDokument } from './model.js';

/** Business rules a profile can switch on; the implementations live in rules.ts. */
export type XhdRuleId =
  | 'version-fields'
  | 'sender-id'
  | 'serial-number'
  | 'dates'
  | 'age-validity'
  | 'biometrics-present'
  | 'quality-values'
  | 'binary-consistency'
  | 'photo-limits'
  | 'dienstinfo';

export interface XhdProfileLimits {
  /** Largest encoded photo in bytes. */
  readonly photoMaxBytes: number;
  readonly photoMinWidth: number;
  readonly photoMinHeight: number;
  readonly fingerprintMaxBytes: number;
  /** Number of fingerprints an application must carry. */
  readonly fingerprintsRequired: number;
  /** Minimum NFIQ 2 score per finger position; positions not listed have no threshold. */
  readonly minFingerprintQuality: Readonly<Partial<Record<Fingerposition, number>>>;
  readonly maxValidityYears: number;
  /**
   * Shorter validity for young applicants: whoever is not yet `underAge` years old on the application date
   * (`GueltigVon`) gets at most `maxYears` (rule `age-validity`; PassG § 5 (1), PAuswG § 6 (3): under 24 → 6 years).
   */
  readonly reducedValidity?: { readonly underAge: number; readonly maxYears: number };
  /** DVDV prefixes accepted in Senderkennung (TR-03132 § 5.3.2). */
  readonly senderPrefixes: readonly string[];
}

/** Rules per document type × XhD version, selected by data. */
export interface XhdProfile {
  readonly id: string;
  readonly produktart: Dokumentenart;
  readonly versions: readonly string[];
  readonly rules: readonly XhdRuleId[];
  readonly limits: XhdProfileLimits;
}

const ALL_RULES: readonly XhdRuleId[] = [
  'version-fields',
  'sender-id',
  'serial-number',
  'dates',
  'age-validity',
  'biometrics-present',
  'quality-values',
  'binary-consistency',
  'photo-limits',
];

// Validity: 10 years, 6 years for applicants under 24 – for Reisepass, Dienstpass and Diplomatenpass PassG § 5 (1)
// (version in force since 2024-01-01), for the Personalausweis PAuswG § 6 (1) and (3).
// Thresholds: NFIQ 2 values of TR-03121-3-1 Table 4.4 (plain fingerprints for enrolment). Photo and size limits,
// and the number of fingerprints, are ASSUMED defaults (see SOURCES.md) – override them per deployment.
const BASE_LIMITS: XhdProfileLimits = {
  photoMaxBytes: 375_000,
  photoMinWidth: 413,
  photoMinHeight: 531,
  fingerprintMaxBytes: 100_000,
  fingerprintsRequired: 2,
  minFingerprintQuality: { 1: 30, 2: 30, 3: 20, 4: 10, 5: 10, 6: 30, 7: 30, 8: 20, 9: 10, 10: 10 },
  maxValidityYears: 10,
  reducedValidity: { underAge: 24, maxYears: 6 },
  senderPrefixes: ['psb'],
};

/** Built-in profiles: passport (RP) and ID card (PA) for XhD 1.5 – 1.8. */
export const DEFAULT_PROFILES: readonly XhdProfile[] = [
  {
    id: 'RP',
    produktart: 'RP',
    versions: ['1.5', '1.6', '1.7', '1.8'],
    rules: [...ALL_RULES, 'dienstinfo'],
    limits: BASE_LIMITS,
  },
  {
    id: 'PA',
    produktart: 'PA',
    versions: ['1.5', '1.6', '1.7', '1.8'],
    rules: ALL_RULES,
    limits: { ...BASE_LIMITS, senderPrefixes: ['pab'] },
  },
];

export function selectProfile(
  message: BestellungDokument,
  profiles: readonly XhdProfile[] = DEFAULT_PROFILES,
): XhdProfile | undefined {
  return profiles.find(
    (p) => p.produktart === message.kopf.produktart && p.versions.includes(message.version),
  );
}
