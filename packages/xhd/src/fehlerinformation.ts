import { normalizeAnyElement } from './any.js';
import type { KopfInput } from './build.js';
import type { Dokumentenart, XhdVersion } from './codes.js';
import { XhdError } from './errors.js';
import type { Fehlerinformation, XhdMessage } from './model.js';
import { kopf } from './nachrichten.js';
import { serializeXhd } from './serialize.js';
import type { XhdValidationResult } from './validate.js';

export interface FehlerinformationInput {
  /** XhD version; defaults to 1.7. */
  readonly version?: XhdVersion;
  /** Header of the answer; `bestellnummer` and `produktart` are those of the faulty message. */
  readonly kopf: KopfInput & { readonly produktart: Dokumentenart };
  /** The message that could not be processed, as received (text is taken as UTF-8). */
  readonly fehlerhafteNachricht: string | Uint8Array;
  /** Error number from the producer's list (0–999 999, TR-03123-2) and a short description. */
  readonly fehlernummer: number;
  readonly fehlerbeschreibung: string;
  /** Children of `xhd:any` (signature, encrypted data), as for `buildXhd`. */
  readonly any?: readonly string[];
}

export interface FehlerinformationResult {
  readonly xml: string;
  readonly message: Fehlerinformation;
}

function invalid(message: string, path: string): never {
  throw new XhdError('XHD_BUILD_INVALID', message, { details: { path } });
}

/** Turns the object literal into a `Fehlerinformation` model (TR-03123-3 § 2.9). */
export function createFehlerinformation(input: FehlerinformationInput): Fehlerinformation {
  if (!Number.isInteger(input.fehlernummer) || input.fehlernummer < 0 || input.fehlernummer > 999_999) {
    invalid('Fehlernummer must be a number of at most 6 digits (TR-03123-2).', 'fehlernummer');
  }
  if (input.fehlerbeschreibung.trim() === '')
    invalid('Fehlerbeschreibung must not be empty.', 'fehlerbeschreibung');
  const version = input.version ?? '1.7';
  const any = (input.any ?? []).map((xml, index) => {
    try {
      return normalizeAnyElement(xml, `/xhd:Fehlerinformation/xhd:any/*[${index + 1}]`);
    } catch (error) {
      if (error instanceof XhdError) invalid(error.message, `any[${index}]`);
      throw error;
    }
  });
  return {
    nachricht: 'Fehlerinformation',
    version,
    kopf: kopf(input.kopf, version),
    fehlerhafteNachricht:
      typeof input.fehlerhafteNachricht === 'string'
        ? new TextEncoder().encode(input.fehlerhafteNachricht)
        : input.fehlerhafteNachricht,
    fehlerbeschreibung: { fehlernummer: input.fehlernummer, fehlerbeschreibung: input.fehlerbeschreibung },
    ...(any.length === 0 ? {} : { any }),
  };
}

/** Builds a `Fehlerinformation` and serialises it. */
export function buildFehlerinformation(input: FehlerinformationInput): FehlerinformationResult {
  const message = createFehlerinformation(input);
  return { xml: serializeXhd(message), message };
}

export interface FehlerinformationReplyOptions {
  /** Header of the answer. Bestellnummer, Produktart and Empfaengerkennung (= the faulty message's sender) are
   * taken from the faulty message when it could be read; give them here when it could not. */
  readonly kopf: Omit<KopfInput, 'bestellnummer' | 'empfaengerkennung'> & {
    readonly bestellnummer?: string;
    readonly empfaengerkennung?: string;
    readonly produktart?: Dokumentenart;
  };
  readonly fehlernummer: number;
  /** Default: the issue codes and paths of the validation result, `; `-separated, cut to 255 characters. */
  readonly fehlerbeschreibung?: string;
  readonly version?: XhdVersion;
}

/** Longest Fehlerbeschreibung the bundled schema accepts (`datatypeB`, approximated as 1–255 characters). */
const MAX_DESCRIPTION = 255;

function describe(result: XhdValidationResult): string {
  const text = result.issues.map((issue) => `${issue.code} ${issue.path}`).join('; ');
  if (text === '') return 'Message could not be processed.';
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * The answer to a message `validateXhd` refused: a `Fehlerinformation` carrying the received bytes, the error number
 * and (by default) the issue codes with their XPaths. TR-03123-3 § 2.9 reserves the message for technical errors
 * (not well-formed, not valid, unknown type); whether a business-rule finding is answered this way is for the
 * deployment to decide. Throws `XhdError` `XHD_BUILD_INVALID` when the result is valid, or when a header field
 * can neither be read from the faulty message nor is given.
 */
export function replyFehlerinformation(
  received: string | Uint8Array,
  result: XhdValidationResult,
  options: FehlerinformationReplyOptions,
): FehlerinformationResult {
  if (result.valid) invalid('The message is valid; there is no error to report.', 'result');
  const original: XhdMessage | undefined = result.message;
  const k = options.kopf;
  const bestellnummer = k.bestellnummer ?? original?.kopf.bestellnummer;
  const empfaengerkennung = k.empfaengerkennung ?? original?.kopf.senderkennung;
  const produktart = k.produktart ?? original?.kopf.produktart;
  if (bestellnummer === undefined)
    invalid('Bestellnummer is unknown; pass kopf.bestellnummer.', 'kopf.bestellnummer');
  if (empfaengerkennung === undefined) {
    invalid('Empfaengerkennung is unknown; pass kopf.empfaengerkennung.', 'kopf.empfaengerkennung');
  }
  if (produktart === undefined) invalid('Produktart is unknown; pass kopf.produktart.', 'kopf.produktart');
  return buildFehlerinformation({
    ...(options.version === undefined ? {} : { version: options.version }),
    kopf: { ...k, bestellnummer, empfaengerkennung, produktart },
    fehlerhafteNachricht: received,
    fehlernummer: options.fehlernummer,
    fehlerbeschreibung: options.fehlerbeschreibung ?? describe(result),
  });
}
