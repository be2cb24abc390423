import { DvdvError } from './errors.js';

/**
 * A parsed Behördenkennung (DVDV Behördenschlüssel): a prefix, a colon and the Behörden-ID, e.g.
 * `psb:04011300_00` (TR-03132 § 5.3.2: AGS, underscore, two-digit sequence number) or `dbs:490030010000`.
 */
export interface Behoerdenkennung {
  /** The whole key, normalised to lower case. */
  readonly value: string;
  /** Three lower-case letters; one prefix per organisation category (`ags`, `psw`, `dmd` …). */
  readonly prefix: string;
  /**
   * The Behörden-ID: up to 12 digits, or one of the TR-03132 § 5.3.2 forms — AGS (8 or 9 digits) `_` two digits,
   * `aa_` eight digits (Auswärtiges Amt), two-digit Land `_` six-digit AZR key (foreigners' authorities).
   */
  readonly organisationId: string;
  /**
   * The Bundesland key (first two digits) when the ID is a 12-digit regional key or starts with an AGS, e.g.
   * `05` for Nordrhein-Westfalen; `undefined` for shorter, legacy IDs and for the Auswärtiges Amt.
   */
  readonly state: string | undefined;
}

// Plain numeric IDs (this package's demo data and older entries) and the TR-03132 § 5.3.2 forms.
const KENNUNG = /^([a-z]{3}):([0-9]{1,12}|[0-9]{8,9}_[0-9]{2}|aa_[0-9]{8}|[0-9]{2}_[0-9]{6})$/;

/**
 * Parses and validates a Behördenkennung. Lookups validate before they query, so a malformed key never
 * reaches the directory (escaping still applies, as a second line of defence).
 */
export function parseBehoerdenkennung(input: string): Behoerdenkennung {
  const value = typeof input === 'string' ? input.trim().toLowerCase() : '';
  const match = KENNUNG.exec(value);
  if (match === null) {
    throw new DvdvError(
      'DVDV_INVALID_KENNUNG',
      'a Behördenkennung is a three-letter prefix, a colon and a Behörden-ID (up to 12 digits, or AGS_nn, AA_nnnnnnnn, LL_nnnnnn), e.g. psb:04011300_00',
      { details: { kennung: typeof input === 'string' ? input.slice(0, 64) : typeof input } },
    );
  }
  const prefix = match[1] ?? '';
  const organisationId = match[2] ?? '';
  return {
    value,
    prefix,
    organisationId,
    state:
      organisationId.length === 12 ||
      /^[0-9]{8,9}_/.test(organisationId) ||
      /^[0-9]{2}_[0-9]{6}$/.test(organisationId)
        ? organisationId.slice(0, 2)
        : undefined,
  };
}

/** True when `input` is a well-formed Behördenkennung. */
export function isBehoerdenkennung(input: string): boolean {
  return typeof input === 'string' && KENNUNG.test(input.trim().toLowerCase());
}

/**
 * Organisation categories used by this package's demo data and examples. The DVDV defines categories per
 * Eintragungskonzept; these identifiers are this package's own (see README, "Data model and sources").
 */
export const DvdvCategory = {
  /** Passbehörde (PassDEÜV: sends passport application data). */
  passportAuthority: 'passbehoerde',
  /** Passhersteller (PassDEÜV: receives the data and verifies the sender). */
  documentProducer: 'passhersteller',
  /** Meldebehörde. */
  registrationAuthority: 'meldebehoerde',
} as const;
