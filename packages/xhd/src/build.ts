import { normalizeAnyElement } from './any.js';
import { inspectImage } from './binary.js';
import type {
  Aufenthaltstitelart,
  Dokumentenart,
  Druckzeilentyp,
  Fingerposition,
  Geschlecht,
  Optionaltext,
  Passart,
  Reiseausweisart,
  XhdVersion,
} from './codes.js';
import { XhdError } from './errors.js';
import type {
  Anschrift,
  Antrag,
  Behoerdenadresse,
  BestellungDokument,
  Biometrie,
  Druckzeile,
  Fingerabdruck,
  Personendaten,
} from './model.js';
import { serializeXhd } from './serialize.js';

export type NonEmpty<T> = readonly [T, ...T[]];

export interface PersonInput {
  readonly familienname: string;
  readonly vornamen: string;
  readonly geburtsname?: string;
  readonly titel?: string;
  readonly ordensKuenstlername?: string;
  /** `YYYY-MM-DD` (month/day `00` when unknown) or a `Date` (its UTC date is used). */
  readonly geburtsdatum: string | Date;
  readonly geburtsort: string;
  readonly anschrift: Anschrift;
  readonly staatsangehoerigkeit?: string;
  readonly geschlecht?: Geschlecht;
  /** Height in cm. */
  readonly groesse?: number;
  readonly augenfarbe?: string;
}

export interface DokumentInput {
  readonly seriennummer: string;
  /** Date of application. */
  readonly gueltigVon: string | Date;
  readonly gueltigBis: string | Date;
  readonly behoerde: { readonly kurzbezeichnung: string; readonly name?: string };
  readonly ausstellungsort?: string;
}

export interface BiometrieInput {
  readonly antragszeitpunkt: string | Date;
  readonly qsSoftwareVersion: string;
  readonly sollwerteVersion: string;
  /** JPEG or JPEG 2000 bytes; format, pixel size and byte size are read from them. */
  readonly lichtbild: { readonly daten: Uint8Array; readonly qualitaetswert?: number };
  /** WSQ or ISO/IEC 19794-4 bytes with the NFIQ 2 score of the QA software (required by PassDEÜV § 3 (1)). */
  readonly fingerabdruecke: readonly {
    readonly fingerposition: Fingerposition;
    readonly daten: Uint8Array;
    readonly qualitaetswert: number;
  }[];
}

interface AntragInputBase {
  readonly antragsId: string;
  readonly person: PersonInput;
  readonly dokument: DokumentInput;
  readonly biometrie: BiometrieInput;
  readonly unterschrift?: Uint8Array;
}

export interface DienstinfoInput {
  readonly dienstbezeichnung: string;
  readonly dienstort: string;
  readonly passaktennummer: string;
}

/** Dienstinfo is required for official and diplomatic passports and not allowed for the ordinary one (TR-03123-3 § 3.1.8). */
export type PassAntragInput = AntragInputBase & { readonly extraSeiten?: boolean } & (
    | { readonly passart: 'P'; readonly dienstinfo?: never }
    | { readonly passart: Exclude<Passart, 'P'>; readonly dienstinfo: DienstinfoInput }
  );

/** The eID data of an ID card, residence permit or eID card order (`ElektronischeIDType`). */
export interface ElektronischeIdInput {
  readonly pin: {
    /** Printed lines of the PIN letter address. */
    readonly lieferadresse: NonEmpty<string>;
    readonly anschrift?: Anschrift;
    readonly ruecksendeadresse: string;
    readonly versand?: boolean;
  };
  readonly wohnortId?: string;
  /**
   * `NutzungElektronischeID`. Default: true – for the ID card false while the applicant is not yet 16 on the
   * application date (TR-03123-2 note 6).
   */
  readonly nutzungElektronischeId?: boolean;
}

export interface PersonalausweisAntragInput extends AntragInputBase, ElektronischeIdInput {}

/** Electronic residence permit (eAT, Produktart `AT`). */
export interface AufenthaltstitelAntragInput extends AntragInputBase, ElektronischeIdInput {
  readonly aufenthaltstitel: {
    readonly art: Aufenthaltstitelart;
    readonly nebenbestimmungen1?: string;
    readonly nebenbestimmungen2?: string;
    /** Printed lines of the remarks on the front (legal basis, passport document). */
    readonly anmerkungenRechtsgrundlagenUndPassdokument: NonEmpty<string>;
    /** Printed lines of the remarks on employment (back). */
    readonly anmerkungenErwerbstaetigkeit?: NonEmpty<string>;
  };
}

