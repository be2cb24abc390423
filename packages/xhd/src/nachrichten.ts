// Builders for the messages around the order (TR-03123-3 § 2.4–2.8): Auftragsinformation, Lieferinformation,
// Quittierung, Reklamationsinformation, BestellungSeriennummern – plus helpers that derive an answer from the parsed
// message it answers (header with sender and recipient swapped, same Bestellnummer, Produktart and
// Verfahrensschluessel, AntragsIDs taken over).
import { normalizeAnyElement } from './any.js';
import type { KopfInput, NonEmpty } from './build.js';
import type { Dokumentenart, XhdVersion } from './codes.js';
import { XhdError } from './errors.js';
import type {
  Auftragsinformation,
  BestellungDokument,
  BestellungSeriennummern,
  Fehlerbeschreibung,
  Lieferinformation,
  LieferinformationInhalt,
  Nachrichtenkopf,
  Quittierung,
  Reklamationsinformation,
  Rueckmeldung,
  RueckmeldungReklamation,
  XhdMessage,
} from './model.js';
import { parseBestellungSeriennummern, parseLieferinformation, parseXhd, parseXhdMessage } from './parse.js';
import { serializeXhd } from './serialize.js';

/** Header of a message other than the order: `KopfInput` plus Produktart and the complaint flag. */
export interface NachrichtKopfInput extends KopfInput {
  readonly produktart: Dokumentenart;
  readonly reklamation?: boolean;
}

/**
 * One answer for one application (`RueckmeldungType`, TR-03123-3 § 3.1.21): positive without, negative with at
 * least one error description.
 */
export type RueckmeldungInput = { readonly antragsId: string } & (
  | { readonly status: true; readonly fehlerbeschreibungen?: readonly [] }
  | { readonly status: false; readonly fehlerbeschreibungen: NonEmpty<Fehlerbeschreibung> }
);

/** A `RueckmeldungInput` on a complaint (`RueckmeldungReklamationType`, § 3.1.22). */
export type RueckmeldungReklamationInput = RueckmeldungInput & {
  readonly ruecksendungAnBehoerde?: boolean;
  readonly kostenUebernahmeHersteller?: boolean;
  /** PDF bytes. */
  readonly infoblatt?: Uint8Array;
};

interface NachrichtInputBasis {
  /** XhD version; defaults to 1.7. */
  readonly version?: XhdVersion;
  readonly kopf: NachrichtKopfInput;
  /** Children of `xhd:any` (signature, encrypted data), as for `buildXhd`. */
  readonly any?: readonly string[];
}

export interface AuftragsinformationInput extends NachrichtInputBasis {
  readonly auftragsinformationen: NonEmpty<RueckmeldungInput>;
}

export interface QuittierungInput extends NachrichtInputBasis {
  readonly quittierungen: NonEmpty<RueckmeldungInput>;
}

export interface ReklamationsinformationInput extends NachrichtInputBasis {
  readonly reklamationsinformationen: NonEmpty<RueckmeldungReklamationInput>;
}

export interface LieferinformationInput extends NachrichtInputBasis {
  readonly lieferinformationen: NonEmpty<LieferinformationInhalt>;
}

export interface BestellungSeriennummernInput extends NachrichtInputBasis {
  /** Behördenkennzahl of the ordering authority (4 characters). */
  readonly bkz: string;
  /** 1–100 000. */
  readonly anzahl: number;
}

/** What every builder returns: the XML and the model it was written from. */
export interface XhdBuildResult<M extends XhdMessage> {
  readonly xml: string;
  readonly message: M;
}

function invalid(message: string, path: string): never {
  throw new XhdError('XHD_BUILD_INVALID', message, { details: { path } });
}

/** The message header model of every XhD message but BestellungDokument (which builds its own). */
export function kopf(k: NachrichtKopfInput, version: XhdVersion): Nachrichtenkopf {
  const erstellt = k.erstellungszeitpunkt ?? new Date();
  if (
    k.testnachricht !== undefined &&
    (!Number.isInteger(k.testnachricht) || k.testnachricht < 1 || k.testnachricht > 99)
  ) {
    invalid('Testnachricht must be 1–99.', 'kopf.testnachricht');
  }
  return {
    nachrichtenId: k.nachrichtenId,
    bestellnummer: k.bestellnummer,
    senderkennung: k.senderkennung,
    empfaengerkennung: k.empfaengerkennung,
    ...(k.express === undefined ? {} : { express: k.express }),
    ...(k.reklamation === undefined ? {} : { reklamation: k.reklamation }),
    ...(k.verfahrensschluessel === undefined ? {} : { verfahrensschluessel: k.verfahrensschluessel }),
    verfahrenskennung: k.verfahrenskennung,
    ...(k.testnachricht === undefined ? {} : { testnachricht: k.testnachricht }),
    erstellungszeitpunkt: typeof erstellt === 'string' ? erstellt : erstellt.toISOString(),
    produktart: k.produktart,
    versionXhd: version,
  };
}

