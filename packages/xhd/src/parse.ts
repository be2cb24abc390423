import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { anyElementXml } from './any.js';
import { fromBase64 } from './binary.js';
import {
  AUFENTHALTSTITELARTEN,
  type Aufenthaltstitelart,
  DOKUMENTENARTEN,
  type Dokumentenart,
  DRUCKZEILEN,
  type Druckzeilentyp,
  type Fingerabdruckformat,
  type Fingerposition,
  GESCHLECHTER,
  type Geschlecht,
  type Lichtbildformat,
  OPTIONALTEXTE,
  type Optionaltext,
  PASSARTEN,
  type Passart,
  REISEAUSWEISARTEN,
  type Reiseausweisart,
  XHD_VERSIONS,
  type XhdVersion,
  xhdNamespace,
} from './codes.js';
import { XhdError } from './errors.js';
import type {
  Anschrift,
  Antrag,
  Auftragsinformation,
  Behoerdenadresse,
  BestellungDokument,
  BestellungSeriennummern,
  Biometrie,
  Druckzeile,
  Fehlerbeschreibung,
  Fehlerinformation,
  Fingerabdruck,
  Lieferinformation,
  LieferinformationInhalt,
  Nachrichtenkopf,
  OptionaleEintragungen,
  Personendaten,
  Quittierung,
  Reklamationsinformation,
  Rueckmeldung,
  RueckmeldungReklamation,
  XhdMessage,
} from './model.js';
import { XSI_NAMESPACE } from './serialize.js';

export interface ParseOptions {
  /** Largest accepted input in bytes (UTF-8); default 16 MiB. */
  readonly maxBytes?: number;
  /** Largest accepted number of elements; default 100 000. */
  readonly maxElements?: number;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** Default of `maxElements` (internal: not exported from the package). */
export const DEFAULT_MAX_ELEMENTS = 100_000;

/**
 * The members of a DOM node the strict reader uses: satisfied by xmldom's nodes and by the light tree that
 * `validateXhd` builds from a document libxml2 has already parsed (lightdom.ts).
 */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly localName: string | null;
  readonly namespaceURI: string | null;
  readonly prefix: string | null;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  readonly textContent: string | null;
  readonly lineNumber?: number;
}

export interface DomElement extends DomNode {
  getAttributeNS(namespace: string | null, localName: string): string | null;
}

/** Reads the children of one element strictly in order; anything left over or out of place is an error. */
class Reader {
  readonly #children: DomElement[];
  #index = 0;
  #hasText = false;