/** Travel document (Produktart `RA`): Reiseausweis für Ausländer (`RA`), Flüchtlinge (`RF`), Staatenlose (`RS`). */
export interface ReiseausweisAntragInput extends AntragInputBase {
  readonly reiseausweisArt: Reiseausweisart;
  readonly selbsterklaerung?: boolean;
  readonly optionaleEintragungen?: {
    readonly land?: readonly string[];
    readonly gueltigFuerAlle?: boolean;
    readonly landAusnahme?: readonly string[];
    /** Printed lines "issued on the basis of the following documents". */
    readonly unterlagen?: NonEmpty<string>;
    readonly optionaltext?: readonly Optionaltext[];
  };
}

/** eID card for EU citizens (Produktart `UB`): no biometrics required (TR-03123-2 Table 6). */
export type EidKarteUBAntragInput = Omit<AntragInputBase, 'biometrie'> &
  ElektronischeIdInput & { readonly biometrie?: BiometrieInput };

export interface BehoerdenadresseInput {
  readonly zeilen: NonEmpty<string>;
  readonly behoerdenname?: string;
  readonly anschrift?: Anschrift;
}

export interface KopfInput {
  readonly nachrichtenId: string;
  readonly bestellnummer: string;
  readonly senderkennung: string;
  readonly empfaengerkennung: string;
  readonly verfahrenskennung: string;
  readonly verfahrensschluessel?: string;
  readonly express?: boolean;
  readonly testnachricht?: number;
  /** Defaults to now. */
  readonly erstellungszeitpunkt?: string | Date;
}

interface BestellungInputBase {
  /** XhD version; defaults to 1.7. */
  readonly version?: XhdVersion;
  readonly kopf: KopfInput;
  readonly rechnungsadresse: BehoerdenadresseInput;
  readonly lieferadresse: BehoerdenadresseInput;
  readonly zertifizierteKomponenten: NonEmpty<{
    readonly komponentenName: string;
    readonly versionsinformation: string;
    readonly zertifizierungsId: string;
  }>;
  /**
   * Children of `xhd:any` (TR-03132 § 4: the enveloped `ds:Signature`, `xenc:EncryptedData`): each one
   * well-formed element outside the XhD namespace, as XML text.
   */
  readonly any?: readonly string[];
}

/** One order carries applications for one document type (`Produktart` in the header). */
export type BestellungInput = BestellungInputBase &
  (
    | { readonly produktart: 'RP'; readonly antraege: NonEmpty<PassAntragInput> }
    | { readonly produktart: 'PA'; readonly antraege: NonEmpty<PersonalausweisAntragInput> }
    | { readonly produktart: 'AT'; readonly antraege: NonEmpty<AufenthaltstitelAntragInput> }
    | { readonly produktart: 'RA'; readonly antraege: NonEmpty<ReiseausweisAntragInput> }
    | { readonly produktart: 'UB'; readonly antraege: NonEmpty<EidKarteUBAntragInput> }
  );

export interface BuildResult {
  readonly xml: string;
  readonly message: BestellungDokument;
}

function isoDate(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString().slice(0, 10);
}

