import type { ExpiryPolicy } from '../expiry/policy.js';
import { KBA_LOCKOUT_DELAY, KBA_LOCKOUT_LOCK, type LockoutPolicy } from '../lockout/policy.js';
import type { PasswordPolicy, PolicySource } from '../policy/types.js';

/** The kba preset always carries its lockout and expiry. */
export type KbaPolicy = PasswordPolicy & { readonly lockout: LockoutPolicy; readonly expiry: ExpiryPolicy };

export const KBA_SOURCE: PolicySource = {
  title:
    'Verpflichtungserklärung für autonome Datenübermittlung (Eigenbetrieb) oder des Betreibers einer Kopfstelle',
  issuer: 'Kraftfahrt-Bundesamt (KBA)',
  version: 'Stand: Januar 2023',
  section: '§ 1 Abs. 3 Buchst. b (Passwortverwendung)',
};

const KBA_RULES = [
  { type: 'minLength', min: 10 },
  { type: 'characterClasses', required: ['lowercase', 'uppercase', 'digit', 'special'] },
  { type: 'history', count: 5 },
  { type: 'blocklist' },
  // Not in the KBA text; the user id, name and authority are the first words an attacker tries, and the list
  // of "gängige Passwörter" cannot know them.
  { type: 'contextWords', fields: ['userId', 'name', 'authority', 'product', 'words'], minTokenLength: 4 },
] as const satisfies PasswordPolicy['rules'];

/**
 * The KBA minimum requirements, word for word: at least 10 characters with a lower-case letter, an upper-case
 * letter, a digit and a special character; none of the last 5 passwords; no password from common password
 * lists; lockout after 5 failures (`lockout: 'lock'`, the default) or a 3-minute delay after the 3rd failure
 * with a notice to the administrators (`lockout: 'delay'`); a change after 6 months for personal passwords and
 * after 90 days for access credentials, the former waived while a compromise detector runs.
 * Nothing in it can be switched off; only the lockout variant, which the text leaves open, is chosen here.
 */
export function kbaPreset(options: { readonly lockout?: 'lock' | 'delay' } = {}): KbaPolicy {
  return {
    id: 'kba',
    description: 'KBA-Mindestanforderungen an Passwörter (Verpflichtungserklärung, Stand Januar 2023)',
    sources: [KBA_SOURCE],
    rules: KBA_RULES,
    lockout: options.lockout === 'delay' ? KBA_LOCKOUT_DELAY : KBA_LOCKOUT_LOCK,
    expiry: {
      personalMaxAgeMonths: 6,
      credentialMaxAgeDays: 90,
      waivedWithCompromiseDetection: ['personal'],
    },
  };
}

export const BSI_ORP4_SOURCES: readonly PolicySource[] = [
  {
    title: 'IT-Grundschutz-Kompendium, Baustein ORP.4 Identitäts- und Berechtigungsmanagement',
    issuer: 'Bundesamt für Sicherheit in der Informationstechnik (BSI)',
    version: 'Edition 2023',
    section:
      'ORP.4.A8 Regelung des Passwortgebrauchs, ORP.4.A22 Regelung zur Passwortqualität, ORP.4.A23 Regelung für passwortverarbeitende Anwendungen und IT-Systeme',
  },
  {
    title: 'Sichere Passwörter erstellen (Empfehlung zu Länge und Zeichenarten)',
    issuer: 'Bundesamt für Sicherheit in der Informationstechnik (BSI)',
    version: 'BSI für Bürger, Webseite ohne Datum',
  },
];

/**
 * BSI IT-Grundschutz ORP.4: passwords changed only for cause (no periodic expiry), compromised passwords must be
 * detected, the previous password must not be used again, and the login must not reveal whether the user id or
 * the password was wrong (an application duty; see the README). ORP.4 fixes no numbers for quality; the length
 * tiers follow the BSI's own guidance: short passwords need all four classes, long ones fewer.
 * Compromise detection is the caller's part: run a `CompromiseDetector` and, where possible, a breach lookup.
 */