  constructor(
    readonly element: DomElement,
    readonly path: string,
    readonly ns: string,
  ) {
    this.#children = [];
    for (let node = element.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType === 1) this.#children.push(node as DomElement);
      else if ((node.nodeType === 3 || node.nodeType === 4) && (node.nodeValue ?? '').trim() !== '') {
        this.#hasText = true;
      }
    }
  }

  #peek(name: string): DomElement | undefined {
    const next = this.#children[this.#index];
    return next !== undefined && next.localName === name && next.namespaceURI === this.ns ? next : undefined;
  }

  #childPath(name: string, position?: number): string {
    return `${this.path}/xhd:${name}${position === undefined ? '' : `[${position}]`}`;
  }

  opt(name: string): Reader | undefined {
    const next = this.#peek(name);
    if (next === undefined) return undefined;
    this.#index++;
    return new Reader(next, this.#childPath(name), this.ns);
  }

  req(name: string): Reader {
    const found = this.opt(name);
    if (found === undefined) {
      const path = this.#childPath(name);
      throw new XhdError('XHD_ELEMENT_MISSING', `Element ${path} is missing.`, { details: { path } });
    }
    return found;
  }

  many(name: string): Reader[] {
    const result: Reader[] = [];
    for (let next = this.#peek(name); next !== undefined; next = this.#peek(name)) {
      this.#index++;
      result.push(new Reader(next, this.#childPath(name, result.length + 1), this.ns));
    }
    return result;
  }

  text(): string {
    if (this.#children.length > 0) {
      throw new XhdError('XHD_ELEMENT_UNEXPECTED', `${this.path} must hold text only.`, {
        details: { path: this.path },
      });
    }
    return this.element.textContent ?? '';
  }

  reqText(name: string): string {
    return this.req(name).text();
  }

  optText(name: string): string | undefined {
    return this.opt(name)?.text();
  }

  done(): void {
    if (this.#hasText) {
      throw new XhdError('XHD_ELEMENT_UNEXPECTED', `Text is not allowed directly in ${this.path}.`, {
        details: { path: this.path },
      });
    }
    const extra = this.#children[this.#index];
    if (extra !== undefined) {
      const path = `${this.path}/${extra.prefix === null ? '' : `${extra.prefix}:`}${extra.localName}`;
      throw new XhdError('XHD_ELEMENT_UNEXPECTED', `Element ${path} is not expected here.`, {
        details: { path },
      });
    }
  }
}

function invalidValue(path: string, value: string, expected: string): never {
  throw new XhdError('XHD_VALUE_INVALID', `${path}: "${value.slice(0, 40)}" is not ${expected}.`, {
    details: { path, expected },
  });
}

function oneOf<T extends string>(values: readonly T[], value: string, path: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  return invalidValue(path, value, `one of ${values.join(', ')}`);
}

function bool(r: Reader | undefined): boolean | undefined {
  if (r === undefined) return undefined;
  const value = r.text();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return invalidValue(r.path, value, 'a boolean');
}

function int(r: Reader, min: number, max: number): number {
  const value = r.text();
  if (!/^[0-9]+$/.test(value)) return invalidValue(r.path, value, 'an integer');
  const n = Number(value);
  if (n < min || n > max) return invalidValue(r.path, value, `between ${min} and ${max}`);
  return n;
}

function bytes(r: Reader): Uint8Array {
  const decoded = fromBase64(r.text());
  return decoded ?? invalidValue(r.path, '…', 'base64');
}

function druck(r: Reader): Druckzeile[] {
  const zeilen = r.many('Zeile').map((z) => {
    const zeile = {
      nummer: int(z.req('Nummer'), 0, 2147483647),
      content: z.reqText('content'),
      typ: oneOf<Druckzeilentyp>(DRUCKZEILEN, z.reqText('Typ'), `${z.path}/xhd:Typ`),
    };
    z.done();
    return zeile;
  });
  r.done();
  return zeilen;
}

function staat(r: Reader | undefined): string | undefined {
  if (r === undefined) return undefined;
  const value = r.reqText('Staat');
  r.done();
  return value;
}

function anschrift(r: Reader): Anschrift {
  const strasse = r.optText('StrasseUndHausnummer');
  const plz = r.optText('Postleitzahl');
  const ort = r.optText('Ort');
  const land = staat(r.opt('Staat'));
  r.done();
  return {
    ...(strasse === undefined ? {} : { strasseUndHausnummer: strasse }),
    ...(plz === undefined ? {} : { postleitzahl: plz }),
    ...(ort === undefined ? {} : { ort }),
    ...(land === undefined ? {} : { staat: land }),
  };
}

function allgemeinerName(r: Reader): string {
  const name = r.reqText('Name');
  r.done();
  return name;
}

function personendaten(r: Reader): Personendaten {
  const np = r.req('NatuerlichePerson');
  const nn = np.req('NameNatuerlichePerson');
  const familienname = allgemeinerName(nn.req('Familienname'));
  const vorname = allgemeinerName(nn.req('Vorname'));
  const gebName = nn.opt('Geburtsname');
  const geburtsname = gebName === undefined ? undefined : allgemeinerName(gebName);
  const titel = nn.optText('Titel');
  const ordens = nn.optText('Ordens_Kuenstlername');
  nn.done();
  const adresse = anschrift(np.req('Anschrift'));
  const staatsangehoerigkeit = staat(np.opt('Staatsangehoerigkeit'));
  const g = np.opt('Geschlecht');
  let geschlecht: Geschlecht | undefined;
  if (g !== undefined) {
    geschlecht = oneOf<Geschlecht>(GESCHLECHTER, g.reqText('Geschlecht'), `${g.path}/xhd:Geschlecht`);
    g.done();
  }
  np.done();
  const geburt = r.req('Geburt');
  const geburtsdatum = geburt.reqText('Geburtsdatum');
  const geburtsort = geburt.reqText('Geburtsort');
  geburt.done();
  const groesse = r.optText('Groesse');
  const augenfarbe = r.optText('Augenfarbe');
  const druckrepraesentation = druck(r.req('Druckrepraesentation'));
  r.done();
  return {
    name: {
      familienname,
      vorname,
      ...(geburtsname === undefined ? {} : { geburtsname }),
      ...(titel === undefined ? {} : { titel }),
      ...(ordens === undefined ? {} : { ordensKuenstlername: ordens }),
    },
    anschrift: adresse,
    ...(staatsangehoerigkeit === undefined ? {} : { staatsangehoerigkeit }),
    ...(geschlecht === undefined ? {} : { geschlecht }),
    geburtsdatum,
    geburtsort,
    ...(groesse === undefined ? {} : { groesse }),
    ...(augenfarbe === undefined ? {} : { augenfarbe }),
    druckrepraesentation,
  };
}

function biometrie(r: Reader): Biometrie {
  const antragszeitpunkt = r.reqText('Antragszeitpunkt');
  const qsSoftwareVersion = r.reqText('QSSoftwareVersion');
  const sollwerteVersion = r.reqText('SollwerteVersion');
  const lb = r.req('Lichtbild');
  const format = oneOf<Lichtbildformat>(['JPEG', 'JPEG2000'], lb.reqText('Format'), `${lb.path}/xhd:Format`);
  const breite = int(lb.req('Breite'), 1, 1_000_000);
  const hoehe = int(lb.req('Hoehe'), 1, 1_000_000);
  const q = lb.opt('Qualitaetswert');
  const qualitaetswert = q === undefined ? undefined : int(q, 0, 100);
  const groesse = int(lb.req('Groesse'), 1, Number.MAX_SAFE_INTEGER);
  const daten = bytes(lb.req('Daten'));
  lb.done();
  const fingerabdruecke = r.many('Fingerabdruck').map((f): Fingerabdruck => {
    const result: Fingerabdruck = {
      fingerposition: int(f.req('Fingerposition'), 1, 10) as Fingerposition,
      format: oneOf<Fingerabdruckformat>(['WSQ', 'ISO19794-4'], f.reqText('Format'), `${f.path}/xhd:Format`),
      qualitaetswert: int(f.req('Qualitaetswert'), 0, 100),
      groesse: int(f.req('Groesse'), 1, Number.MAX_SAFE_INTEGER),
      daten: bytes(f.req('Daten')),
    };
    f.done();
    return result;
  });
  r.done();
  return {
    antragszeitpunkt,
    qsSoftwareVersion,
    sollwerteVersion,
    lichtbild: {
      format,
      breite,
      hoehe,
      ...(qualitaetswert === undefined ? {} : { qualitaetswert }),
      groesse,
      daten,
    },
    fingerabdruecke,
  };
}

function antrag(r: Reader): Antrag {
  const xsiType = r.element.getAttributeNS(XSI_NAMESPACE, 'type') ?? '';
  const typeName = xsiType.includes(':') ? xsiType.slice(xsiType.indexOf(':') + 1) : xsiType;
  if (!(ANTRAG_TYPES as readonly string[]).includes(typeName)) {
    return invalidValue(`${r.path}/@xsi:type`, xsiType, `one of ${ANTRAG_TYPES.join(', ')}`);
  }
  const antragsId = r.reqText('AntragsID');
  const person = personendaten(r.req('Personendaten'));
  const d = r.req('Dokumentendaten');
  const seriennummer = d.reqText('Seriennummer');
  const gueltigVon = d.reqText('GueltigVon');
  const gueltigBis = d.reqText('GueltigBis');
  const bn = d.req('Behoerdenname');
  const bnDruck = druck(bn.req('Druckrepraesentation'));
  const bnName = bn.optText('Name');
  const kurzbezeichnung = bn.reqText('Kurzbezeichnung');
  bn.done();
  const ausstellungsort = d.optText('Ausstellungsort');
  d.done();
  const bm = r.opt('BiometrischeMerkmale');
  let bio: Biometrie | undefined;
  if (bm !== undefined) {
    bio = biometrie(bm.req('Biometrie'));
    bm.done();
  }
  const u = r.opt('Unterschrift');
  let unterschrift: Antrag['unterschrift'];
  if (u !== undefined) {
    const mimeCode = oneOf<'image/jpeg' | 'image/jp2'>(
      ['image/jpeg', 'image/jp2'],
      u.reqText('mimeCode'),
      `${u.path}/xhd:mimeCode`,
    );
    unterschrift = { mimeCode, daten: bytes(u.req('content')) };
    u.done();
  }
  const base = {
    antragsId,
    personendaten: person,
    dokumentendaten: {
      seriennummer,
      gueltigVon,
      gueltigBis,
      behoerdenname: {
        druckrepraesentation: bnDruck,
        ...(bnName === undefined ? {} : { name: bnName }),
        kurzbezeichnung,
      },
      ...(ausstellungsort === undefined ? {} : { ausstellungsort }),
    },
    ...(bio === undefined ? {} : { biometrie: bio }),
    ...(unterschrift === undefined ? {} : { unterschrift }),
  };
  if (typeName === 'AntragsdatensatzPassType') {
    const passart = oneOf<Passart>(PASSARTEN, r.reqText('Passart'), `${r.path}/xhd:Passart`);
    const di = r.opt('Dienstinfo');
    let dienstinfo: { dienstbezeichnung: string; dienstort: string; passaktennummer: string } | undefined;
    if (di !== undefined) {
      dienstinfo = {
        dienstbezeichnung: di.reqText('Dienstbezeichnung'),
        dienstort: di.reqText('Dienstort'),
        passaktennummer: di.reqText('Passaktennummer'),
      };
      di.done();
    }
    const extraSeiten = bool(r.opt('ExtraSeiten'));
    r.done();
    return {
      typ: 'Pass',
      ...base,
      passart,
      ...(dienstinfo === undefined ? {} : { dienstinfo }),
      ...(extraSeiten === undefined ? {} : { extraSeiten }),
    };
  }
  if (typeName === 'AntragsdatensatzReiseausweisType') {
    const reiseausweisArt = oneOf<Reiseausweisart>(
      REISEAUSWEISARTEN,
      r.reqText('ReiseausweisArt'),
      `${r.path}/xhd:ReiseausweisArt`,
    );
    const selbsterklaerung = bool(r.opt('Selbsterklaerung'));
    const oe = r.opt('optionaleEintragungen');
    let optionaleEintragungen: OptionaleEintragungen | undefined;
    if (oe !== undefined) {
      const la = oe.opt('laenderangaben');
      let land: string[] = [];
      let gueltigFuerAlle: boolean | undefined;
      let landAusnahme: string[] = [];
      if (la !== undefined) {
        land = la.many('land').map((l) => l.text());
        gueltigFuerAlle = bool(la.opt('gueltigfueralle'));
        landAusnahme = la.many('land_ausnahme').map((l) => l.text());
        la.done();
      }
      const u = oe.opt('unterlagen');
      const unterlagen = u === undefined ? undefined : druck(u);
      const optionaltext = oe
        .many('optionaltext')
        .map((t) => oneOf<Optionaltext>(OPTIONALTEXTE, t.text(), t.path));
      oe.done();
      optionaleEintragungen = {
        ...(land.length === 0 ? {} : { land }),
        ...(gueltigFuerAlle === undefined ? {} : { gueltigFuerAlle }),
        ...(landAusnahme.length === 0 ? {} : { landAusnahme }),
        ...(unterlagen === undefined ? {} : { unterlagen }),
        ...(optionaltext.length === 0 ? {} : { optionaltext }),
      };
    }
    r.done();
    return {
      typ: 'Reiseausweis',
      ...base,
      reiseausweisArt,
      ...(selbsterklaerung === undefined ? {} : { selbsterklaerung }),
      ...(optionaleEintragungen === undefined ? {} : { optionaleEintragungen }),
    };
  }
  const eid = r.req('ElektronischeID');
  const nutzung = bool(eid.req('NutzungElektronischeID')) === true;
  const pin = eid.req('PINDaten');
  const la = pin.req('Lieferadresse');
  const laDruck = druck(la.req('Druckrepraesentation'));
  const laAnschrift = la.opt('Anschrift');
  const pinAnschrift = laAnschrift === undefined ? undefined : anschrift(laAnschrift);
  la.done();
  const ruecksendeadresse = pin.reqText('Ruecksendeadresse');
  pin.done();
  const wohnortId = eid.optText('WohnortID');
  const versand = bool(eid.opt('Versand_PIN_Brief'));
  eid.done();
  const eidDaten = {
    nutzungElektronischeId: nutzung,
    pinLieferadresse: {
      druckrepraesentation: laDruck,
      ...(pinAnschrift === undefined ? {} : { anschrift: pinAnschrift }),
    },
    pinRuecksendeadresse: ruecksendeadresse,
    ...(wohnortId === undefined ? {} : { wohnortId }),
    ...(versand === undefined ? {} : { versandPinBrief: versand }),
  };
  if (typeName === 'AntragsdatensatzAufenthaltstitelType') {
    const t = r.req('Aufenthaltstiteldaten');
    const aufenthaltstitelart = oneOf<Aufenthaltstitelart>(
      AUFENTHALTSTITELARTEN,
      t.reqText('Aufenthaltstitelart'),
      `${t.path}/xhd:Aufenthaltstitelart`,
    );
    const nebenbestimmungen1 = t.optText('Nebenbestimmungen1');
    const nebenbestimmungen2 = t.optText('Nebenbestimmungen2');
    const vorn = t.req('AnmerkungenRechtsgrundlagenUndPassdokument');
    const anmerkungenRechtsgrundlagenUndPassdokument = druck(vorn.req('Druckrepraesentation'));
    vorn.done();
    const hinten = t.opt('AnmerkungenErwerbstaetigkeit');
    let anmerkungenErwerbstaetigkeit: Druckzeile[] | undefined;
    if (hinten !== undefined) {
      anmerkungenErwerbstaetigkeit = druck(hinten.req('Druckrepraesentation'));
      hinten.done();
    }
    t.done();
    r.done();
    return {
      typ: 'Aufenthaltstitel',
      ...base,
      ...eidDaten,
      aufenthaltstiteldaten: {
        aufenthaltstitelart,
        ...(nebenbestimmungen1 === undefined ? {} : { nebenbestimmungen1 }),
        ...(nebenbestimmungen2 === undefined ? {} : { nebenbestimmungen2 }),
        anmerkungenRechtsgrundlagenUndPassdokument,
        ...(anmerkungenErwerbstaetigkeit === undefined ? {} : { anmerkungenErwerbstaetigkeit }),
      },
    };
  }
  r.done();
  return typeName === 'AntragsdatensatzEIDKarteUBType'
    ? { typ: 'EIDKarteUB', ...base, ...eidDaten }
    : { typ: 'Personalausweis', ...base, ...eidDaten };
}

const ANTRAG_TYPES = [
  'AntragsdatensatzPassType',
  'AntragsdatensatzPersonalausweisType',
  'AntragsdatensatzAufenthaltstitelType',
  'AntragsdatensatzReiseausweisType',
  'AntragsdatensatzEIDKarteUBType',
] as const;

function behoerdenadresse(r: Reader): Behoerdenadresse {
  const druckrepraesentation = druck(r.req('Druckrepraesentation'));
  const name = r.optText('Behoerdenname');
  const a = r.opt('Behoerdenanschrift');
  const adresse = a === undefined ? undefined : anschrift(a);
  r.done();
  return {
    druckrepraesentation,
    ...(name === undefined ? {} : { behoerdenname: name }),
    ...(adresse === undefined ? {} : { anschrift: adresse }),
  };
}

function kopf(r: Reader): Nachrichtenkopf {
  const nachrichtenId = r.reqText('NachrichtenID');
  const bestellnummer = r.reqText('Bestellnummer');
  const senderkennung = r.reqText('Senderkennung');
  const empfaengerkennung = r.reqText('Empfaengerkennung');
  const express = bool(r.opt('Express'));
  const reklamation = bool(r.opt('Reklamation'));
  const verfahrensschluessel = r.optText('Verfahrensschluessel');
  const verfahrenskennung = r.reqText('Verfahrenskennung');
  const t = r.opt('Testnachricht');
  const testnachricht = t === undefined ? undefined : int(t, 1, 99);
  const erstellungszeitpunkt = r.reqText('Erstellungszeitpunkt');
  const produktart = oneOf<Dokumentenart>(
    DOKUMENTENARTEN,
    r.reqText('Produktart'),
    `${r.path}/xhd:Produktart`,
  );
  const versionXhd = r.reqText('Version_XhD');
  r.many('any');
  r.done();
  return {
    nachrichtenId,
    bestellnummer,
    senderkennung,
    empfaengerkennung,
    ...(express === undefined ? {} : { express }),
    ...(reklamation === undefined ? {} : { reklamation }),
    ...(verfahrensschluessel === undefined ? {} : { verfahrensschluessel }),
    verfahrenskennung,
    ...(testnachricht === undefined ? {} : { testnachricht }),
    erstellungszeitpunkt,
    produktart,
    versionXhd,
  };
}

/** Whether `text` has `word` (upper-case ASCII) at `at`, ASCII letters in any case – as a regex with `/i`. */
function hasWordAt(text: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const code = text.charCodeAt(at + k);
    const upper = word.charCodeAt(k);
    if (code !== upper && code !== (upper | 0x20)) return false;
  }
  return true;
}

/** `/<!DOCTYPE|<!ENTITY/i.test(xml)`, without running a case-insensitive regex over the whole text. */
function hasDeclaration(xml: string): boolean {
  for (let at = xml.indexOf('<!'); at >= 0; at = xml.indexOf('<!', at + 2)) {
    if (hasWordAt(xml, at + 2, 'DOCTYPE') || hasWordAt(xml, at + 2, 'ENTITY')) return true;
  }
  return false;
}

/** Refuses what a strict XhD reader never needs: DTDs, entity declarations, oversized input. */
export function assertSafeXml(xml: string, options: ParseOptions = {}): void {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = Buffer.byteLength(xml, 'utf8');
  if (size > maxBytes) {
    throw new XhdError('XHD_INPUT_TOO_LARGE', `The XML has ${size} bytes; the limit is ${maxBytes}.`, {
      details: { size, maxBytes },
    });
  }
  if (hasDeclaration(xml)) {
    throw new XhdError('XHD_DOCTYPE_FORBIDDEN', 'DOCTYPE and entity declarations are not allowed in XhD.');
  }
}

/** Parses well-formed XML into a DOM (after `assertSafeXml`), turning parser complaints into `XhdError`s. */
export function parseDom(xml: string, options: ParseOptions = {}): XmlElement {
  assertSafeXml(xml, options);
  let document: ReturnType<DOMParser['parseFromString']>;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (cause) {
    throw new XhdError('XHD_XML_MALFORMED', 'The input is not well-formed XML.', {
      cause,
      details: { reason: cause instanceof Error ? cause.message.split('\n')[0] : String(cause) },
    });
  }
  const root = document.documentElement;
  if (root === null) throw new XhdError('XHD_XML_MALFORMED', 'The input has no root element.');
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (document.getElementsByTagName('*').length > maxElements) throw tooManyElements(maxElements);
  return root;
}

/** The error for a document with more than `maxElements` elements. */
export function tooManyElements(maxElements: number): XhdError {
  return new XhdError('XHD_INPUT_TOO_LARGE', `The XML has more than ${maxElements} elements.`, {
    details: { maxElements },
  });
}

/**
 * Parses an XhD `BestellungDokument` strictly into the typed model: unknown or misplaced elements, bad code
 * values and broken base64 are errors (`XhdError`), not silently dropped. Other messages: `parseXhdMessage`.
 */
export function parseXhd(xml: string, options: ParseOptions = {}): BestellungDokument {
  return only(parseRoot(parseDom(xml, options)), 'BestellungDokument');
}

/** `parseXhd` for an `Auftragsinformation` (TR-03123-3 § 2.5). */
export function parseAuftragsinformation(xml: string, options: ParseOptions = {}): Auftragsinformation {
  return only(parseRoot(parseDom(xml, options)), 'Auftragsinformation');
}

/** `parseXhd` for a `Lieferinformation` (TR-03123-3 § 2.7). */
export function parseLieferinformation(xml: string, options: ParseOptions = {}): Lieferinformation {
  return only(parseRoot(parseDom(xml, options)), 'Lieferinformation');
}

/** `parseXhd` for a `Quittierung` (TR-03123-3 § 2.8). */
export function parseQuittierung(xml: string, options: ParseOptions = {}): Quittierung {
  return only(parseRoot(parseDom(xml, options)), 'Quittierung');
}

/** `parseXhd` for a `Reklamationsinformation` (TR-03123-3 § 2.6). */
export function parseReklamationsinformation(
  xml: string,
  options: ParseOptions = {},
): Reklamationsinformation {
  return only(parseRoot(parseDom(xml, options)), 'Reklamationsinformation');
}

/** `parseXhd` for a `BestellungSeriennummern` (TR-03123-3 § 2.4). */
export function parseBestellungSeriennummern(
  xml: string,
  options: ParseOptions = {},
): BestellungSeriennummern {
  return only(parseRoot(parseDom(xml, options)), 'BestellungSeriennummern');
}

/** `parseXhd` for a `Fehlerinformation` (TR-03123-3 § 2.9). */
export function parseFehlerinformation(xml: string, options: ParseOptions = {}): Fehlerinformation {
  return only(parseRoot(parseDom(xml, options)), 'Fehlerinformation');
}

/** Parses any XhD message (all seven of TR-03123-3 § 2); branch on `nachricht`. */
export function parseXhdMessage(xml: string, options: ParseOptions = {}): XhdMessage {
  return parseRoot(parseDom(xml, options));
}

function only<N extends XhdMessage['nachricht']>(
  message: XhdMessage,
  nachricht: N,
): Extract<XhdMessage, { nachricht: N }> {
  if (message.nachricht !== nachricht) {
    throw new XhdError('XHD_UNKNOWN_ROOT', `Expected ${nachricht}, found ${message.nachricht}.`, {
      details: { root: message.nachricht, expected: nachricht },
    });
  }
  return message as Extract<XhdMessage, { nachricht: N }>;
}

const XENC_NAMESPACE = 'http://www.w3.org/2001/04/xmlenc#';

/**
 * `Nutzdaten` of a message; when they are missing because they sit encrypted in `xhd:any` (TR-03132 § 4.3), the
 * error says so (`XHD_NUTZDATEN_ENCRYPTED`: decrypt first, `@egovkit/xhd/security`).
 */
function requireNutzdaten(r: Reader): Reader {
  const found = r.opt('Nutzdaten');
  if (found !== undefined) return found;
  for (let n = r.element.firstChild; n !== null; n = n.nextSibling) {
    const e = n as DomElement;
    if (n.nodeType !== 1 || e.localName !== 'any' || e.namespaceURI !== r.ns) continue;
    for (let c = e.firstChild; c !== null; c = c.nextSibling) {
      const child = c as DomElement;
      if (c.nodeType === 1 && child.namespaceURI === XENC_NAMESPACE && child.localName === 'EncryptedData') {
        const path = `${r.path}/xhd:Nutzdaten`;
        throw new XhdError(
          'XHD_NUTZDATEN_ENCRYPTED',
          'The Nutzdaten are encrypted; decrypt the message first.',
          {
            details: { path },
          },
        );
      }
    }
  }
  return r.req('Nutzdaten');
}

/** The children of every root-level `xhd:any`, each as one element (TR-03132 § 4: signature, encrypted data). */
function readAny(r: Reader): string[] {
  const any: string[] = [];
  for (const wrapper of r.many('any')) {
    let position = 0;
    for (let node = wrapper.element.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType === 1) {
        position++;
        any.push(anyElementXml(node as XmlElement, `${wrapper.path}/*[${position}]`));
      } else if ((node.nodeType === 3 || node.nodeType === 4) && (node.nodeValue ?? '').trim() !== '') {
        throw new XhdError('XHD_ELEMENT_UNEXPECTED', `Text is not allowed directly in ${wrapper.path}.`, {
          details: { path: wrapper.path },
        });
      }
    }
  }
  return any;
}

