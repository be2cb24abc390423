import type {
  Aufenthaltstitelart,
  Dokumentenart,
  Druckzeilentyp,
  Fingerabdruckformat,
  Fingerposition,
  Geschlecht,
  Lichtbildformat,
  Optionaltext,
  Passart,
  Reiseausweisart,
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

/** The eID part of `AntragsdatensatzEIDDokumentType` (TR-03123-3 § 3.1.10, `ElektronischeIDType` § 3.2.13). */
export interface ElektronischeIdDaten {
  /**
   * `NutzungElektronischeID`: whether the document is produced with the eID function on (required in the XML;
   * TR-03123-2 note 6: false for an ID card applicant not yet 16). Parser and builder always set it; optional in the
   * type only so that models written before it was modelled still compile.
   */
  readonly nutzungElektronischeId?: boolean;
  readonly pinLieferadresse: PinLieferadresse;
  readonly pinRuecksendeadresse: string;
  readonly wohnortId?: string;
  readonly versandPinBrief?: boolean;
}

/** `AntragsdatensatzPersonalausweisType` (TR-03123-3 § 3.1.12, via `ElektronischeIDType` § 3.2.13). */
export interface AntragPersonalausweis extends AntragBasis, ElektronischeIdDaten {
  readonly typ: 'Personalausweis';
}

/** `AufenthaltstiteldatenType` (TR-03123-3 § 3.1.14). */
export interface Aufenthaltstiteldaten {
  readonly aufenthaltstitelart: Aufenthaltstitelart;
  /** Up to 750 characters (TR-03123-2). */
  readonly nebenbestimmungen1?: string;
  /** Up to 250 characters. */
  readonly nebenbestimmungen2?: string;
  /** Printed remarks on the front (legal basis, passport document). */
  readonly anmerkungenRechtsgrundlagenUndPassdokument: readonly Druckzeile[];
  /** Printed remarks on employment, on the back. */
  readonly anmerkungenErwerbstaetigkeit?: readonly Druckzeile[];
}

/** `AntragsdatensatzAufenthaltstitelType` (TR-03123-3 § 3.1.13): electronic residence permit (eAT). */
export interface AntragAufenthaltstitel extends AntragBasis, ElektronischeIdDaten {
  readonly typ: 'Aufenthaltstitel';
  readonly aufenthaltstiteldaten: Aufenthaltstiteldaten;
}

/** `AntragsdatensatzEIDKarteUBType` (TR-03123-3 § 3.1.11): eID card for EU citizens (no data of its own). */
export interface AntragEidKarteUB extends AntragBasis, ElektronischeIdDaten {
  readonly typ: 'EIDKarteUB';
}

/**
 * `OptionaleEintragungenType` (TR-03123-3 § 3.2.15), optional entries of a travel document. ASSUMED layout (the
 * TR's diagram is not in the text): `laenderangaben` holds either `land` (0..81) or `gueltigfueralle` with
 * `land_ausnahme` (0..54).
 */
export interface OptionaleEintragungen {
  /** ICAO codes: for RA the states it is valid for, for RF/RS the states it is not valid for. */
  readonly land?: readonly string[];
  /** RA only: valid for all states … */
  readonly gueltigFuerAlle?: boolean;
  /** … except these (RA only, at most 54). */
  readonly landAusnahme?: readonly string[];
  /** Printed lines "issued on the basis of the following documents". */
  readonly unterlagen?: readonly Druckzeile[];
  /** Up to 6 coded entries for page 3. */
  readonly optionaltext?: readonly Optionaltext[];
}

/** `AntragsdatensatzReiseausweisType` (TR-03123-3 § 3.1.9): travel document (RA, RF, RS). */
export interface AntragReiseausweis extends AntragBasis {
  readonly typ: 'Reiseausweis';
  readonly reiseausweisArt: Reiseausweisart;
  /** Personal data rest on the applicant's own statement. */
  readonly selbsterklaerung?: boolean;
  readonly optionaleEintragungen?: OptionaleEintragungen;
}

export type Antrag =
  | AntragPass
  | AntragPersonalausweis
  | AntragAufenthaltstitel
  | AntragReiseausweis
  | AntragEidKarteUB;

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

/**
 * `RueckmeldungType` (TR-03123-3 § 3.1.21): confirms (`status: true`) or refuses (`status: false`, with at least
 * one Fehlerbeschreibung) one application of the message answered, named by its AntragsID.
 */
export interface Rueckmeldung {
  readonly antragsId: string;
  readonly status: boolean;
  /** Only for a negative answer (`status: false`), where at least one is required. */
  readonly fehlerbeschreibungen: readonly Fehlerbeschreibung[];
}

/** `RueckmeldungReklamationType` (TR-03123-3 § 3.1.22): a Rueckmeldung on a complaint, with its consequences. */
export interface RueckmeldungReklamation extends Rueckmeldung {
  /** true: the producer sends the document back; false: the producer keeps it. */
  readonly ruecksendungAnBehoerde?: boolean;
  /** true: the producer bears the costs of the complaint. */
  readonly kostenUebernahmeHersteller?: boolean;
  /** An information sheet as PDF (`xs:base64Binary` in the XML). */
  readonly infoblatt?: Uint8Array;
}

/** Common part of every message (`AbstrakteNachrichtType`, TR-03123-3 § 2.2). */
interface NachrichtBasis {
  readonly version: XhdVersion;
  readonly kopf: Nachrichtenkopf;
  /** Children of `xhd:any` (signature, encrypted data), as for `BestellungDokument`. */
  readonly any?: readonly string[];
}

/**
 * The message `Auftragsinformation` (TR-03123-3 § 2.5, `CTYPE_AuftragsinformationType` § 3.2.3): the producer's
 * answer to a `BestellungDokument`, one `Rueckmeldung` per application (element `Auftragsinformationen`, 1..n).
 */
export interface Auftragsinformation extends NachrichtBasis {
  readonly nachricht: 'Auftragsinformation';
  readonly auftragsinformationen: readonly Rueckmeldung[];
}

/** `LieferinformationDokumentType` (TR-03123-3 § 3.1.20): delivery of one ordered document. */
export interface LieferinformationDokument {
  readonly typ: 'Dokument';
  readonly antragsId: string;
  /** Whether the authority has to confirm the delivery with a `Quittierung` (§ 3.1.18). */
  readonly quittierungErforderlich: boolean;
  /** Only for documents with eID function (PA, AT, eID card), where TR-03123-2 Table 21 requires it. */
  readonly sperrkennwort?: string;
  readonly sperrsumme?: string;
}

/** `LieferinformationSeriennummerType` (TR-03123-3 § 3.1.19): delivery of ordered serial numbers. */
export interface LieferinformationSeriennummern {
  readonly typ: 'Seriennummern';
  readonly antragsId: string;
  readonly quittierungErforderlich: boolean;
  /**
   * The 5-character serial numbers (without BKZ and check digit). In the XML they are one base64 value of the
   * list joined by `;`; parsing splits at `;` and serialising joins again, so the bytes survive a round trip.
   */
  readonly seriennummern: readonly string[];
}

/** `LieferinformationInhaltType` (abstract, TR-03123-3 § 3.1.18), substituted via `xsi:type`. */
export type LieferinformationInhalt = LieferinformationDokument | LieferinformationSeriennummern;

/**
 * The message `Lieferinformation` (TR-03123-3 § 2.7, `CTYPE_LieferinformationType` § 3.2.7): the producer tells
 * the authority what was delivered for exactly one order (element `Lieferinformationen`, 1..n).
 */
export interface Lieferinformation extends NachrichtBasis {
  readonly nachricht: 'Lieferinformation';
  readonly lieferinformationen: readonly LieferinformationInhalt[];
}

/**
 * The message `Quittierung` (TR-03123-3 § 2.8, `CTYPE_QuittierungType` § 3.2.9): sent by the *authority*,
 * confirming receipt and processing of a `Lieferinformation` (element `Quittierungen`, 1..n).
 */
export interface Quittierung extends NachrichtBasis {
  readonly nachricht: 'Quittierung';
  readonly quittierungen: readonly Rueckmeldung[];
}

/**
 * The message `Reklamationsinformation` (TR-03123-3 § 2.6, `CTYPE_ReklamationsinformationType` § 3.2.10): the
 * producer accepts or refuses complaints about documents (element `Reklamationsinformationen`, 1..n).
 */
export interface Reklamationsinformation extends NachrichtBasis {
  readonly nachricht: 'Reklamationsinformation';
  readonly reklamationsinformationen: readonly RueckmeldungReklamation[];
}

/**
 * The message `BestellungSeriennummern` (TR-03123-3 § 2.4, `CTYPE_Bestellungen_SeriennummerType` § 3.2.4): the
 * authority orders a number of serial numbers.
 */
export interface BestellungSeriennummern extends NachrichtBasis {
  readonly nachricht: 'BestellungSeriennummern';
  /** Behördenkennzahl of the ordering authority (4 characters, TR-03123-2 Table 16). */
  readonly bkz: string;
  /** Number of serial numbers ordered, 1–100 000. */
  readonly anzahl: number;
}

/** Every message this package reads and writes; branch on `nachricht`. */
export type XhdMessage =
  | BestellungDokument
  | Fehlerinformation
  | Auftragsinformation
  | Lieferinformation
  | Quittierung
  | Reklamationsinformation
  | BestellungSeriennummern;
