import { normalizeAnyElement } from './any.js';
import { toBase64 } from './binary.js';
import { xhdNamespace } from './codes.js';
import type {
  Anschrift,
  Antrag,
  Behoerdenadresse,
  Biometrie,
  Druckzeile,
  ElektronischeIdDaten,
  Fehlerbeschreibung,
  Fehlerinformation,
  Nachrichtenkopf,
  Personendaten,
  Rueckmeldung,
  XhdMessage,
} from './model.js';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Line-oriented writer: one element per line, two-space indentation, `xhd:` prefix on every element. */
class Writer {
  readonly #lines: string[] = [];
  #depth = 0;

  open(name: string, attributes = ''): void {
    this.#lines.push(`${'  '.repeat(this.#depth)}<xhd:${name}${attributes}>`);
    this.#depth++;
  }

  close(name: string): void {
    this.#depth--;
    this.#lines.push(`${'  '.repeat(this.#depth)}</xhd:${name}>`);
  }

  leaf(name: string, value: string | number | boolean | undefined): void {
    if (value === undefined) return;
    this.#lines.push(`${'  '.repeat(this.#depth)}<xhd:${name}>${escapeText(String(value))}</xhd:${name}>`);
  }

  /** One line of ready-made XML (an `xhd:any` child), indented like an element. */
  raw(xml: string): void {
    this.#lines.push(`${'  '.repeat(this.#depth)}${xml}`);
  }