/** `parseXhdMessage` on a DOM already read (and size-checked) by `parseDom`; internal, so the DOM is parsed once. */
export function parseRoot(root: DomElement): XhdMessage {
  const version = XHD_VERSIONS.find((v) => xhdNamespace(v) === root.namespaceURI) as XhdVersion | undefined;
  if (version === undefined) {
    throw new XhdError(
      'XHD_NAMESPACE_UNSUPPORTED',
      `Namespace ${root.namespaceURI ?? '(none)'} is not an XhD namespace.`,
      {
        details: { namespace: root.namespaceURI },
      },
    );
  }
  if (root.localName === 'Fehlerinformation') return fehlerinformation(root, version);
  const name = root.localName ?? '';
  if (Object.hasOwn(OTHER_MESSAGES, name)) {
    const read: (root: DomElement, version: XhdVersion) => XhdMessage =
      OTHER_MESSAGES[name as keyof typeof OTHER_MESSAGES];
    return read(root, version);
  }
  if (root.localName !== 'BestellungDokument') {
    throw new XhdError('XHD_UNKNOWN_ROOT', `Message ${root.localName} is not an XhD message.`, {
      details: { root: root.localName },
    });
  }
  const r = new Reader(root, '/xhd:BestellungDokument', xhdNamespace(version));
  const header = kopf(r.req('Nachrichtenkopf'));
  const nutzdaten = requireNutzdaten(r);
  const any = readAny(r);
  r.done();
  const antraegeReader = nutzdaten.req('Antraege');
  const antraege = antraegeReader.many('Antrag').map(antrag);
  antraegeReader.done();
  if (antraege.length === 0) {
    throw new XhdError('XHD_ELEMENT_MISSING', 'Antraege holds no Antrag.', {
      details: { path: `${antraegeReader.path}/xhd:Antrag` },
    });
  }
  const rechnungsadresse = behoerdenadresse(nutzdaten.req('Rechnungsadresse'));
  const lieferadresse = behoerdenadresse(nutzdaten.req('Lieferadresse'));
  const zi = nutzdaten.req('Zertifizierungsinformationen');
  const zertifizierteKomponenten = zi.many('Komponente').map((k) => {
    const komponente = {
      komponentenName: k.reqText('KomponentenName'),
      versionsinformation: k.reqText('Versionsinformation'),
      zertifizierungsId: k.reqText('ZertifizierungsID'),
    };
    k.done();
    return komponente;
  });
  zi.done();
  nutzdaten.done();
  return {
    nachricht: 'BestellungDokument',
    version,
    kopf: header,
    antraege,
    rechnungsadresse,
    lieferadresse,
    zertifizierteKomponenten,
    ...(any.length === 0 ? {} : { any }),
  };
}