function anyOf(root: string, any: readonly string[] | undefined): { any?: readonly string[] } {
  const list = (any ?? []).map((xml, index) => {
    try {
      return normalizeAnyElement(xml, `/xhd:${root}/xhd:any/*[${index + 1}]`);
    } catch (error) {
      if (error instanceof XhdError) invalid(error.message, `any[${index}]`);
      throw error;
    }
  });
  return list.length === 0 ? {} : { any: list };
}

function nonEmpty(list: readonly unknown[], path: string): void {
  if (list.length === 0) invalid(`${path} must hold at least one entry.`, path);
}

function uniqueIds(items: readonly { antragsId: string }[], path: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (item.antragsId.trim() === '') invalid('AntragsID must not be empty.', `${path}[${index}].antragsId`);
    if (seen.has(item.antragsId))
      invalid(`AntragsID ${item.antragsId} occurs twice.`, `${path}[${index}].antragsId`);
    seen.add(item.antragsId);
  });
}

function rueckmeldung(input: RueckmeldungInput, path: string): Rueckmeldung {
  const fehler: readonly Fehlerbeschreibung[] = input.fehlerbeschreibungen ?? [];
  if (input.status && fehler.length > 0) {
    invalid('A positive answer carries no Fehlerbeschreibung.', `${path}.fehlerbeschreibungen`);
  }
  if (!input.status && fehler.length === 0) {
    invalid('A negative answer needs at least one Fehlerbeschreibung.', `${path}.fehlerbeschreibungen`);
  }
  fehler.forEach((f, i) => {
    if (!Number.isInteger(f.fehlernummer) || f.fehlernummer < 0 || f.fehlernummer > 999_999) {
      invalid(
        'Fehlernummer must be a number of at most 6 digits (TR-03123-2).',
        `${path}.fehlerbeschreibungen[${i}]`,
      );
    }
    if (f.fehlerbeschreibung.trim() === '') {
      invalid('Fehlerbeschreibung must not be empty.', `${path}.fehlerbeschreibungen[${i}]`);
    }
  });
  return {
    antragsId: input.antragsId,
    status: input.status,
    fehlerbeschreibungen: fehler.map((f) => ({
      fehlernummer: f.fehlernummer,
      fehlerbeschreibung: f.fehlerbeschreibung,
    })),
  };
}

function rueckmeldungen(list: readonly RueckmeldungInput[], path: string): Rueckmeldung[] {
  nonEmpty(list, path);
  uniqueIds(list, path);
  return list.map((r, i) => rueckmeldung(r, `${path}[${i}]`));
}

/** Turns the object literal into an `Auftragsinformation` model (TR-03123-3 § 2.5). */
export function createAuftragsinformation(input: AuftragsinformationInput): Auftragsinformation {
  const version = input.version ?? '1.7';
  return {
    nachricht: 'Auftragsinformation',
    version,
    kopf: kopf(input.kopf, version),
    auftragsinformationen: rueckmeldungen(input.auftragsinformationen, 'auftragsinformationen'),
    ...anyOf('Auftragsinformation', input.any),
  };
}

/** Builds an `Auftragsinformation` and serialises it. Throws `XhdError` `XHD_BUILD_INVALID`. */
export function buildAuftragsinformation(
  input: AuftragsinformationInput,
): XhdBuildResult<Auftragsinformation> {
  const message = createAuftragsinformation(input);
  return { xml: serializeXhd(message), message };
}

/** Turns the object literal into a `Quittierung` model (TR-03123-3 § 2.8, sent by the authority). */
export function createQuittierung(input: QuittierungInput): Quittierung {
  const version = input.version ?? '1.7';
  return {
    nachricht: 'Quittierung',
    version,
    kopf: kopf(input.kopf, version),
    quittierungen: rueckmeldungen(input.quittierungen, 'quittierungen'),
    ...anyOf('Quittierung', input.any),
  };
}