  toString(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n${this.#lines.join('\n')}\n`;
  }
}

function zeilen(w: Writer, list: readonly Druckzeile[]): void {
  for (const zeile of list) {
    w.open('Zeile');
    w.leaf('Nummer', zeile.nummer);
    w.leaf('content', zeile.content);
    w.leaf('Typ', zeile.typ);
    w.close('Zeile');
  }
}

function druck(w: Writer, list: readonly Druckzeile[]): void {
  w.open('Druckrepraesentation');
  zeilen(w, list);
  w.close('Druckrepraesentation');
}

function anschrift(w: Writer, name: string, value: Anschrift): void {
  w.open(name);
  w.leaf('StrasseUndHausnummer', value.strasseUndHausnummer);
  w.leaf('Postleitzahl', value.postleitzahl);
  w.leaf('Ort', value.ort);
  if (value.staat !== undefined) {
    w.open('Staat');
    w.leaf('Staat', value.staat);
    w.close('Staat');
  }
  w.close(name);
}

function personendaten(w: Writer, p: Personendaten): void {
  w.open('Personendaten');
  w.open('NatuerlichePerson');
  w.open('NameNatuerlichePerson');
  w.open('Familienname');
  w.leaf('Name', p.name.familienname);
  w.close('Familienname');
  w.open('Vorname');
  w.leaf('Name', p.name.vorname);
  w.close('Vorname');
  if (p.name.geburtsname !== undefined) {
    w.open('Geburtsname');
    w.leaf('Name', p.name.geburtsname);
    w.close('Geburtsname');
  }
  w.leaf('Titel', p.name.titel);
  w.leaf('Ordens_Kuenstlername', p.name.ordensKuenstlername);
  w.close('NameNatuerlichePerson');
  anschrift(w, 'Anschrift', p.anschrift);
  if (p.staatsangehoerigkeit !== undefined) {
    w.open('Staatsangehoerigkeit');
    w.leaf('Staat', p.staatsangehoerigkeit);
    w.close('Staatsangehoerigkeit');
  }
  if (p.geschlecht !== undefined) {
    w.open('Geschlecht');
    w.leaf('Geschlecht', p.geschlecht);
    w.close('Geschlecht');
  }
  w.close('NatuerlichePerson');
  w.open('Geburt');
  w.leaf('Geburtsdatum', p.geburtsdatum);
  w.leaf('Geburtsort', p.geburtsort);
  w.close('Geburt');
  w.leaf('Groesse', p.groesse);
  w.leaf('Augenfarbe', p.augenfarbe);
  druck(w, p.druckrepraesentation);
  w.close('Personendaten');
}

function biometrie(w: Writer, b: Biometrie): void {
  w.open('BiometrischeMerkmale');
  w.open('Biometrie');
  w.leaf('Antragszeitpunkt', b.antragszeitpunkt);
  w.leaf('QSSoftwareVersion', b.qsSoftwareVersion);
  w.leaf('SollwerteVersion', b.sollwerteVersion);
  w.open('Lichtbild');
  w.leaf('Format', b.lichtbild.format);
  w.leaf('Breite', b.lichtbild.breite);
  w.leaf('Hoehe', b.lichtbild.hoehe);
  w.leaf('Qualitaetswert', b.lichtbild.qualitaetswert);
  w.leaf('Groesse', b.lichtbild.groesse);
  w.leaf('Daten', toBase64(b.lichtbild.daten));
  w.close('Lichtbild');
  for (const f of b.fingerabdruecke) {
    w.open('Fingerabdruck');
    w.leaf('Fingerposition', f.fingerposition);
    w.leaf('Format', f.format);
    w.leaf('Qualitaetswert', f.qualitaetswert);
    w.leaf('Groesse', f.groesse);
    w.leaf('Daten', toBase64(f.daten));
    w.close('Fingerabdruck');
  }
  w.close('Biometrie');
  w.close('BiometrischeMerkmale');
}

const ANTRAG_TYPES: Readonly<Record<Antrag['typ'], string>> = {
  Pass: 'AntragsdatensatzPassType',
  Personalausweis: 'AntragsdatensatzPersonalausweisType',
  Aufenthaltstitel: 'AntragsdatensatzAufenthaltstitelType',
  Reiseausweis: 'AntragsdatensatzReiseausweisType',
  EIDKarteUB: 'AntragsdatensatzEIDKarteUBType',
};

function elektronischeId(w: Writer, a: ElektronischeIdDaten): void {
  w.open('ElektronischeID');
  w.leaf('NutzungElektronischeID', a.nutzungElektronischeId);
  w.open('PINDaten');
  w.open('Lieferadresse');
  druck(w, a.pinLieferadresse.druckrepraesentation);
  if (a.pinLieferadresse.anschrift !== undefined) anschrift(w, 'Anschrift', a.pinLieferadresse.anschrift);
  w.close('Lieferadresse');
  w.leaf('Ruecksendeadresse', a.pinRuecksendeadresse);
  w.close('PINDaten');
  w.leaf('WohnortID', a.wohnortId);
  w.leaf('Versand_PIN_Brief', a.versandPinBrief);
  w.close('ElektronischeID');
}

function antrag(w: Writer, a: Antrag): void {
  w.open('Antrag', ` xsi:type="xhd:${ANTRAG_TYPES[a.typ]}"`);
  w.leaf('AntragsID', a.antragsId);
  personendaten(w, a.personendaten);
  const d = a.dokumentendaten;
  w.open('Dokumentendaten');
  w.leaf('Seriennummer', d.seriennummer);
  w.leaf('GueltigVon', d.gueltigVon);
  w.leaf('GueltigBis', d.gueltigBis);
  w.open('Behoerdenname');
  druck(w, d.behoerdenname.druckrepraesentation);
  w.leaf('Name', d.behoerdenname.name);
  w.leaf('Kurzbezeichnung', d.behoerdenname.kurzbezeichnung);
  w.close('Behoerdenname');
  w.leaf('Ausstellungsort', d.ausstellungsort);
  w.close('Dokumentendaten');
  if (a.biometrie !== undefined) biometrie(w, a.biometrie);
  if (a.unterschrift !== undefined) {
    w.open('Unterschrift');
    w.leaf('mimeCode', a.unterschrift.mimeCode);
    w.leaf('content', toBase64(a.unterschrift.daten));
    w.close('Unterschrift');
  }
  switch (a.typ) {
    case 'Pass':
      w.leaf('Passart', a.passart);
      if (a.dienstinfo !== undefined) {
        w.open('Dienstinfo');
        w.leaf('Dienstbezeichnung', a.dienstinfo.dienstbezeichnung);
        w.leaf('Dienstort', a.dienstinfo.dienstort);
        w.leaf('Passaktennummer', a.dienstinfo.passaktennummer);
        w.close('Dienstinfo');
      }
      w.leaf('ExtraSeiten', a.extraSeiten);
      break;
    case 'Reiseausweis': {
      w.leaf('ReiseausweisArt', a.reiseausweisArt);
      w.leaf('Selbsterklaerung', a.selbsterklaerung);
      const o = a.optionaleEintragungen;
      if (o !== undefined) {
        w.open('optionaleEintragungen');
        const laender =
          (o.land ?? []).length > 0 || o.gueltigFuerAlle !== undefined || (o.landAusnahme ?? []).length > 0;
        if (laender) {
          w.open('laenderangaben');
          for (const land of o.land ?? []) w.leaf('land', land);
          w.leaf('gueltigfueralle', o.gueltigFuerAlle);
          for (const land of o.landAusnahme ?? []) w.leaf('land_ausnahme', land);
          w.close('laenderangaben');
        }
        if (o.unterlagen !== undefined) {
          w.open('unterlagen');
          zeilen(w, o.unterlagen);
          w.close('unterlagen');
        }
        for (const text of o.optionaltext ?? []) w.leaf('optionaltext', text);
        w.close('optionaleEintragungen');
      }
      break;
    }
    case 'Aufenthaltstitel': {
      elektronischeId(w, a);
      const t = a.aufenthaltstiteldaten;
      w.open('Aufenthaltstiteldaten');
      w.leaf('Aufenthaltstitelart', t.aufenthaltstitelart);
      w.leaf('Nebenbestimmungen1', t.nebenbestimmungen1);
      w.leaf('Nebenbestimmungen2', t.nebenbestimmungen2);
      w.open('AnmerkungenRechtsgrundlagenUndPassdokument');
      druck(w, t.anmerkungenRechtsgrundlagenUndPassdokument);
      w.close('AnmerkungenRechtsgrundlagenUndPassdokument');
      if (t.anmerkungenErwerbstaetigkeit !== undefined) {
        w.open('AnmerkungenErwerbstaetigkeit');
        druck(w, t.anmerkungenErwerbstaetigkeit);
        w.close('AnmerkungenErwerbstaetigkeit');
      }
      w.close('Aufenthaltstiteldaten');
      break;
    }
    default:
      elektronischeId(w, a);
  }
  w.close('Antrag');
}

function behoerdenadresse(w: Writer, name: string, a: Behoerdenadresse): void {
  w.open(name);
  druck(w, a.druckrepraesentation);
  w.leaf('Behoerdenname', a.behoerdenname);
  if (a.anschrift !== undefined) anschrift(w, 'Behoerdenanschrift', a.anschrift);
  w.close(name);
}

function writeAny(w: Writer, root: string, any: readonly string[] | undefined): void {
  if (any === undefined || any.length === 0) return;
  w.open('any');
  any.forEach((xml, index) => {
    w.raw(normalizeAnyElement(xml, `/xhd:${root}/xhd:any/*[${index + 1}]`));
  });
  w.close('any');
}

function kopf(w: Writer, k: Nachrichtenkopf): void {
  w.open('Nachrichtenkopf');
  w.leaf('NachrichtenID', k.nachrichtenId);
  w.leaf('Bestellnummer', k.bestellnummer);
  w.leaf('Senderkennung', k.senderkennung);
  w.leaf('Empfaengerkennung', k.empfaengerkennung);
  w.leaf('Express', k.express);
  w.leaf('Reklamation', k.reklamation);
  w.leaf('Verfahrensschluessel', k.verfahrensschluessel);
  w.leaf('Verfahrenskennung', k.verfahrenskennung);
  w.leaf('Testnachricht', k.testnachricht);
  w.leaf('Erstellungszeitpunkt', k.erstellungszeitpunkt);
  w.leaf('Produktart', k.produktart);
  w.leaf('Version_XhD', k.versionXhd);
  w.close('Nachrichtenkopf');
}

function fehlerinformation(message: Fehlerinformation): string {
  const w = new Writer();
  w.open('Fehlerinformation', ` xmlns:xhd="${xhdNamespace(message.version)}"`);
  kopf(w, message.kopf);
  w.open('Nutzdaten');
  w.leaf('FehlerhafteNachricht', toBase64(message.fehlerhafteNachricht));
  w.open('Fehlerbeschreibung');
  w.leaf('Fehlernummer', message.fehlerbeschreibung.fehlernummer);
  w.leaf('Fehlerbeschreibung', message.fehlerbeschreibung.fehlerbeschreibung);
  w.close('Fehlerbeschreibung');
  w.close('Nutzdaten');
  writeAny(w, 'Fehlerinformation', message.any);
  w.close('Fehlerinformation');
  return w.toString();
}

function fehlerbeschreibungen(w: Writer, name: string, items: readonly Fehlerbeschreibung[]): void {
  for (const f of items) {
    w.open(name);
    w.leaf('Fehlernummer', f.fehlernummer);
    w.leaf('Fehlerbeschreibung', f.fehlerbeschreibung);
    w.close(name);
  }
}

function rueckmeldung(w: Writer, r: Rueckmeldung): void {
  w.leaf('AntragsID', r.antragsId);
  w.leaf('Status', r.status);
  fehlerbeschreibungen(w, 'Fehlerbeschreibungen', r.fehlerbeschreibungen);
}

/** The frame every message shares: root with namespace, header, `Nutzdaten` (written by `body`), `xhd:any`. */
function frame(
  message: Exclude<XhdMessage, { nachricht: 'BestellungDokument' | 'Fehlerinformation' }>,
  xsi: boolean,
  body: (w: Writer) => void,
): string {
  const w = new Writer();
  const ns = ` xmlns:xhd="${xhdNamespace(message.version)}"${xsi ? ` xmlns:xsi="${XSI_NAMESPACE}"` : ''}`;
  w.open(message.nachricht, ns);
  kopf(w, message.kopf);
  w.open('Nutzdaten');
  body(w);
  w.close('Nutzdaten');
  writeAny(w, message.nachricht, message.any);
  w.close(message.nachricht);
  return w.toString();
}

function other(
  message: Exclude<XhdMessage, { nachricht: 'BestellungDokument' | 'Fehlerinformation' }>,
): string {
  switch (message.nachricht) {
    case 'Auftragsinformation':
    case 'Quittierung': {
      const [name, items] =
        message.nachricht === 'Auftragsinformation'
          ? ['Auftragsinformationen', message.auftragsinformationen]
          : ['Quittierungen', message.quittierungen];
      return frame(message, false, (w) => {
        for (const r of items) {
          w.open(name);
          rueckmeldung(w, r);
          w.close(name);
        }
      });
    }
    case 'Reklamationsinformation':
      return frame(message, false, (w) => {
        for (const r of message.reklamationsinformationen) {
          w.open('Reklamationsinformationen');
          rueckmeldung(w, r);
          w.leaf('RuecksendungAnBehoerde', r.ruecksendungAnBehoerde);
          w.leaf('KostenUebernahmeHersteller', r.kostenUebernahmeHersteller);
          if (r.infoblatt !== undefined) w.leaf('Infoblatt', toBase64(r.infoblatt));
          w.close('Reklamationsinformationen');
        }
      });
    case 'Lieferinformation':
      return frame(message, true, (w) => {
        for (const l of message.lieferinformationen) {
          const type =
            l.typ === 'Dokument' ? 'LieferinformationDokumentType' : 'LieferinformationSeriennummerType';
          w.open('Lieferinformationen', ` xsi:type="xhd:${type}"`);
          w.leaf('AntragsID', l.antragsId);
          w.leaf('QuittierungErforderlich', l.quittierungErforderlich);
          if (l.typ === 'Dokument') {
            w.leaf('Sperrkennwort', l.sperrkennwort);
            w.leaf('Sperrsumme', l.sperrsumme);
          } else {
            w.leaf('Seriennummern', toBase64(new TextEncoder().encode(l.seriennummern.join(';'))));
          }
          w.close('Lieferinformationen');
        }
      });
    case 'BestellungSeriennummern':
      return frame(message, false, (w) => {
        w.leaf('BKZ', message.bkz);
        w.leaf('Anzahl', message.anzahl);
      });
  }
}

/** Serialises a message to XML: deterministic (same model → same bytes), UTF-8, one element per line. */
export function serializeXhd(message: XhdMessage): string {
  if (message.nachricht === 'Fehlerinformation') return fehlerinformation(message);
  if (message.nachricht !== 'BestellungDokument') return other(message);
  const w = new Writer();
  w.open('BestellungDokument', ` xmlns:xhd="${xhdNamespace(message.version)}" xmlns:xsi="${XSI_NAMESPACE}"`);
  kopf(w, message.kopf);
  w.open('Nutzdaten');
  w.open('Antraege');
  for (const a of message.antraege) antrag(w, a);
  w.close('Antraege');
  behoerdenadresse(w, 'Rechnungsadresse', message.rechnungsadresse);
  behoerdenadresse(w, 'Lieferadresse', message.lieferadresse);
  w.open('Zertifizierungsinformationen');
  for (const c of message.zertifizierteKomponenten) {
    w.open('Komponente');
    w.leaf('KomponentenName', c.komponentenName);
    w.leaf('Versionsinformation', c.versionsinformation);
    w.leaf('ZertifizierungsID', c.zertifizierungsId);
    w.close('Komponente');
  }
  w.close('Zertifizierungsinformationen');
  w.close('Nutzdaten');
  writeAny(w, 'BestellungDokument', message.any);
  w.close('BestellungDokument');
  return w.toString();
}