function fehlerinformation(root: DomElement, version: XhdVersion): Fehlerinformation {
  const r = new Reader(root, '/xhd:Fehlerinformation', xhdNamespace(version));
  const header = kopf(r.req('Nachrichtenkopf'));
  const nutzdaten = requireNutzdaten(r);
  const any = readAny(r);
  r.done();
  const fehlerhafteNachricht = bytes(nutzdaten.req('FehlerhafteNachricht'));
  const fb = nutzdaten.req('Fehlerbeschreibung');
  const fehlernummer = int(fb.req('Fehlernummer'), 0, 2_147_483_647);
  const fehlerbeschreibung = fb.reqText('Fehlerbeschreibung');
  fb.done();
  nutzdaten.done();
  return {
    nachricht: 'Fehlerinformation',
    version,
    kopf: header,
    fehlerhafteNachricht,
    fehlerbeschreibung: { fehlernummer, fehlerbeschreibung },
    ...(any.length === 0 ? {} : { any }),
  };
}

function fehlerbeschreibung(r: Reader): Fehlerbeschreibung {
  const fehlernummer = int(r.req('Fehlernummer'), 0, 2_147_483_647);
  const text = r.reqText('Fehlerbeschreibung');
  r.done();
  return { fehlernummer, fehlerbeschreibung: text };
}

