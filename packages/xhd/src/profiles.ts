import type { Dokumentenart, Fingerposition, Nachrichtentyp } from './codes.js';
import type { XhdMessage } from './model.js';

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
  | 'dienstinfo'
  | 'eid-nutzung'
  | 'wohnort-id'
  | 'wohnort-id-inland'
  | 'staatsangehoerigkeit'
  | 'field-lengths'
  | 'reiseausweis';

/** Fields of an order whose longest value a profile can limit (rule `field-lengths`, characters). */
export type XhdOrderField =
  | 'AntragsID'
  | 'Familienname'
  | 'Vorname'
  | 'Geburtsname'
  | 'Ordens_Kuenstlername'
  | 'StrasseUndHausnummer'
  | 'Ort'
  | 'Geburtsort'
  | 'Augenfarbe'
  | 'Behoerdenname.Name'
  | 'Behoerdenname.Kurzbezeichnung'
  | 'Ausstellungsort'
  | 'Dienstbezeichnung'
  | 'Dienstort'
  | 'Passaktennummer'
  | 'KomponentenName'
  | 'Versionsinformation'
  | 'ZertifizierungsID';

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
  /**
   * DVDV prefixes of the document producer (TR-03132 § 5.3.2: `dbs`), checked as Senderkennung of producer
   * messages and Empfaengerkennung of authority messages other than the order. Default `['dbs']`.
   */
  readonly producerPrefixes?: readonly string[];
  /**
   * The document has an eID function (PA, AT, eID card): its Lieferinformation must carry Sperrkennwort and
   * Sperrsumme and ask for a Quittierung (TR-03123-2 Table 20/21). Default false.
   */
  readonly eidDocument?: boolean;
  /**
   * Rule `eid-nutzung`: NutzungElektronischeID must be false while the applicant is younger than this on the
   * application date (TR-03123-2 Table 6 note 6 for the ID card: 16).
   */
  readonly eidMinAge?: number;
  /**
   * Rule `field-lengths`: the longest value (in characters) per order field, from the document type's table of
   * TR-03123-2 § 4.1 (Tables 8–14). Fields not listed are not checked.
   */
  readonly orderFieldLengths?: Readonly<Partial<Record<XhdOrderField, number>>>;
}

/** Messages other than the order whose rules a profile selects with `messageRules`. */
export type XhdFollowUpMessage = Exclude<Nachrichtentyp, 'BestellungDokument' | 'Fehlerinformation'>;

/** Rules for the messages other than `BestellungDokument`; the implementations live in rules.ts. */
export type XhdMessageRuleId =
  | 'version'
  | 'antrags-ids'
  | 'partner-ids'
  | 'rueckmeldungen'
  | 'field-lengths'
  | 'lieferung-eid'
  | 'seriennummern-liste'
  | 'seriennummern-bestellung'
  | 'infoblatt';

/** What runs for each further message when a profile does not say otherwise (`XhdProfile.messageRules`). */
export const DEFAULT_MESSAGE_RULES: Readonly<Record<XhdFollowUpMessage, readonly XhdMessageRuleId[]>> = {
  Auftragsinformation: ['version', 'partner-ids', 'antrags-ids', 'rueckmeldungen', 'field-lengths'],
  Quittierung: ['version', 'partner-ids', 'antrags-ids', 'rueckmeldungen', 'field-lengths'],
  Reklamationsinformation: [
    'version',
    'partner-ids',
    'antrags-ids',
    'rueckmeldungen',
    'field-lengths',
    'infoblatt',
  ],
  Lieferinformation: [
    'version',
    'partner-ids',
    'antrags-ids',
    'field-lengths',
    'lieferung-eid',
    'seriennummern-liste',
  ],
  BestellungSeriennummern: ['version', 'partner-ids', 'seriennummern-bestellung'],
};