/** Builds a `Quittierung` and serialises it. Throws `XhdError` `XHD_BUILD_INVALID`. */
export function buildQuittierung(input: QuittierungInput): XhdBuildResult<Quittierung> {
  const message = createQuittierung(input);
  return { xml: serializeXhd(message), message };
}

/** Turns the object literal into a `Reklamationsinformation` model (TR-03123-3 § 2.6). */
export function createReklamationsinformation(input: ReklamationsinformationInput): Reklamationsinformation {
  const version = input.version ?? '1.7';
  const list = input.reklamationsinformationen;
  const base = rueckmeldungen(list, 'reklamationsinformationen');
  return {
    nachricht: 'Reklamationsinformation',
    version,
    kopf: kopf(input.kopf, version),
    reklamationsinformationen: base.map((r, i): RueckmeldungReklamation => {
      const extra = list[i];
      return {
        ...r,
        ...(extra?.ruecksendungAnBehoerde === undefined
          ? {}
          : { ruecksendungAnBehoerde: extra.ruecksendungAnBehoerde }),
        ...(extra?.kostenUebernahmeHersteller === undefined
          ? {}
          : { kostenUebernahmeHersteller: extra.kostenUebernahmeHersteller }),
        ...(extra?.infoblatt === undefined ? {} : { infoblatt: extra.infoblatt }),
      };
    }),
    ...anyOf('Reklamationsinformation', input.any),
  };
}

/** Builds a `Reklamationsinformation` and serialises it. Throws `XhdError` `XHD_BUILD_INVALID`. */
export function buildReklamationsinformation(
  input: ReklamationsinformationInput,
): XhdBuildResult<Reklamationsinformation> {
  const message = createReklamationsinformation(input);
  return { xml: serializeXhd(message), message };
}

/** Turns the object literal into a `Lieferinformation` model (TR-03123-3 § 2.7). */
export function createLieferinformation(input: LieferinformationInput): Lieferinformation {
  const version = input.version ?? '1.7';
  nonEmpty(input.lieferinformationen, 'lieferinformationen');
  uniqueIds(input.lieferinformationen, 'lieferinformationen');
  const lieferinformationen = input.lieferinformationen.map((l, i): LieferinformationInhalt => {
    if (l.typ === 'Dokument') {
      return {
        typ: 'Dokument',
        antragsId: l.antragsId,
        quittierungErforderlich: l.quittierungErforderlich,
        ...(l.sperrkennwort === undefined ? {} : { sperrkennwort: l.sperrkennwort }),
        ...(l.sperrsumme === undefined ? {} : { sperrsumme: l.sperrsumme }),
      };
    }
    l.seriennummern.forEach((s, j) => {
      if (s === '' || s.includes(';')) {
        invalid(
          'A serial number must be non-empty and must not contain ";".',
          `lieferinformationen[${i}].seriennummern[${j}]`,
        );
      }
    });
    return {
      typ: 'Seriennummern',
      antragsId: l.antragsId,
      quittierungErforderlich: l.quittierungErforderlich,
      seriennummern: [...l.seriennummern],
    };
  });
  return {
    nachricht: 'Lieferinformation',
    version,
    kopf: kopf(input.kopf, version),
    lieferinformationen,
    ...anyOf('Lieferinformation', input.any),
  };
}

/** Builds a `Lieferinformation` and serialises it. Throws `XhdError` `XHD_BUILD_INVALID`. */
export function buildLieferinformation(input: LieferinformationInput): XhdBuildResult<Lieferinformation> {
  const message = createLieferinformation(input);
  return { xml: serializeXhd(message), message };
}

/** Turns the object literal into a `BestellungSeriennummern` model (TR-03123-3 § 2.4). */
export function createBestellungSeriennummern(input: BestellungSeriennummernInput): BestellungSeriennummern {
  const version = input.version ?? '1.7';
  if (!Number.isInteger(input.anzahl) || input.anzahl < 1 || input.anzahl > 100_000) {
    invalid('Anzahl must be 1–100 000 (TR-03123-2 Table 16).', 'anzahl');
  }
  if (input.bkz.trim() === '') invalid('BKZ must not be empty.', 'bkz');
  return {
    nachricht: 'BestellungSeriennummern',
    version,
    kopf: kopf(input.kopf, version),
    bkz: input.bkz,
    anzahl: input.anzahl,
    ...anyOf('BestellungSeriennummern', input.any),
  };
}

/** Builds a `BestellungSeriennummern` and serialises it. Throws `XhdError` `XHD_BUILD_INVALID`. */
export function buildBestellungSeriennummern(
  input: BestellungSeriennummernInput,
): XhdBuildResult<BestellungSeriennummern> {
  const message = createBestellungSeriennummern(input);
  return { xml: serializeXhd(message), message };
}