/** `RueckmeldungType` content up to (not including) the extension elements; the caller calls `done()`. */
function rueckmeldung(r: Reader): Rueckmeldung {
  const antragsId = r.reqText('AntragsID');
  const status = bool(r.req('Status'));
  const fehlerbeschreibungen = r.many('Fehlerbeschreibungen').map(fehlerbeschreibung);
  return { antragsId, status: status === true, fehlerbeschreibungen };
}

/** Shared frame of every message: header, required Nutzdaten (read by `body`), the `xhd:any` slot. */
function message<T>(
  root: DomElement,
  version: XhdVersion,
  body: (nutzdaten: Reader) => T,
): { kopf: Nachrichtenkopf; body: T; any: string[] } {
  const r = new Reader(root, `/xhd:${root.localName}`, xhdNamespace(version));
  const header = kopf(r.req('Nachrichtenkopf'));
  const nutzdaten = requireNutzdaten(r);
  const any = readAny(r);
  r.done();
  const result = body(nutzdaten);
  nutzdaten.done();
  return { kopf: header, body: result, any };
}

function atLeastOne<T>(items: T[], r: Reader, name: string): T[] {
  if (items.length === 0) {
    const path = `${r.path}/xhd:${name}`;
    throw new XhdError('XHD_ELEMENT_MISSING', `Element ${path} is missing.`, { details: { path } });
  }
  return items;
}