function isoDateTime(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

function lines(entries: readonly (readonly [Druckzeilentyp, string | undefined])[]): Druckzeile[] {
  const result: Druckzeile[] = [];
  for (const [typ, content] of entries) {
    if (content !== undefined && content !== '') result.push({ nummer: result.length + 1, content, typ });
  }
  return result;
}

function invalid(message: string, path: string): never {
  throw new XhdError('XHD_BUILD_INVALID', message, { details: { path } });
}

function biometrie(input: BiometrieInput, path: string): Biometrie {
  const photo = inspectImage(input.lichtbild.daten);
  if (photo === undefined || (photo.format !== 'JPEG' && photo.format !== 'JPEG2000')) {
    throw new XhdError('XHD_BINARY_FORMAT_UNKNOWN', 'The photo is neither JPEG nor JPEG 2000.', {
      details: { path: `${path}.lichtbild`, detected: photo?.format ?? null },
    });
  }
  if (photo.width === undefined || photo.height === undefined) {
    invalid('The pixel size of the photo cannot be read from its header.', `${path}.lichtbild`);
  }
  const fingerabdruecke = input.fingerabdruecke.map((f, index): Fingerabdruck => {
    const info = inspectImage(f.daten);
    if (info === undefined || (info.format !== 'WSQ' && info.format !== 'ISO19794-4')) {
      throw new XhdError('XHD_BINARY_FORMAT_UNKNOWN', 'A fingerprint is neither WSQ nor ISO/IEC 19794-4.', {
        details: { path: `${path}.fingerabdruecke[${index}]`, detected: info?.format ?? null },
      });
    }
    if (!Number.isInteger(f.qualitaetswert) || f.qualitaetswert < 0 || f.qualitaetswert > 100) {
      invalid(
        'A fingerprint quality value must be an NFIQ 2 score 0–100.',
        `${path}.fingerabdruecke[${index}]`,
      );
    }
    return {
      fingerposition: f.fingerposition,
      format: info.format,
      qualitaetswert: f.qualitaetswert,
      groesse: f.daten.byteLength,
      daten: f.daten,
    };
  });
  return {
    antragszeitpunkt: isoDateTime(input.antragszeitpunkt),
    qsSoftwareVersion: input.qsSoftwareVersion,
    sollwerteVersion: input.sollwerteVersion,
    lichtbild: {
      format: photo.format,
      breite: photo.width,
      hoehe: photo.height,
      ...(input.lichtbild.qualitaetswert === undefined
        ? {}
        : { qualitaetswert: input.lichtbild.qualitaetswert }),
      groesse: input.lichtbild.daten.byteLength,
      daten: input.lichtbild.daten,
    },
    fingerabdruecke,
  };
}

function personendaten(p: PersonInput, produktart: Dokumentenart): Personendaten {
  // TR-03123-2 Table 7: no Vornamensblock line on the residence permit and the eID card.
  const vornamensblock = produktart === 'AT' || produktart === 'UB' ? undefined : p.vornamen;
  return {
    name: {
      familienname: p.familienname,
      vorname: p.vornamen,
      ...(p.geburtsname === undefined ? {} : { geburtsname: p.geburtsname }),
      ...(p.titel === undefined ? {} : { titel: p.titel }),
      ...(p.ordensKuenstlername === undefined ? {} : { ordensKuenstlername: p.ordensKuenstlername }),
    },
    anschrift: p.anschrift,
    ...(p.staatsangehoerigkeit === undefined ? {} : { staatsangehoerigkeit: p.staatsangehoerigkeit }),
    ...(p.geschlecht === undefined ? {} : { geschlecht: p.geschlecht }),
    geburtsdatum: isoDate(p.geburtsdatum),
    geburtsort: p.geburtsort,
    ...(p.groesse === undefined ? {} : { groesse: String(Math.round(p.groesse)).padStart(3, '0') }),
    ...(p.augenfarbe === undefined ? {} : { augenfarbe: p.augenfarbe }),
    druckrepraesentation: lines([
      ['Namensblock', p.titel === undefined ? p.familienname : `${p.titel} ${p.familienname}`],
      ['Vornamensblock', vornamensblock],
      ['Geburtsname', p.geburtsname],
      ['Ordens_Kuenstlername', p.ordensKuenstlername],
      ['Geburtsort', p.geburtsort],
      ['Strasse_Hausnummer', p.anschrift.strasseUndHausnummer],
      [
        'Wohnort',
        p.anschrift.ort === undefined
          ? undefined
          : [p.anschrift.postleitzahl, p.anschrift.ort].filter((s) => s !== undefined).join(' '),
      ],
    ]),
  };
}

function adresse(input: BehoerdenadresseInput, typ: Druckzeilentyp): Behoerdenadresse {
  return {
    druckrepraesentation: lines(input.zeilen.map((zeile) => [typ, zeile] as const)),
    ...(input.behoerdenname === undefined ? {} : { behoerdenname: input.behoerdenname }),
    ...(input.anschrift === undefined ? {} : { anschrift: input.anschrift }),
  };
}

type AnyAntragInput =
  | PassAntragInput
  | PersonalausweisAntragInput
  | AufenthaltstitelAntragInput
  | ReiseausweisAntragInput
  | EidKarteUBAntragInput;

/** Completed years on `on` of someone born on `birth` (`YYYY-MM-DD`, 00 = unknown counts as the earliest). */
function ageOn(birth: string, on: string): number | undefined {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  if (b === null || d === null) return undefined;
  const [by, bm, bd] = [Number(b[1]), Math.max(1, Number(b[2])), Math.max(1, Number(b[3]))];
  const [dy, dm, dd] = [Number(d[1]), Number(d[2]), Number(d[3])];
  return dy - by - (dm < bm || (dm === bm && dd < bd) ? 1 : 0);
}

function elektronischeId(
  input: ElektronischeIdInput,
  produktart: Dokumentenart,
  birth: string,
  from: string,
) {
  const age = ageOn(birth, from);
  const nutzung = input.nutzungElektronischeId ?? !(produktart === 'PA' && age !== undefined && age < 16);
  return {
    nutzungElektronischeId: nutzung,
    pinLieferadresse: {
      druckrepraesentation: lines(input.pin.lieferadresse.map((z) => ['LieferadressePIN', z] as const)),
      ...(input.pin.anschrift === undefined ? {} : { anschrift: input.pin.anschrift }),
    },
    pinRuecksendeadresse: input.pin.ruecksendeadresse,
    ...(input.wohnortId === undefined ? {} : { wohnortId: input.wohnortId }),
    ...(input.pin.versand === undefined ? {} : { versandPinBrief: input.pin.versand }),
  };
}

function antrag(input: AnyAntragInput, index: number, produktart: Dokumentenart): Antrag {
  const path = `antraege[${index}]`;
  const d = input.dokument;
  const personendatenModel = personendaten(input.person, produktart);
  const base = {
    antragsId: input.antragsId,
    personendaten: personendatenModel,
    dokumentendaten: {
      seriennummer: d.seriennummer,
      gueltigVon: isoDate(d.gueltigVon),
      gueltigBis: isoDate(d.gueltigBis),
      behoerdenname: {
        druckrepraesentation: lines([['Behoerdenname', d.behoerde.name ?? d.behoerde.kurzbezeichnung]]),
        ...(d.behoerde.name === undefined ? {} : { name: d.behoerde.name }),
        kurzbezeichnung: d.behoerde.kurzbezeichnung,
      },
      ...(d.ausstellungsort === undefined ? {} : { ausstellungsort: d.ausstellungsort }),
    },
    ...(input.biometrie === undefined ? {} : { biometrie: biometrie(input.biometrie, `${path}.biometrie`) }),
  };
  const unterschrift =
    input.unterschrift === undefined ? undefined : signature(input.unterschrift, `${path}.unterschrift`);
  const withSignature = unterschrift === undefined ? base : { ...base, unterschrift };
  if (produktart === 'RP' && 'passart' in input) {
    return {
      typ: 'Pass',
      ...withSignature,
      passart: input.passart,
      ...(input.dienstinfo === undefined ? {} : { dienstinfo: input.dienstinfo }),
      ...(input.extraSeiten === undefined ? {} : { extraSeiten: input.extraSeiten }),
    };
  }
  if (produktart === 'RA' && 'reiseausweisArt' in input) {
    const o = input.optionaleEintragungen;
    return {
      typ: 'Reiseausweis',
      ...withSignature,
      reiseausweisArt: input.reiseausweisArt,
      ...(input.selbsterklaerung === undefined ? {} : { selbsterklaerung: input.selbsterklaerung }),
      ...(o === undefined
        ? {}
        : {
            optionaleEintragungen: {
              ...(o.land === undefined || o.land.length === 0 ? {} : { land: o.land }),
              ...(o.gueltigFuerAlle === undefined ? {} : { gueltigFuerAlle: o.gueltigFuerAlle }),
              ...(o.landAusnahme === undefined || o.landAusnahme.length === 0
                ? {}
                : { landAusnahme: o.landAusnahme }),
              ...(o.unterlagen === undefined
                ? {}
                : { unterlagen: lines(o.unterlagen.map((z) => ['Unterlagen', z] as const)) }),
              ...(o.optionaltext === undefined || o.optionaltext.length === 0
                ? {}
                : { optionaltext: o.optionaltext }),
            },
          }),
    };
  }
  if ('pin' in input && (produktart === 'PA' || produktart === 'AT' || produktart === 'UB')) {
    const eid = elektronischeId(
      input,
      produktart,
      personendatenModel.geburtsdatum,
      base.dokumentendaten.gueltigVon,
    );
    if (produktart === 'AT') {
      if (!('aufenthaltstitel' in input))
        invalid('A residence permit needs aufenthaltstitel.', `${path}.aufenthaltstitel`);
      const t = input.aufenthaltstitel;
      return {
        typ: 'Aufenthaltstitel',
        ...withSignature,
        ...eid,
        aufenthaltstiteldaten: {
          aufenthaltstitelart: t.art,
          ...(t.nebenbestimmungen1 === undefined ? {} : { nebenbestimmungen1: t.nebenbestimmungen1 }),
          ...(t.nebenbestimmungen2 === undefined ? {} : { nebenbestimmungen2: t.nebenbestimmungen2 }),
          anmerkungenRechtsgrundlagenUndPassdokument: lines(
            t.anmerkungenRechtsgrundlagenUndPassdokument.map(
              (z) => ['AnmerkungenRechtsgrundlagenUndPassdokument', z] as const,
            ),
          ),
          ...(t.anmerkungenErwerbstaetigkeit === undefined
            ? {}
            : {
                anmerkungenErwerbstaetigkeit: lines(
                  t.anmerkungenErwerbstaetigkeit.map((z) => ['AnmerkungenErwerbstaetigkeit', z] as const),
                ),
              }),
        },
      };
    }
    return produktart === 'UB'
      ? { typ: 'EIDKarteUB', ...withSignature, ...eid }
      : { typ: 'Personalausweis', ...withSignature, ...eid };
  }
  return invalid(`Produktart ${produktart} does not match this application.`, path);
}

function signature(
  daten: Uint8Array,
  path: string,
): { mimeCode: 'image/jpeg' | 'image/jp2'; daten: Uint8Array } {
  const info = inspectImage(daten);
  if (info?.format === 'JPEG') return { mimeCode: 'image/jpeg', daten };
  if (info?.format === 'JPEG2000') return { mimeCode: 'image/jp2', daten };
  throw new XhdError('XHD_BINARY_FORMAT_UNKNOWN', 'The signature image is neither JPEG nor JPEG 2000.', {
    details: { path },
  });
}

/** Turns the object literal into the typed message model, filling in formats, pixel sizes and byte sizes. */
export function createBestellungDokument(input: BestellungInput): BestellungDokument {
  const antraege = (input.antraege as readonly AnyAntragInput[]).map((a, index) =>
    antrag(a, index, input.produktart),
  );
  if (antraege.length > 150)
    invalid('An order holds at most 150 applications (TR-03123-3 § 3.1.3).', 'antraege');
  const ids = new Set(antraege.map((a) => a.antragsId));
  if (ids.size !== antraege.length) invalid('AntragsID must be unique within a message.', 'antraege');

  const version = input.version ?? '1.7';
  const k = input.kopf;
  return {
    nachricht: 'BestellungDokument',
    version,
    kopf: {
      nachrichtenId: k.nachrichtenId,
      bestellnummer: k.bestellnummer,
      senderkennung: k.senderkennung,
      empfaengerkennung: k.empfaengerkennung,
      ...(k.express === undefined ? {} : { express: k.express }),
      ...(k.verfahrensschluessel === undefined ? {} : { verfahrensschluessel: k.verfahrensschluessel }),
      verfahrenskennung: k.verfahrenskennung,
      ...(k.testnachricht === undefined ? {} : { testnachricht: k.testnachricht }),
      erstellungszeitpunkt: isoDateTime(k.erstellungszeitpunkt ?? new Date()),
      produktart: input.produktart,
      versionXhd: version,
    },
    antraege,
    rechnungsadresse: adresse(input.rechnungsadresse, 'Rechnungsadresse'),
    lieferadresse: adresse(input.lieferadresse, 'Lieferadresse'),
    zertifizierteKomponenten: input.zertifizierteKomponenten,
    ...(input.any === undefined || input.any.length === 0
      ? {}
      : { any: input.any.map((xml, index) => anyElement(xml, index)) }),
  };
}

function anyElement(xml: string, index: number): string {
  try {
    return normalizeAnyElement(xml, `/xhd:BestellungDokument/xhd:any/*[${index + 1}]`);
  } catch (error) {
    if (error instanceof XhdError) invalid(error.message, `any[${index}]`);
    throw error;
  }
}

/** Builds a `BestellungDokument` and serialises it; `message` is the model the XML was written from. */
export function buildXhd(input: BestellungInput): BuildResult {
  const message = createBestellungDokument(input);
  return { xml: serializeXhd(message), message };
}