// ---- Answers derived from the message they answer ----

/** Header fields of an answer that do not come from the message answered. */
export interface AntwortOptions {
  /** The answer's own NachrichtenID (unique per sender; TR-03123-3 § 3.1.2 leaves its form to the sender). */
  readonly nachrichtenId: string;
  /** Identifier of the answering application. */
  readonly verfahrenskennung: string;
  /** Defaults to now. */
  readonly erstellungszeitpunkt?: string | Date;
  /** Default: the Empfaengerkennung of the message answered. */
  readonly senderkennung?: string;
  /** Default: the Testnachricht value of the message answered (a test order gets a test answer). */
  readonly testnachricht?: number;
  /** Default: the version of the message answered. */
  readonly version?: XhdVersion;
  readonly any?: readonly string[];
}

/**
 * The answer's header: same Bestellnummer, Produktart, Express, Reklamation and Verfahrensschluessel (which the
 * producer must send back with every message on the order, TR-03123-3 § 3.1.2), sender and recipient swapped.
 */
export function antwortKopf(request: Pick<XhdMessage, 'kopf'>, options: AntwortOptions): NachrichtKopfInput {
  const q = request.kopf;
  const testnachricht = options.testnachricht ?? q.testnachricht;
  return {
    nachrichtenId: options.nachrichtenId,
    bestellnummer: q.bestellnummer,
    senderkennung: options.senderkennung ?? q.empfaengerkennung,
    empfaengerkennung: q.senderkennung,
    verfahrenskennung: options.verfahrenskennung,
    produktart: q.produktart,
    ...(q.express === undefined ? {} : { express: q.express }),
    ...(q.reklamation === undefined ? {} : { reklamation: q.reklamation }),
    ...(q.verfahrensschluessel === undefined ? {} : { verfahrensschluessel: q.verfahrensschluessel }),
    ...(testnachricht === undefined ? {} : { testnachricht }),
    ...(options.erstellungszeitpunkt === undefined
      ? {}
      : { erstellungszeitpunkt: options.erstellungszeitpunkt }),
  };
}

/** Refusals per AntragsID: every application listed gets `status: false` with these descriptions. */
export type Ablehnungen = Readonly<Record<string, NonEmpty<Fehlerbeschreibung>>>;

function answers(
  ids: readonly string[],
  fehler: Ablehnungen | undefined,
  path: string,
): NonEmpty<RueckmeldungInput> {
  for (const id of Object.keys(fehler ?? {})) {
    if (!ids.includes(id))
      invalid(`AntragsID ${id} does not occur in the message answered.`, `${path}.${id}`);
  }
  const list = ids.map((antragsId): RueckmeldungInput => {
    const refused = fehler !== undefined && Object.hasOwn(fehler, antragsId) ? fehler[antragsId] : undefined;
    return refused === undefined
      ? { antragsId, status: true }
      : { antragsId, status: false, fehlerbeschreibungen: refused };
  });
  const [first, ...rest] = list;
  if (first === undefined) return invalid('The message answered names no AntragsID.', path);
  return [first, ...rest];
}

function version(options: AntwortOptions, request: XhdMessage): { version: XhdVersion } {
  return { version: options.version ?? request.version };
}

export interface AuftragsinformationForOptions extends AntwortOptions {
  /** Applications refused, with their error descriptions; every other application of the order is confirmed. */
  readonly fehler?: Ablehnungen;
}

/**
 * The producer's `Auftragsinformation` for an order (parsed model or XML): one Rueckmeldung per application in
 * the order's sequence – confirmed, or refused where `options.fehler` lists its AntragsID – under the answer
 * header of `antwortKopf`. Throws `XhdError` `XHD_BUILD_INVALID` for a refusal naming an unknown AntragsID.
 */
export function auftragsinformationFor(
  bestellung: BestellungDokument | string,
  options: AuftragsinformationForOptions,
): XhdBuildResult<Auftragsinformation> {
  const order = typeof bestellung === 'string' ? parseXhd(bestellung) : bestellung;
  return buildAuftragsinformation({
    ...version(options, order),
    kopf: antwortKopf(order, options),
    auftragsinformationen: answers(
      order.antraege.map((a) => a.antragsId),
      options.fehler,
      'fehler',
    ),
    ...(options.any === undefined ? {} : { any: options.any }),
  });
}