function rueckmeldungen(n: Reader, name: string): Rueckmeldung[] {
  return atLeastOne(
    n.many(name).map((r) => {
      const result = rueckmeldung(r);
      r.done();
      return result;
    }),
    n,
    name,
  );
}

const LIEFER_TYPES = ['LieferinformationDokumentType', 'LieferinformationSeriennummerType'] as const;

function lieferinformationInhalt(r: Reader): LieferinformationInhalt {
  const xsiType = r.element.getAttributeNS(XSI_NAMESPACE, 'type') ?? '';
  const typeName = xsiType.includes(':') ? xsiType.slice(xsiType.indexOf(':') + 1) : xsiType;
  const typ = oneOf(LIEFER_TYPES, typeName, `${r.path}/@xsi:type`);
  const antragsId = r.reqText('AntragsID');
  const quittierungErforderlich = bool(r.req('QuittierungErforderlich')) === true;
  if (typ === 'LieferinformationDokumentType') {
    const sperrkennwort = r.optText('Sperrkennwort');
    const sperrsumme = r.optText('Sperrsumme');
    r.done();
    return {
      typ: 'Dokument',
      antragsId,
      quittierungErforderlich,
      ...(sperrkennwort === undefined ? {} : { sperrkennwort }),
      ...(sperrsumme === undefined ? {} : { sperrsumme }),
    };
  }
  const s = r.req('Seriennummern');
  let liste: string;
  try {
    liste = new TextDecoder('utf-8', { fatal: true }).decode(bytes(s));
  } catch {
    return invalidValue(s.path, '…', 'a UTF-8 list of serial numbers');
  }
  r.done();
  return {
    typ: 'Seriennummern',
    antragsId,
    quittierungErforderlich,
    seriennummern: liste === '' ? [] : liste.split(';'),
  };
}