export function bsiOrp4Preset(): PasswordPolicy {
  return {
    id: 'bsi-orp4',
    description: 'BSI IT-Grundschutz ORP.4 (Edition 2023)',
    sources: BSI_ORP4_SOURCES,
    rules: [
      { type: 'minLength', min: 8 },
      {
        type: 'lengthDependentClasses',
        tiers: [
          { minLength: 8, classes: 4 },
          { minLength: 20, classes: 2 },
        ],
      },
      { type: 'history', count: 1 },
      { type: 'blocklist' },
      {
        type: 'contextWords',
        fields: ['userId', 'name', 'authority', 'product', 'words'],
        minTokenLength: 4,
      },
    ],
  };
}

export const NIST_800_63B_4_SOURCE: PolicySource = {
  title: 'NIST SP 800-63B-4, Digital Identity Guidelines: Authentication and Authenticator Management',
  issuer: 'National Institute of Standards and Technology (NIST)',
  version: 'Revision 4, July 2025',
  section: '3.1.1.2 Password Verifiers',
  url: 'https://doi.org/10.6028/NIST.SP.800-63b-4',
};

/**
 * NIST SP 800-63B-4: at least 15 characters when the password is the only factor (8 when it is one of several:
 * `multiFactor: true`), at least 64 permitted, no composition rules, no periodic expiry, a blocklist of common and
 * compromised passwords, context-specific words. Rate limiting (at most 100 consecutive failures) is the lockout
 * service's part; NIST does not require a lock, so this preset sets none.
 */
export function nist80063b4Preset(options: { readonly multiFactor?: boolean } = {}): PasswordPolicy {
  return {
    id: 'nist-800-63b-4',
    description: 'NIST SP 800-63B-4 password verifier requirements (July 2025)',
    sources: [NIST_800_63B_4_SOURCE],
    rules: [
      { type: 'minLength', min: options.multiFactor ? 8 : 15 },
      { type: 'maxLength', max: 128 },
      { type: 'blocklist' },
      {
        type: 'contextWords',
        fields: ['userId', 'name', 'authority', 'product', 'words'],
        minTokenLength: 4,
      },
    ],
  };
}

export const OWASP_ASVS_5_SOURCE: PolicySource = {
  title: 'OWASP Application Security Verification Standard',
  issuer: 'OWASP Foundation',
  version: '5.0.0, May 2025',
  section: 'V6.2 Password Security',
  url: 'https://github.com/OWASP/ASVS/tree/v5.0.0',
};

/**
 * OWASP ASVS 5.0 V6.2: at least 8 characters (15 strongly recommended, and the default here), at least 64
 * permitted, no composition rules, no periodic rotation, checked against common passwords and context-specific
 * words; level 2 adds the breached-password check (`level: 2` adds the `breached` rule, which needs a lookup).
 */
export function asvs5Preset(
  options: { readonly level?: 1 | 2 | 3; readonly minLength?: number } = {},
): PasswordPolicy {
  const level = options.level ?? 1;
  return {
    id: 'asvs-5',
    description: `OWASP ASVS 5.0 V6.2, level ${level}`,
    sources: [OWASP_ASVS_5_SOURCE],
    rules: [
      { type: 'minLength', min: Math.max(8, options.minLength ?? 15) },
      { type: 'maxLength', max: 128 },
      { type: 'blocklist' },
      {
        type: 'contextWords',
        fields: ['userId', 'name', 'authority', 'product', 'words'],
        minTokenLength: 4,
      },
      ...(level >= 2 ? [{ type: 'breached' } as const] : []),
    ],
  };
}

/** Every preset by its id, with default options. */
export const presets = {
  kba: kbaPreset,
  'bsi-orp4': bsiOrp4Preset,
  'nist-800-63b-4': nist80063b4Preset,
  'asvs-5': asvs5Preset,
} as const;

export type PresetId = keyof typeof presets;
