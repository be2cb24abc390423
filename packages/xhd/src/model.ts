import type {
  Dokumentenart,
  Druckzeilentyp,
  Fingerabdruckformat,
  Fingerposition,
  Geschlecht,
  Lichtbildformat,
  Passart,
  XhdVersion,
} from './codes.js';

// The typed model of an XhD `BestellungDokument` (TR-03123-3 § 2.3). Element names follow the TR; where the TR
// structure is replaced by an assumed one (the biometric block, see SOURCES.md) the names are this package's own.

/** `NachrichtenkopfType` (TR-03123-3 § 3.1.2). */
export interface Nachrichtenkopf {
  readonly nachrichtenId: string;
  readonly bestellnummer: string;
  /** DVDV identifier of the sender, e.g. `psb:04011300_00` (TR-03132 § 5.3.2). */
  readonly senderkennung: string;
  readonly empfaengerkennung: string;
  readonly express?: boolean;
  readonly reklamation?: boolean;
  readonly verfahrensschluessel?: string;
  readonly verfahrenskennung: string;
  /** 1–99; present means test message. */
  readonly testnachricht?: number;
  /** `xs:dateTime` as written in the message. */
  readonly erstellungszeitpunkt: string;
  readonly produktart: Dokumentenart;
  readonly versionXhd: string;
}

export interface Druckzeile {
  readonly nummer: number;
  readonly content: string;
  readonly typ: Druckzeilentyp;
}

export interface Anschrift {
  readonly strasseUndHausnummer?: string;
  readonly postleitzahl?: string;
  readonly ort?: string;
  /** Three-letter ICAO code. */
  readonly staat?: string;
}

export interface NameNatuerlichePerson {
  readonly familienname: string;
  readonly vorname: string;
  readonly geburtsname?: string;
  readonly titel?: string;
  readonly ordensKuenstlername?: string;
}

export interface Personendaten {
  readonly name: NameNatuerlichePerson;
  readonly anschrift: Anschrift;
  readonly staatsangehoerigkeit?: string;
  readonly geschlecht?: Geschlecht;
  /** `YYYY-MM-DD`; month and day may be `00` when unknown. */
  readonly geburtsdatum: string;
  readonly geburtsort: string;
  /** Height in cm, three digits, or `---`. */
  readonly groesse?: string;
  readonly augenfarbe?: string;
  readonly druckrepraesentation: readonly Druckzeile[];
}

export interface Behoerdenname {
  readonly druckrepraesentation: readonly Druckzeile[];
  readonly name?: string;
  readonly kurzbezeichnung: string;
}

export interface Dokumentendaten {
  /** 10 characters: 9-character serial number (first 4 = Behördenkennzahl) + ICAO check digit. */
  readonly seriennummer: string;
  /** Date of application (`xs:date`). */
  readonly gueltigVon: string;
  readonly gueltigBis: string;
  readonly behoerdenname: Behoerdenname;
  readonly ausstellungsort?: string;
}

/** A photo as carried in the (assumed) biometric block, sizes and format filled in by the builder. */
export interface Lichtbild {
  readonly format: Lichtbildformat;
  readonly breite: number;
  readonly hoehe: number;
  /** Quality value of the QA software, where one exists (PassDEÜV § 3 (1): "soweit vorhanden"). */
  readonly qualitaetswert?: number;
  /** Size of the encoded image in bytes. */
  readonly groesse: number;
  readonly daten: Uint8Array;
}

export interface Fingerabdruck {
  readonly fingerposition: Fingerposition;
  readonly format: Fingerabdruckformat;
  /** NFIQ 2 score 0–100 (TR-03121-3-1 § 4.4.4). */
  readonly qualitaetswert: number;
  readonly groesse: number;
  readonly daten: Uint8Array;
}

/** ASSUMED stand-in for the TR-03121 `gid-app` element (namespace http://trbio.bsi.bund.de/gid/4). */
export interface Biometrie {
  /** Time stamp of the application (PassDEÜV § 3 (1)). */
  readonly antragszeitpunkt: string;
  readonly qsSoftwareVersion: string;
  readonly sollwerteVersion: string;
  readonly lichtbild: Lichtbild;
  readonly fingerabdruecke: readonly Fingerabdruck[];
}

