import { DvdvError } from './errors.js';

/** A parsed Behördenkennung (DVDV Organisationsschlüssel), e.g. `psw:053150000000`. */
export interface Behoerdenkennung {
  /** The whole key, normalised to lower case. */
  readonly value: string;
  /** Three lower-case letters; one prefix per organisation category (`ags`, `psw`, `dmd` …). */
  readonly prefix: string;
  /** The Organisations-ID: up to 12 digits. */
  readonly organisationId: string;
  /**
   * The Bundesland key (first two digits) when the ID is a 12-digit regional key, e.g. `05` for
   * Nordrhein-Westfalen; `undefined` for shorter, legacy IDs.
   */
  readonly state: string | undefined;
}

const KENNUNG = /^([a-z]{3}):([0-9]{1,12})$/;

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
      'a Behördenkennung is a three-letter prefix, a colon and an Organisations-ID of up to 12 digits, e.g. psw:053150000000',
      { details: { kennung: typeof input === 'string' ? input.slice(0, 64) : typeof input } },
    );
  }
  const prefix = match[1] ?? '';
  const organisationId = match[2] ?? '';
  return {
    value,
    prefix,
    organisationId,
    state: organisationId.length === 12 ? organisationId.slice(0, 2) : undefined,
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
