// Code lists of TR-03123-3 (XhD 1.6.1) § 5.2 as TypeScript unions. Values are facts from the TR; the set that is
// modelled here is limited to what the passport and ID card messages use.

/** Codeliste "Dokumentenart" (DokumentenartCodeType). */
export const DOKUMENTENARTEN = ['AT', 'PA', 'RA', 'RP', 'UB'] as const;
export type Dokumentenart = (typeof DOKUMENTENARTEN)[number];

/** Codeliste "Passart" (PassartCodeType): Reisepass, Diplomatenpass, Dienstpass. */
export const PASSARTEN = ['P', 'PD', 'PO'] as const;
export type Passart = (typeof PASSARTEN)[number];

/** Codeliste "Aufenthaltstitelart" (AufenthaltstitelartCodeType, TR-03123-3 § 5.2.2.1). */
export const AUFENTHALTSTITELARTEN = [
  'AE',
  'AF',
  'AK',
  'AN',
  'AS',
  'BK',
  'DA',
  'DE',
  'DN',
  'IC',
  'MI',
  'NE',
  'XA',
  'XG',
] as const;
export type Aufenthaltstitelart = (typeof AUFENTHALTSTITELARTEN)[number];

/** Codeliste "Reiseausweisart": für Ausländer, für Flüchtlinge, für Staatenlose (§ 5.2.2.7). */
export const REISEAUSWEISARTEN = ['RA', 'RF', 'RS'] as const;
export type Reiseausweisart = (typeof REISEAUSWEISARTEN)[number];

/** Codeliste "Optionaltext": optional entries on page 3 of the travel document (§ 5.2.2.5). */
export const OPTIONALTEXTE = [
  'Asylberechtigt',
  'Ausserhalb',
  'Fluechtling',
  'Heimatlos',
  'Humanitaer',
  'Nationalpass',
] as const;
export type Optionaltext = (typeof OPTIONALTEXTE)[number];

/** Codeliste "Geschlechter" (GeschlechterCodeType): weiblich, männlich, unbekanntes Geschlecht. */
export const GESCHLECHTER = ['001', '002', '003'] as const;
export type Geschlecht = (typeof GESCHLECHTER)[number];

/** Codeliste "Druckzeilen" (DruckzeilenCodeType), the subset the builder writes. */
export const DRUCKZEILEN = [
  'AnmerkungenErwerbstaetigkeit',
  'AnmerkungenRechtsgrundlagenUndPassdokument',
  'Behoerdenname',
  'BehoerdennameKurzeZeile',
  'Dienstinfo',
  'Geburtsname',
  'Geburtsort',
  'Lieferadresse',
  'LieferadressePIN',
  'Namensblock',
  'Ordens_Kuenstlername',
  'Rechnungsadresse',
  'Strasse_Hausnummer',
  'Unterlagen',
  'Vornamensblock',
  'Wohnort',
] as const;
export type Druckzeilentyp = (typeof DRUCKZEILEN)[number];

/**
 * Finger position codes 1–10 (ISO/IEC 19794-4, as listed in TR-03121-3-1 Table 4.4): 1 right thumb … 5 right
 * little finger, 6 left thumb … 10 left little finger.
 */
export type Fingerposition = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** Image formats recognised from magic bytes. */
export type Lichtbildformat = 'JPEG' | 'JPEG2000';
export type Fingerabdruckformat = 'WSQ' | 'ISO19794-4';

/** XhD versions this package knows a namespace for (TR-03132 / TR-03133 change histories). */
export const XHD_VERSIONS = ['1.5', '1.6', '1.7', '1.8'] as const;
export type XhdVersion = (typeof XHD_VERSIONS)[number];

/** The XhD namespace of a version: `http://www.bsi.de/trxhd/<version>` (TR-03133, TR-03132 § 4.4). */
export function xhdNamespace(version: XhdVersion): string {
  return `http://www.bsi.de/trxhd/${version}`;
}

/** The XhD messages (TR-03123-3 § 2.3–2.9), all derived from `AbstrakteNachrichtType`. */
export const NACHRICHTEN = [
  'BestellungDokument',
  'BestellungSeriennummern',
  'Auftragsinformation',
  'Reklamationsinformation',
  'Lieferinformation',
  'Quittierung',
  'Fehlerinformation',
] as const;
export type Nachrichtentyp = (typeof NACHRICHTEN)[number];

/**
 * Who writes which message (TR-03123-3 § 2, "Autor (allgemein)"; TR-03132 § 5.1/5.2 service lists): the authority
 * sends orders and the Quittierung, the producer sends Auftragsinformation, Lieferinformation and
 * Reklamationsinformation; a Fehlerinformation goes either way.
 */
export const NACHRICHT_AUTOR: Readonly<
  Record<Nachrichtentyp, 'Behoerde' | 'Dokumentenhersteller' | 'beide'>
> = {
  BestellungDokument: 'Behoerde',
  BestellungSeriennummern: 'Behoerde',
  Quittierung: 'Behoerde',
  Auftragsinformation: 'Dokumentenhersteller',
  Lieferinformation: 'Dokumentenhersteller',
  Reklamationsinformation: 'Dokumentenhersteller',
  Fehlerinformation: 'beide',
};