export interface LieferinformationForOptions extends AntwortOptions {
  /**
   * What is delivered, per AntragsID of the order (documents) – the applications not listed are not part of this
   * delivery. Default: every application of the order, without Sperrkennwort.
   */
  readonly dokumente?: Readonly<
    Record<string, { readonly sperrkennwort?: string; readonly sperrsumme?: string }>
  >;
  /** Default: true for ID cards (`PA`), residence permits (`AT`) and eID cards (`UB`), false otherwise. */
  readonly quittierungErforderlich?: boolean;
  /** For a `BestellungSeriennummern`: the serial numbers delivered (5 characters each) and the AntragsID to use. */
  readonly seriennummern?: { readonly antragsId: string; readonly liste: readonly string[] };
}

/**
 * The producer's `Lieferinformation` for an order: document deliveries for a `BestellungDokument`, one serial
 * number delivery for a `BestellungSeriennummern` (which needs `options.seriennummern`).
 */
export function lieferinformationFor(
  bestellung: BestellungDokument | BestellungSeriennummern | string,
  options: LieferinformationForOptions,
): XhdBuildResult<Lieferinformation> {
  const order = typeof bestellung === 'string' ? parseOrder(bestellung) : bestellung;
  const quittierung = options.quittierungErforderlich ?? ['PA', 'AT', 'UB'].includes(order.kopf.produktart);
  let lieferinformationen: LieferinformationInhalt[];
  if (order.nachricht === 'BestellungSeriennummern') {
    const s = options.seriennummern;
    if (s === undefined) invalid('A serial number order needs options.seriennummern.', 'seriennummern');
    lieferinformationen = [
      {
        typ: 'Seriennummern',
        antragsId: s.antragsId,
        quittierungErforderlich: quittierung,
        seriennummern: s.liste,
      },
    ];
  } else {
    const ids = order.antraege.map((a) => a.antragsId);
    const dokumente: NonNullable<LieferinformationForOptions['dokumente']> =
      options.dokumente ?? Object.fromEntries(ids.map((id) => [id, {}]));
    lieferinformationen = Object.entries(dokumente).map(([antragsId, d]) => {
      if (!ids.includes(antragsId))
        invalid(`AntragsID ${antragsId} does not occur in the order.`, `dokumente.${antragsId}`);
      return {
        typ: 'Dokument',
        antragsId,
        quittierungErforderlich: quittierung,
        ...(d.sperrkennwort === undefined ? {} : { sperrkennwort: d.sperrkennwort }),
        ...(d.sperrsumme === undefined ? {} : { sperrsumme: d.sperrsumme }),
      };
    });
  }
  const [first, ...rest] = lieferinformationen;
  if (first === undefined) invalid('Nothing is delivered.', 'dokumente');
  return buildLieferinformation({
    ...version(options, order),
    kopf: antwortKopf(order, options),
    lieferinformationen: [first, ...rest],
    ...(options.any === undefined ? {} : { any: options.any }),
  });
}

function parseOrder(xml: string): BestellungDokument | BestellungSeriennummern {
  const message = parseXhdMessage(xml);
  if (message.nachricht === 'BestellungSeriennummern') return parseBestellungSeriennummern(xml);
  return parseXhd(xml);
}

export interface QuittierungForOptions extends AntwortOptions {
  /** Deliveries refused (e.g. a wrong Sperrkennwort), with their error descriptions; the others are confirmed. */
  readonly fehler?: Ablehnungen;
}

/**
 * The authority's `Quittierung` for a `Lieferinformation`: one Rueckmeldung per delivery that asks for one
 * (`QuittierungErforderlich`). Throws `XhdError` `XHD_BUILD_INVALID` when no delivery asks for a Quittierung.
 */
export function quittierungFor(
  lieferinformation: Lieferinformation | string,
  options: QuittierungForOptions,
): XhdBuildResult<Quittierung> {
  const delivery =
    typeof lieferinformation === 'string' ? parseLieferinformation(lieferinformation) : lieferinformation;
  const ids = delivery.lieferinformationen.filter((l) => l.quittierungErforderlich).map((l) => l.antragsId);
  if (ids.length === 0)
    invalid('No delivery of this Lieferinformation asks for a Quittierung.', 'lieferinformation');
  return buildQuittierung({
    ...version(options, delivery),
    kopf: antwortKopf(delivery, options),
    quittierungen: answers(ids, options.fehler, 'fehler'),
    ...(options.any === undefined ? {} : { any: options.any }),
  });
}