export interface Unterschrift {
  readonly mimeCode: 'image/jpeg' | 'image/jp2';
  readonly daten: Uint8Array;
}

interface AntragBasis {
  readonly antragsId: string;
  readonly personendaten: Personendaten;
  readonly dokumentendaten: Dokumentendaten;
  readonly biometrie?: Biometrie;
  readonly unterschrift?: Unterschrift;
}

export interface Dienstinfo {
  readonly dienstbezeichnung: string;
  readonly dienstort: string;
  readonly passaktennummer: string;
}

/** `AntragsdatensatzPassType` (TR-03123-3 § 3.1.8). */
export interface AntragPass extends AntragBasis {
  readonly typ: 'Pass';
  readonly passart: Passart;
  readonly dienstinfo?: Dienstinfo;
  readonly extraSeiten?: boolean;
}

export interface PinLieferadresse {
  readonly druckrepraesentation: readonly Druckzeile[];
  readonly anschrift?: Anschrift;
}

/** `AntragsdatensatzPersonalausweisType` (TR-03123-3 § 3.1.12, via `ElektronischeIDType` § 3.2.13). */
export interface AntragPersonalausweis extends AntragBasis {
  readonly typ: 'Personalausweis';
  readonly pinLieferadresse: PinLieferadresse;
  readonly pinRuecksendeadresse: string;
  readonly wohnortId?: string;
  readonly versandPinBrief?: boolean;
}

export type Antrag = AntragPass | AntragPersonalausweis;

export interface Behoerdenadresse {
  readonly druckrepraesentation: readonly Druckzeile[];
  readonly behoerdenname?: string;
  readonly anschrift?: Anschrift;
}

/** `ZertifizierteKomponenteType` (TR-03123-3 § 3.2.23). */
export interface ZertifizierteKomponente {
  readonly komponentenName: string;
  readonly versionsinformation: string;
  readonly zertifizierungsId: string;
}

/** The message `BestellungDokument` (TR-03123-3 § 2.3) with plain `Nutzdaten`; signatures are kept in `any`. */
export interface BestellungDokument {
  readonly nachricht: 'BestellungDokument';
  readonly version: XhdVersion;
  readonly kopf: Nachrichtenkopf;
  readonly antraege: readonly Antrag[];
  readonly rechnungsadresse: Behoerdenadresse;
  readonly lieferadresse: Behoerdenadresse;
  readonly zertifizierteKomponenten: readonly ZertifizierteKomponente[];
  /**
   * The children of `xhd:any` after `Nutzdaten` – where TR-03132 § 4 puts the author's enveloped `ds:Signature`
   * (last) and, for an encrypted message, the `xenc:EncryptedData`. Opaque: each entry is one well-formed element
   * of a namespace other than XhD, kept as XML text and written back unchanged (all into one `xhd:any`).
   */
  readonly any?: readonly string[];
}

/** `FehlerbeschreibungType` (TR-03123-3 § 3.1.17). */
export interface Fehlerbeschreibung {
  /** Error number from the list the document producer keeps; digits only, at most 6 (TR-03123-2). */
  readonly fehlernummer: number;
  readonly fehlerbeschreibung: string;
}

/**
 * The message `Fehlerinformation` (TR-03123-3 § 2.9, `CTYPE_FehlerinformationType` § 3.2.6): the answer to a
 * message that could not be processed for technical reasons (not well-formed, not valid, unknown type). Content
 * errors are answered by the regular feedback messages, not by this one.
 */
export interface Fehlerinformation {
  readonly nachricht: 'Fehlerinformation';
  readonly version: XhdVersion;
  readonly kopf: Nachrichtenkopf;
  /** The message that caused the error, as received (`xs:base64Binary` in the XML). */
  readonly fehlerhafteNachricht: Uint8Array;
  readonly fehlerbeschreibung: Fehlerbeschreibung;
  /** Children of `xhd:any` (signature, encrypted data), as for `BestellungDokument`. */
  readonly any?: readonly string[];
}

export type XhdMessage = BestellungDokument | Fehlerinformation;