/** Rules per document type × XhD version, selected by data. */
export interface XhdProfile {
  readonly id: string;
  readonly produktart: Dokumentenart;
  readonly versions: readonly string[];
  /** Rules for `BestellungDokument`. */
  readonly rules: readonly XhdRuleId[];
  readonly limits: XhdProfileLimits;
  /** Rules per further message; a message not listed gets `DEFAULT_MESSAGE_RULES`. */
  readonly messageRules?: Readonly<Partial<Record<XhdFollowUpMessage, readonly XhdMessageRuleId[]>>>;
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

const VERSIONS = ['1.5', '1.6', '1.7', '1.8'];

// Field lengths per document type: TR-03123-2 (2019) § 4.1, Table 8 (Bestellung PA: Komponente), Table 9
// (Personalausweis), Table 10 (Bestellung RP: Komponente), Table 11 (Reisepass), Table 12 (Aufenthaltstitel),
// Table 13 (Reiseausweis), Table 14 (eID card UB). Only lengths the table gives as a maximum (≤ n) are listed;
// see SOURCES.md for the fields the tables leave open.
const KOMPONENTE = { KomponentenName: 40, Versionsinformation: 40, ZertifizierungsID: 40 } as const;
const LENGTHS_RP: Readonly<Partial<Record<XhdOrderField, number>>> = {
  AntragsID: 40,
  Familienname: 186,
  Vorname: 186,
  Geburtsname: 124,
  Ordens_Kuenstlername: 35,
  Ort: 105,
  Geburtsort: 124,
  Augenfarbe: 35,
  Ausstellungsort: 35,
  Dienstbezeichnung: 315,
  Dienstort: 315,
  Passaktennummer: 35,
  ...KOMPONENTE,
};
const LENGTHS_PA: Readonly<Partial<Record<XhdOrderField, number>>> = {
  AntragsID: 40,
  Familienname: 120,
  Vorname: 80,
  Geburtsname: 75,
  Ordens_Kuenstlername: 60,
  StrasseUndHausnummer: 50,
  Geburtsort: 80,
  Augenfarbe: 19,
  'Behoerdenname.Name': 84,
  'Behoerdenname.Kurzbezeichnung': 84,
  ...KOMPONENTE,
};
const LENGTHS_AT: Readonly<Partial<Record<XhdOrderField, number>>> = {
  AntragsID: 40,
  StrasseUndHausnummer: 50,
  Geburtsort: 58,
  Augenfarbe: 13,
  'Behoerdenname.Name': 71,
  'Behoerdenname.Kurzbezeichnung': 90,
};
const LENGTHS_RA: Readonly<Partial<Record<XhdOrderField, number>>> = {
  AntragsID: 40,
  Familienname: 186,
  Vorname: 186,
  Geburtsname: 124,
  Ort: 105,
  Geburtsort: 124,
  Augenfarbe: 35,
};
const LENGTHS_UB: Readonly<Partial<Record<XhdOrderField, number>>> = {
  AntragsID: 40,
  Ordens_Kuenstlername: 60,
  StrasseUndHausnummer: 50,
  Geburtsort: 58,
  'Behoerdenname.Name': 71,
  'Behoerdenname.Kurzbezeichnung': 90,
};

/** Limits without the PassG/PAuswG age rule, for the documents it does not cover. */
const { reducedValidity: _law, ...OTHER_LIMITS } = BASE_LIMITS;

/**
 * Built-in profiles for XhD 1.5 – 1.8: passport (RP), ID card (PA), residence permit (AT), travel document (RA) and
 * eID card for EU citizens (UB). For AT, RA and UB the validity limits and the number of fingerprints are the
 * assumed defaults, not law looked up (see SOURCES.md); the age-dependent validity is PassG/PAuswG law and applies
 * to RP and PA only.
 */
export const DEFAULT_PROFILES: readonly XhdProfile[] = [
  {
    id: 'RP',
    produktart: 'RP',
    versions: VERSIONS,
    rules: [...ALL_RULES, 'dienstinfo', 'field-lengths'],
    limits: { ...BASE_LIMITS, orderFieldLengths: LENGTHS_RP },
  },
  {
    id: 'PA',
    produktart: 'PA',
    versions: VERSIONS,
    rules: [...ALL_RULES, 'eid-nutzung', 'wohnort-id-inland', 'field-lengths'],
    limits: {
      ...BASE_LIMITS,
      senderPrefixes: ['pab'],
      eidDocument: true,
      eidMinAge: 16,
      orderFieldLengths: LENGTHS_PA,
    },
  },
  {
    id: 'AT',
    produktart: 'AT',
    versions: VERSIONS,
    rules: [
      ...ALL_RULES.filter((r) => r !== 'age-validity'),
      'wohnort-id',
      'staatsangehoerigkeit',
      'field-lengths',
    ],
    limits: { ...OTHER_LIMITS, senderPrefixes: ['azr'], eidDocument: true, orderFieldLengths: LENGTHS_AT },
  },
  {
    id: 'RA',
    produktart: 'RA',
    versions: VERSIONS,
    rules: [
      ...ALL_RULES.filter((r) => r !== 'age-validity'),
      'reiseausweis',
      'staatsangehoerigkeit',
      'field-lengths',
    ],
    limits: { ...OTHER_LIMITS, senderPrefixes: ['azr'], orderFieldLengths: LENGTHS_RA },
  },
  {
    id: 'UB',
    produktart: 'UB',
    versions: VERSIONS,
    // No photo or fingerprints on the eID card for EU citizens (TR-03123-2 Table 6).
    rules: [
      ...ALL_RULES.filter((r) => r !== 'age-validity' && r !== 'biometrics-present'),
      'wohnort-id-inland',
      'staatsangehoerigkeit',
      'field-lengths',
    ],
    limits: { ...OTHER_LIMITS, senderPrefixes: ['eid'], eidDocument: true, orderFieldLengths: LENGTHS_UB },
  },
];

/** The first profile for the message's Produktart and XhD version (any message type). */
export function selectProfile(
  message: Pick<XhdMessage, 'kopf' | 'version'>,
  profiles: readonly XhdProfile[] = DEFAULT_PROFILES,
): XhdProfile | undefined {
  return profiles.find(
    (p) => p.produktart === message.kopf.produktart && p.versions.includes(message.version),
  );
}