const OTHER_MESSAGES = {
  Auftragsinformation: (root: DomElement, version: XhdVersion): Auftragsinformation => {
    const m = message(root, version, (n) => rueckmeldungen(n, 'Auftragsinformationen'));
    return {
      nachricht: 'Auftragsinformation',
      version,
      kopf: m.kopf,
      auftragsinformationen: m.body,
      ...(m.any.length === 0 ? {} : { any: m.any }),
    };
  },
  Quittierung: (root: DomElement, version: XhdVersion): Quittierung => {
    const m = message(root, version, (n) => rueckmeldungen(n, 'Quittierungen'));
    return {
      nachricht: 'Quittierung',
      version,
      kopf: m.kopf,
      quittierungen: m.body,
      ...(m.any.length === 0 ? {} : { any: m.any }),
    };
  },
  Reklamationsinformation: (root: DomElement, version: XhdVersion): Reklamationsinformation => {
    const m = message(root, version, (n) =>
      atLeastOne(
        n.many('Reklamationsinformationen').map((r): RueckmeldungReklamation => {
          const base = rueckmeldung(r);
          const ruecksendung = bool(r.opt('RuecksendungAnBehoerde'));
          const kosten = bool(r.opt('KostenUebernahmeHersteller'));
          const ib = r.opt('Infoblatt');
          const infoblatt = ib === undefined ? undefined : bytes(ib);
          r.done();
          return {
            ...base,
            ...(ruecksendung === undefined ? {} : { ruecksendungAnBehoerde: ruecksendung }),
            ...(kosten === undefined ? {} : { kostenUebernahmeHersteller: kosten }),
            ...(infoblatt === undefined ? {} : { infoblatt }),
          };
        }),
        n,
        'Reklamationsinformationen',
      ),
    );
    return {
      nachricht: 'Reklamationsinformation',
      version,
      kopf: m.kopf,
      reklamationsinformationen: m.body,
      ...(m.any.length === 0 ? {} : { any: m.any }),
    };
  },
  Lieferinformation: (root: DomElement, version: XhdVersion): Lieferinformation => {
    const m = message(root, version, (n) =>
      atLeastOne(n.many('Lieferinformationen').map(lieferinformationInhalt), n, 'Lieferinformationen'),
    );
    return {
      nachricht: 'Lieferinformation',
      version,
      kopf: m.kopf,
      lieferinformationen: m.body,
      ...(m.any.length === 0 ? {} : { any: m.any }),
    };
  },
  BestellungSeriennummern: (root: DomElement, version: XhdVersion): BestellungSeriennummern => {
    const m = message(root, version, (n) => ({
      bkz: n.reqText('BKZ'),
      anzahl: int(n.req('Anzahl'), 0, 2_147_483_647),
    }));
    return {
      nachricht: 'BestellungSeriennummern',
      version,
      kopf: m.kopf,
      bkz: m.body.bkz,
      anzahl: m.body.anzahl,
      ...(m.any.length === 0 ? {} : { any: m.any }),
    };
  },
} as const;
