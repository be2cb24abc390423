// Code lists of TR-03123-3 (XhD 1.6.1) § 5.2 as TypeScript unions. Values are facts from the TR; the set that is
// modelled here is limited to what the passport and ID card messages use.

/** Codeliste "Dokumentenart" (DokumentenartCodeType). */
export const DOKUMENTENARTEN = ['AT', 'PA', 'RA', 'RP', 'UB'] as const;
export type Dokumentenart = (typeof DOKUMENTENARTEN)[number];

/** Codeliste "Passart" (PassartCodeType): Reisepass, Diplomatenpass, Dienstpass. */
export const PASSARTEN = ['P', 'PD', 'PO'] as const;
export type Passart = (typeof PASSARTEN)[number];

/** Codeliste "Geschlechter" (GeschlechterCodeType): weiblich, männlich, unbekanntes Geschlecht. */
export const GESCHLECHTER = ['001', '002', '003'] as const;
export type Geschlecht = (typeof GESCHLECHTER)[number];

/** Codeliste "Druckzeilen" (DruckzeilenCodeType), the subset the builder writes. */
export const DRUCKZEILEN = [
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
