import { inspectImage } from './binary.js';
import { NACHRICHT_AUTOR } from './codes.js';
import {
  createIssue,
  type IssueParams,
  type MessageCatalogue,
  type XhdIssue,
  type XhdIssueCode,
} from './issues.js';
import type {
  Antrag,
  BestellungDokument,
  BestellungSeriennummern,
  Fehlerinformation,
  Rueckmeldung,
  XhdMessage,
} from './model.js';
import {
  DEFAULT_MESSAGE_RULES,
  type XhdFollowUpMessage,
  type XhdMessageRuleId,
  type XhdOrderField,
  type XhdProfile,
  type XhdRuleId,
} from './profiles.js';

interface RuleContext {
  readonly message: BestellungDokument;
  readonly profile: XhdProfile;
  report(code: XhdIssueCode, path: string, params?: IssueParams): void;
}

/** Reports TEXT_TOO_LONG when `value` has more than `max` characters (code points); no limit, no check. */
function reportIfTooLong(
  ctx: Pick<RuleContext, 'report'>,
  field: string,
  value: string | undefined,
  max: number | undefined,
  path: string,
): void {
  if (value === undefined || max === undefined) return;
  const length = [...value].length;
  if (length > max) ctx.report('TEXT_TOO_LONG', path, { field, length, max });
}

const ROOT = '/xhd:BestellungDokument';
const KOPF = `${ROOT}/xhd:Nachrichtenkopf`;
const antragPath = (index: number) => `${ROOT}/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[${index + 1}]`;
const bioPath = (index: number) => `${antragPath(index)}/xhd:BiometrischeMerkmale/xhd:Biometrie`;

/** Character set of serial numbers of German passports and ID cards since 2017 / 2010 (see SOURCES.md). */
const SERIAL = /^[CFGHJKLMNPRTVWXYZ0-9]{9}[0-9]$/;
const BKZ = /^[CFGHJKLMNPRTVWXYZ0-9]{4}$/;

/** ICAO Doc 9303 Part 3 § 4.9 check digit: weights 7-3-1, digits as is, A–Z = 10–35, `<` = 0. */
export function icaoCheckDigit(value: string): number {
  let sum = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * ([7, 3, 1][i % 3] ?? 0);
  }
  return sum % 10;
}

function parseDate(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : undefined;
}

/** Birth dates may have 00 for unknown month/day; compare with the earliest possible day. */
function parseBirthDate(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null) return undefined;
  return parseDate(`${m[1]}-${m[2] === '00' ? '01' : m[2]}-${m[3] === '00' ? '01' : m[3]}`);
}

/** Completed years from `from` to `to` (both UTC midnight): the age on `to` of someone born on `from`. */
function yearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday =
    to.getUTCMonth() < from.getUTCMonth() ||
    (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

function forEachAntrag(ctx: RuleContext, fn: (a: Antrag, index: number) => void): void {
  ctx.message.antraege.forEach(fn);
}

const RULES: Readonly<Record<XhdRuleId, (ctx: RuleContext) => void>> = {
  'version-fields': (ctx) => {
    const { kopf, version } = ctx.message;
    if (kopf.versionXhd !== version) {
      ctx.report('VERSION_MISMATCH', `${KOPF}/xhd:Version_XhD`, {
        actual: kopf.versionXhd,
        expected: version,
      });
    }
    forEachAntrag(ctx, (a, i) => {
      if (a.biometrie === undefined) return;
      if (a.biometrie.qsSoftwareVersion.trim() === '') {
        ctx.report('VERSION_MISSING', `${bioPath(i)}/xhd:QSSoftwareVersion`, { field: 'QSSoftwareVersion' });
      }
      if (a.biometrie.sollwerteVersion.trim() === '') {
        ctx.report('VERSION_MISSING', `${bioPath(i)}/xhd:SollwerteVersion`, { field: 'SollwerteVersion' });
      }
    });
    ctx.message.zertifizierteKomponenten.forEach((k, i) => {
      if (k.versionsinformation.trim() === '') {
        ctx.report(
          'VERSION_MISSING',
          `${ROOT}/xhd:Nutzdaten/xhd:Zertifizierungsinformationen/xhd:Komponente[${i + 1}]/xhd:Versionsinformation`,
          { field: 'Versionsinformation' },
        );
      }
    });
  },
  'sender-id': (ctx) => {
    const value = ctx.message.kopf.senderkennung;
    const [prefix, id] = value.split(':');
    // Ausländerbehörden: `azr:` + the 6-digit AZR key (TR-03132 § 5.3.2).
    const ok =
      prefix !== undefined &&
      id !== undefined &&
      ctx.profile.limits.senderPrefixes.includes(prefix) &&
      (/^(\d{8}_\d{2}|\d{9}_\d{2}|\d{8,9}|AA_\d{8})$/.test(id) || (prefix === 'azr' && /^\d{6}$/.test(id)));
    if (!ok) {
      ctx.report('SENDER_ID_INVALID', `${KOPF}/xhd:Senderkennung`, {
        value,
        prefixes: ctx.profile.limits.senderPrefixes.join('/'),
      });
    }
  },
  'serial-number': (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      const path = `${antragPath(i)}/xhd:Dokumentendaten/xhd:Seriennummer`;
      const value = a.dokumentendaten.seriennummer;
      if (!BKZ.test(value.slice(0, 4))) ctx.report('BKZ_INVALID', path, { value: value.slice(0, 4) });
      if (!SERIAL.test(value)) {
        ctx.report('SERIAL_NUMBER_INVALID', path, { value });
        return;
      }
      const expected = icaoCheckDigit(value.slice(0, 9));
      const actual = Number(value[9]);
      if (expected !== actual) ctx.report('SERIAL_CHECK_DIGIT', path, { actual, expected });
    });
  },
  dates: (ctx) => {
    const created = new Date(ctx.message.kopf.erstellungszeitpunkt);
    forEachAntrag(ctx, (a, i) => {
      const d = a.dokumentendaten;
      const base = antragPath(i);
      const from = parseDate(d.gueltigVon);
      const until = parseDate(d.gueltigBis);
      const birth = parseBirthDate(a.personendaten.geburtsdatum);
      if (from === undefined)
        ctx.report('DATE_INVALID', `${base}/xhd:Dokumentendaten/xhd:GueltigVon`, { value: d.gueltigVon });
      if (until === undefined)
        ctx.report('DATE_INVALID', `${base}/xhd:Dokumentendaten/xhd:GueltigBis`, { value: d.gueltigBis });
      const birthPath = `${base}/xhd:Personendaten/xhd:Geburt/xhd:Geburtsdatum`;
      if (birth === undefined) ctx.report('DATE_INVALID', birthPath, { value: a.personendaten.geburtsdatum });
      if (from !== undefined && birth !== undefined && birth.getTime() >= from.getTime()) {
        ctx.report('BIRTH_NOT_BEFORE_APPLICATION', birthPath, {
          birth: a.personendaten.geburtsdatum,
          application: d.gueltigVon,
        });
      }
      if (from !== undefined && !Number.isNaN(created.getTime()) && from.getTime() > created.getTime()) {
        ctx.report('APPLICATION_AFTER_MESSAGE', `${base}/xhd:Dokumentendaten/xhd:GueltigVon`, {
          application: d.gueltigVon,
          created: ctx.message.kopf.erstellungszeitpunkt,
        });
      }
      if (from !== undefined && until !== undefined) {
        const untilPath = `${base}/xhd:Dokumentendaten/xhd:GueltigBis`;
        if (until.getTime() <= from.getTime()) {
          ctx.report('VALIDITY_END_NOT_AFTER_START', untilPath, { from: d.gueltigVon, until: d.gueltigBis });
        } else {
          const limit = new Date(from);
          limit.setUTCFullYear(limit.getUTCFullYear() + ctx.profile.limits.maxValidityYears);
          if (until.getTime() > limit.getTime()) {
            const years = Math.round(((until.getTime() - from.getTime()) / 31_557_600_000) * 10) / 10;
            ctx.report('VALIDITY_TOO_LONG', untilPath, { years, max: ctx.profile.limits.maxValidityYears });
          }
        }
      }
    });
  },
  'age-validity': (ctx) => {
    const reduced = ctx.profile.limits.reducedValidity;
    if (reduced === undefined) return;
    forEachAntrag(ctx, (a, i) => {
      const d = a.dokumentendaten;
      const from = parseDate(d.gueltigVon);
      const until = parseDate(d.gueltigBis);
      // Unknown month or day count as the earliest possible birthday: the applicant is taken as old as possible.
      const birth = parseBirthDate(a.personendaten.geburtsdatum);
      // Broken or implausible dates are the `dates` rule's findings; nothing to add here.
      if (from === undefined || until === undefined || birth === undefined) return;
      if (birth.getTime() >= from.getTime() || until.getTime() <= from.getTime()) return;
      const age = yearsBetween(birth, from);
      if (age >= reduced.underAge) return;
      const limit = new Date(from);
      limit.setUTCFullYear(limit.getUTCFullYear() + reduced.maxYears);
      if (until.getTime() > limit.getTime()) {
        ctx.report('VALIDITY_TOO_LONG_FOR_AGE', `${antragPath(i)}/xhd:Dokumentendaten/xhd:GueltigBis`, {
          years: Math.round(((until.getTime() - from.getTime()) / 31_557_600_000) * 10) / 10,
          max: reduced.maxYears,
          underAge: reduced.underAge,
          age,
          application: d.gueltigVon,
        });
      }
    });
  },
  'biometrics-present': (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      if (a.biometrie === undefined) {
        ctx.report('BIOMETRICS_MISSING', `${antragPath(i)}/xhd:BiometrischeMerkmale`);
        return;
      }
      const required = ctx.profile.limits.fingerprintsRequired;
      if (a.biometrie.fingerabdruecke.length < required) {
        ctx.report('FINGERPRINTS_MISSING', `${bioPath(i)}/xhd:Fingerabdruck`, {
          actual: a.biometrie.fingerabdruecke.length,
          expected: required,
        });
      }
    });
  },
  'quality-values': (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      a.biometrie?.fingerabdruecke.forEach((f, j) => {
        const min = ctx.profile.limits.minFingerprintQuality[f.fingerposition];
        if (min !== undefined && f.qualitaetswert < min) {
          ctx.report(
            'FINGERPRINT_QUALITY_TOO_LOW',
            `${bioPath(i)}/xhd:Fingerabdruck[${j + 1}]/xhd:Qualitaetswert`,
            {
              actual: f.qualitaetswert,
              min,
              finger: f.fingerposition,
            },
          );
        }
      });
    });
  },
  'binary-consistency': (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      const b = a.biometrie;
      if (b === undefined) return;
      const items = [
        { path: `${bioPath(i)}/xhd:Lichtbild`, item: b.lichtbild, expected: 'JPEG/JPEG2000' },
        ...b.fingerabdruecke.map((f, j) => ({
          path: `${bioPath(i)}/xhd:Fingerabdruck[${j + 1}]`,
          item: f,
          expected: 'WSQ/ISO19794-4',
        })),
      ];
      for (const { path, item, expected } of items) {
        const info = inspectImage(item.daten);
        if (info === undefined) ctx.report('BIOMETRIC_FORMAT_UNKNOWN', `${path}/xhd:Daten`, { expected });
        else if (info.format !== item.format) {
          ctx.report('BIOMETRIC_FORMAT_MISMATCH', `${path}/xhd:Format`, {
            declared: item.format,
            actual: info.format,
          });
        }
        if (item.groesse !== item.daten.byteLength) {
          ctx.report('BIOMETRIC_SIZE_MISMATCH', `${path}/xhd:Groesse`, {
            declared: item.groesse,
            actual: item.daten.byteLength,
          });
        }
      }
      const photo = inspectImage(b.lichtbild.daten);
      if (photo?.width !== undefined && photo.height !== undefined) {
        if (photo.width !== b.lichtbild.breite || photo.height !== b.lichtbild.hoehe) {
          ctx.report('PHOTO_DIMENSIONS_MISMATCH', `${bioPath(i)}/xhd:Lichtbild`, {
            declared: `${b.lichtbild.breite}×${b.lichtbild.hoehe}`,
            actual: `${photo.width}×${photo.height}`,
          });
        }
      }
    });
  },
  'photo-limits': (ctx) => {
    const l = ctx.profile.limits;
    forEachAntrag(ctx, (a, i) => {
      const b = a.biometrie;
      if (b === undefined) return;
      const path = `${bioPath(i)}/xhd:Lichtbild`;
      if (b.lichtbild.daten.byteLength > l.photoMaxBytes) {
        ctx.report('BIOMETRIC_TOO_LARGE', `${path}/xhd:Daten`, {
          actual: b.lichtbild.daten.byteLength,
          max: l.photoMaxBytes,
        });
      }
      if (b.lichtbild.breite < l.photoMinWidth || b.lichtbild.hoehe < l.photoMinHeight) {
        ctx.report('PHOTO_RESOLUTION_TOO_LOW', path, {
          width: b.lichtbild.breite,
          height: b.lichtbild.hoehe,
          minWidth: l.photoMinWidth,
          minHeight: l.photoMinHeight,
        });
      }
      b.fingerabdruecke.forEach((f, j) => {
        if (f.daten.byteLength > l.fingerprintMaxBytes) {
          ctx.report('BIOMETRIC_TOO_LARGE', `${bioPath(i)}/xhd:Fingerabdruck[${j + 1}]/xhd:Daten`, {
            actual: f.daten.byteLength,
            max: l.fingerprintMaxBytes,
          });
        }
      });
    });
  },
  'eid-nutzung': (ctx) => {
    const minAge = ctx.profile.limits.eidMinAge;
    if (minAge === undefined) return;
    forEachAntrag(ctx, (a, i) => {
      if (!('nutzungElektronischeId' in a) || a.nutzungElektronischeId !== true) return;
      const from = parseDate(a.dokumentendaten.gueltigVon);
      const birth = parseBirthDate(a.personendaten.geburtsdatum);
      if (from === undefined || birth === undefined || birth.getTime() >= from.getTime()) return;
      const age = yearsBetween(birth, from);
      if (age < minAge) {
        ctx.report('EID_UNDER_AGE', `${antragPath(i)}/xhd:ElektronischeID/xhd:NutzungElektronischeID`, {
          age,
          min: minAge,
        });
      }
    });
  },
  'wohnort-id': (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      if ('pinLieferadresse' in a && a.wohnortId === undefined) {
        ctx.report('WOHNORT_ID_MISSING', `${antragPath(i)}/xhd:ElektronischeID`);
      }
    });
  },
  // TR-03123-2 Table 6 note 7 (PA, eID-UB) and TR-03123-3 § 3.2.13: WohnortID must be given when the applicant's
  // residence (Anschrift) is in Germany: Anschrift.Staat `D<<` (or `D`), or no Staat at all – Staat is mandatory
  // for non-German addresses (TR-03123-2 Tables 9, 12, 14), so an address without it is a German one.
  'wohnort-id-inland': (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      const staat = a.personendaten.anschrift.staat;
      if (
        'pinLieferadresse' in a &&
        a.wohnortId === undefined &&
        (staat === undefined || staat === 'D' || staat === 'D<<')
      ) {
        ctx.report('WOHNORT_ID_MISSING', `${antragPath(i)}/xhd:ElektronischeID`);
      }
    });
  },
  // TR-03123-2 Table 6: Staatsangehörigkeit is X (required) for RA, AT and eID-UB.
  staatsangehoerigkeit: (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      if ((a.personendaten.staatsangehoerigkeit ?? '').trim() === '') {
        ctx.report(
          'STAATSANGEHOERIGKEIT_MISSING',
          `${antragPath(i)}/xhd:Personendaten/xhd:NatuerlichePerson/xhd:Staatsangehoerigkeit`,
          { produktart: ctx.message.kopf.produktart },
        );
      }
    });
  },
  'field-lengths': (ctx) => {
    const max = ctx.profile.limits.orderFieldLengths;
    if (max === undefined) return;
    const check = (field: XhdOrderField, value: string | undefined, path: string) =>
      reportIfTooLong(ctx, field, value, max[field], path);
    forEachAntrag(ctx, (a, i) => {
      const base = antragPath(i);
      const person = `${base}/xhd:Personendaten/xhd:NatuerlichePerson`;
      const name = `${person}/xhd:NameNatuerlichePerson`;
      const p = a.personendaten;
      check('AntragsID', a.antragsId, `${base}/xhd:AntragsID`);
      check('Familienname', p.name.familienname, `${name}/xhd:Familienname/xhd:Name`);
      check('Vorname', p.name.vorname, `${name}/xhd:Vorname/xhd:Name`);
      check('Geburtsname', p.name.geburtsname, `${name}/xhd:Geburtsname/xhd:Name`);
      check('Ordens_Kuenstlername', p.name.ordensKuenstlername, `${name}/xhd:Ordens_Kuenstlername`);
      check(
        'StrasseUndHausnummer',
        p.anschrift.strasseUndHausnummer,
        `${person}/xhd:Anschrift/xhd:StrasseUndHausnummer`,
      );
      check('Ort', p.anschrift.ort, `${person}/xhd:Anschrift/xhd:Ort`);
      check('Geburtsort', p.geburtsort, `${base}/xhd:Personendaten/xhd:Geburt/xhd:Geburtsort`);
      check('Augenfarbe', p.augenfarbe, `${base}/xhd:Personendaten/xhd:Augenfarbe`);
      const d = a.dokumentendaten;
      const behoerde = `${base}/xhd:Dokumentendaten/xhd:Behoerdenname`;
      check('Behoerdenname.Name', d.behoerdenname.name, `${behoerde}/xhd:Name`);
      check(
        'Behoerdenname.Kurzbezeichnung',
        d.behoerdenname.kurzbezeichnung,
        `${behoerde}/xhd:Kurzbezeichnung`,
      );
      check('Ausstellungsort', d.ausstellungsort, `${base}/xhd:Dokumentendaten/xhd:Ausstellungsort`);
      if (a.typ === 'Pass' && a.dienstinfo !== undefined) {
        const info = `${base}/xhd:Dienstinfo`;
        check('Dienstbezeichnung', a.dienstinfo.dienstbezeichnung, `${info}/xhd:Dienstbezeichnung`);
        check('Dienstort', a.dienstinfo.dienstort, `${info}/xhd:Dienstort`);
        check('Passaktennummer', a.dienstinfo.passaktennummer, `${info}/xhd:Passaktennummer`);
      }
    });
    ctx.message.zertifizierteKomponenten.forEach((k, i) => {
      const path = `${ROOT}/xhd:Nutzdaten/xhd:Zertifizierungsinformationen/xhd:Komponente[${i + 1}]`;
      check('KomponentenName', k.komponentenName, `${path}/xhd:KomponentenName`);
      check('Versionsinformation', k.versionsinformation, `${path}/xhd:Versionsinformation`);
      check('ZertifizierungsID', k.zertifizierungsId, `${path}/xhd:ZertifizierungsID`);
    });
  },
  reiseausweis: (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      if (a.typ !== 'Reiseausweis' || a.reiseausweisArt === 'RA') return;
      const o = a.optionaleEintragungen;
      const path = `${antragPath(i)}/xhd:optionaleEintragungen/xhd:laenderangaben`;
      if (o?.gueltigFuerAlle !== undefined) {
        ctx.report('TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED', `${path}/xhd:gueltigfueralle`, {
          field: 'gueltigfueralle',
          art: a.reiseausweisArt,
        });
      }
      if ((o?.landAusnahme ?? []).length > 0) {
        ctx.report('TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED', `${path}/xhd:land_ausnahme[1]`, {
          field: 'land_ausnahme',
          art: a.reiseausweisArt,
        });
      }
    });
  },
  dienstinfo: (ctx) => {
    forEachAntrag(ctx, (a, i) => {
      if (a.typ !== 'Pass') return;
      if (a.passart !== 'P' && a.dienstinfo === undefined) {
        ctx.report('DIENSTINFO_REQUIRED', `${antragPath(i)}/xhd:Passart`, { passart: a.passart });
      }
      if (a.passart === 'P' && a.dienstinfo !== undefined) {
        ctx.report('DIENSTINFO_NOT_ALLOWED', `${antragPath(i)}/xhd:Dienstinfo`);
      }
    });
  },
};

/**
 * The checks for a `Fehlerinformation` (no profile: it answers any message type): Version_XhD matches the
 * namespace, and the Fehlernummer has at most 6 digits (TR-03123-2).
 */
export function checkFehlerinformation(
  message: Fehlerinformation,
  messages: Partial<MessageCatalogue> = {},
): XhdIssue[] {
  const issues: XhdIssue[] = [];
  const root = '/xhd:Fehlerinformation';
  if (message.kopf.versionXhd !== message.version) {
    issues.push(
      createIssue(
        'VERSION_MISMATCH',
        `${root}/xhd:Nachrichtenkopf/xhd:Version_XhD`,
        { actual: message.kopf.versionXhd, expected: message.version },
        messages,
      ),
    );
  }
  const { fehlernummer } = message.fehlerbeschreibung;
  if (!Number.isInteger(fehlernummer) || fehlernummer < 0 || fehlernummer > 999_999) {
    issues.push(
      createIssue(
        'ERROR_NUMBER_INVALID',
        `${root}/xhd:Nutzdaten/xhd:Fehlerbeschreibung/xhd:Fehlernummer`,
        { value: fehlernummer },
        messages,
      ),
    );
  }
  return issues;
}

/** Runs the rules the profile lists against a parsed message. */
export function checkRules(
  message: BestellungDokument,
  profile: XhdProfile,
  messages: Partial<MessageCatalogue> = {},
): XhdIssue[] {
  const issues: XhdIssue[] = [];
  const ctx: RuleContext = {
    message,
    profile,
    report: (code, path, params = {}) => issues.push(createIssue(code, path, params, messages)),
  };
  for (const id of profile.rules) RULES[id](ctx);
  return issues;
}

// ---- Messages other than the order (TR-03123-3 § 2.4–2.8, field rules of TR-03123-2 § 4) ----

type FollowUp = Exclude<XhdMessage, BestellungDokument | Fehlerinformation>;

interface MessageRuleContext {
  readonly message: FollowUp;
  readonly profile: XhdProfile;
  readonly root: string;
  report(code: XhdIssueCode, path: string, params?: IssueParams): void;
}

/** The answer lists of a message: element name and entries (AntragsID first in each). */
function entries(message: FollowUp): { name: string; items: readonly { antragsId: string }[] } | undefined {
  switch (message.nachricht) {
    case 'Auftragsinformation':
      return { name: 'Auftragsinformationen', items: message.auftragsinformationen };
    case 'Quittierung':
      return { name: 'Quittierungen', items: message.quittierungen };
    case 'Reklamationsinformation':
      return { name: 'Reklamationsinformationen', items: message.reklamationsinformationen };
    case 'Lieferinformation':
      return { name: 'Lieferinformationen', items: message.lieferinformationen };
    default:
      return undefined;
  }
}

const itemPath = (ctx: MessageRuleContext, name: string, index: number) =>
  `${ctx.root}/xhd:Nutzdaten/xhd:${name}[${index + 1}]`;

/** DVDV authority IDs (TR-03132 § 5.3.2): AGS + `_` + 2 digits, `AA_` + 8 digits, for `azr` the 6-digit AZR key. */
const AUTHORITY_ID = /^(\d{8}_\d{2}|\d{9}_\d{2}|\d{8,9}|AA_\d{8}|\d{6})$/;
const PRODUCER_ID = /^[A-Za-z0-9_]+$/;

function keyMatches(value: string, prefixes: readonly string[], id: RegExp): boolean {
  const [prefix, rest, ...more] = value.split(':');
  return (
    prefix !== undefined &&
    rest !== undefined &&
    more.length === 0 &&
    prefixes.includes(prefix) &&
    id.test(rest)
  );
}

/** Longest values TR-03123-2 § 3.4 and § 4 allow (characters). */
const MAX = { nachrichtenId: 40, antragsId: 40, fehlerbeschreibungAuftrag: 80, sperrkennwort: 40 } as const;

const MESSAGE_RULES: Readonly<Record<XhdMessageRuleId, (ctx: MessageRuleContext) => void>> = {
  version: (ctx) => {
    const { kopf, version } = ctx.message;
    if (kopf.versionXhd !== version) {
      ctx.report('VERSION_MISMATCH', `${ctx.root}/xhd:Nachrichtenkopf/xhd:Version_XhD`, {
        actual: kopf.versionXhd,
        expected: version,
      });
    }
  },
  'partner-ids': (ctx) => {
    const { kopf } = ctx.message;
    const authority = ctx.profile.limits.senderPrefixes;
    const producer = ctx.profile.limits.producerPrefixes ?? ['dbs'];
    const fromProducer = NACHRICHT_AUTOR[ctx.message.nachricht] === 'Dokumentenhersteller';
    const [senderPrefixes, senderId, recipientPrefixes, recipientId] = fromProducer
      ? [producer, PRODUCER_ID, authority, AUTHORITY_ID]
      : [authority, AUTHORITY_ID, producer, PRODUCER_ID];
    const head = `${ctx.root}/xhd:Nachrichtenkopf`;
    if (!keyMatches(kopf.senderkennung, senderPrefixes, senderId)) {
      ctx.report('SENDER_ID_INVALID', `${head}/xhd:Senderkennung`, {
        value: kopf.senderkennung,
        prefixes: senderPrefixes.join('/'),
      });
    }
    if (!keyMatches(kopf.empfaengerkennung, recipientPrefixes, recipientId)) {
      ctx.report('RECIPIENT_ID_INVALID', `${head}/xhd:Empfaengerkennung`, {
        value: kopf.empfaengerkennung,
        prefixes: recipientPrefixes.join('/'),
      });
    }
  },
  'antrags-ids': (ctx) => {
    const list = entries(ctx.message);
    if (list === undefined) return;
    const seen = new Set<string>();
    list.items.forEach((item, i) => {
      if (seen.has(item.antragsId)) {
        ctx.report('ANTRAGS_ID_DUPLICATE', `${itemPath(ctx, list.name, i)}/xhd:AntragsID`, {
          antragsId: item.antragsId,
        });
      }
      seen.add(item.antragsId);
    });
  },
  rueckmeldungen: (ctx) => {
    const list = entries(ctx.message);
    if (list === undefined || ctx.message.nachricht === 'Lieferinformation') return;
    (list.items as readonly Rueckmeldung[]).forEach((r, i) => {
      const path = itemPath(ctx, list.name, i);
      if (!r.status && r.fehlerbeschreibungen.length === 0) {
        ctx.report('STATUS_DESCRIPTION_MISSING', `${path}/xhd:Status`, { antragsId: r.antragsId });
      }
      if (r.status && r.fehlerbeschreibungen.length > 0) {
        ctx.report('STATUS_DESCRIPTION_NOT_ALLOWED', `${path}/xhd:Fehlerbeschreibungen[1]`, {
          antragsId: r.antragsId,
        });
      }
      r.fehlerbeschreibungen.forEach((f, j) => {
        if (!Number.isInteger(f.fehlernummer) || f.fehlernummer < 0 || f.fehlernummer > 999_999) {
          ctx.report('ERROR_NUMBER_INVALID', `${path}/xhd:Fehlerbeschreibungen[${j + 1}]/xhd:Fehlernummer`, {
            value: f.fehlernummer,
          });
        }
      });
    });
  },
  'field-lengths': (ctx) => {
    const long = (value: string, max: number, field: string, path: string) =>
      reportIfTooLong(ctx, field, value, max, path);
    long(
      ctx.message.kopf.nachrichtenId,
      MAX.nachrichtenId,
      'NachrichtenID',
      `${ctx.root}/xhd:Nachrichtenkopf/xhd:NachrichtenID`,
    );
    const list = entries(ctx.message);
    if (list === undefined) return;
    list.items.forEach((item, i) => {
      const path = itemPath(ctx, list.name, i);
      long(item.antragsId, MAX.antragsId, 'AntragsID', `${path}/xhd:AntragsID`);
      if (ctx.message.nachricht === 'Auftragsinformation') {
        (item as Rueckmeldung).fehlerbeschreibungen.forEach((f, j) => {
          long(
            f.fehlerbeschreibung,
            MAX.fehlerbeschreibungAuftrag,
            'Fehlerbeschreibung',
            `${path}/xhd:Fehlerbeschreibungen[${j + 1}]/xhd:Fehlerbeschreibung`,
          );
        });
      }
      const kennwort = (item as { sperrkennwort?: string }).sperrkennwort;
      if (kennwort !== undefined)
        long(kennwort, MAX.sperrkennwort, 'Sperrkennwort', `${path}/xhd:Sperrkennwort`);
    });
  },
  'lieferung-eid': (ctx) => {
    if (ctx.message.nachricht !== 'Lieferinformation') return;
    const eid = ctx.profile.limits.eidDocument === true;
    const produktart = ctx.message.kopf.produktart;
    ctx.message.lieferinformationen.forEach((l, i) => {
      if (l.typ !== 'Dokument') return;
      const path = itemPath(ctx, 'Lieferinformationen', i);
      if (eid) {
        if (!l.quittierungErforderlich) {
          ctx.report('QUITTIERUNG_REQUIRED', `${path}/xhd:QuittierungErforderlich`, { produktart });
        }
        if (l.sperrkennwort === undefined) {
          ctx.report('SPERRKENNWORT_MISSING', `${path}/xhd:Sperrkennwort`, {
            field: 'Sperrkennwort',
            produktart,
          });
        }
        if (l.sperrsumme === undefined) {
          ctx.report('SPERRKENNWORT_MISSING', `${path}/xhd:Sperrsumme`, { field: 'Sperrsumme', produktart });
        }
      } else {
        if (l.sperrkennwort !== undefined) {
          ctx.report('SPERRKENNWORT_NOT_ALLOWED', `${path}/xhd:Sperrkennwort`, {
            field: 'Sperrkennwort',
            produktart,
          });
        }
        if (l.sperrsumme !== undefined) {
          ctx.report('SPERRKENNWORT_NOT_ALLOWED', `${path}/xhd:Sperrsumme`, {
            field: 'Sperrsumme',
            produktart,
          });
        }
      }
    });
  },
  'seriennummern-liste': (ctx) => {
    if (ctx.message.nachricht !== 'Lieferinformation') return;
    ctx.message.lieferinformationen.forEach((l, i) => {
      if (l.typ !== 'Seriennummern') return;
      const path = `${itemPath(ctx, 'Lieferinformationen', i)}/xhd:Seriennummern`;
      l.seriennummern.forEach((value, j) => {
        if (!/^[CFGHJKLMNPRTVWXYZ0-9]{5}$/.test(value)) {
          ctx.report('SERIAL_LIST_INVALID', path, { position: j + 1, value: value.slice(0, 20) });
        }
      });
    });
  },
  'seriennummern-bestellung': (ctx) => {
    if (ctx.message.nachricht !== 'BestellungSeriennummern') return;
    const m: BestellungSeriennummern = ctx.message;
    const base = `${ctx.root}/xhd:Nutzdaten`;
    if (!BKZ.test(m.bkz)) ctx.report('BKZ_INVALID', `${base}/xhd:BKZ`, { value: m.bkz });
    if (!Number.isInteger(m.anzahl) || m.anzahl < 1 || m.anzahl > 100_000) {
      ctx.report('SERIAL_COUNT_INVALID', `${base}/xhd:Anzahl`, { value: m.anzahl, min: 1, max: 100_000 });
    }
  },
  infoblatt: (ctx) => {
    if (ctx.message.nachricht !== 'Reklamationsinformation') return;
    ctx.message.reklamationsinformationen.forEach((r, i) => {
      const b = r.infoblatt;
      if (b === undefined) return;
      const pdf = b.length >= 5 && String.fromCharCode(...b.subarray(0, 5)) === '%PDF-';
      if (!pdf)
        ctx.report('INFOBLATT_NOT_PDF', `${itemPath(ctx, 'Reklamationsinformationen', i)}/xhd:Infoblatt`);
    });
  },
};

/**
 * Runs the rules of a profile on a message other than `BestellungDokument` / `Fehlerinformation`: the ids in
 * `profile.messageRules[nachricht]`, or `DEFAULT_MESSAGE_RULES[nachricht]` when the profile does not list them.
 */
export function checkMessage(
  message: FollowUp,
  profile: XhdProfile,
  messages: Partial<MessageCatalogue> = {},
): XhdIssue[] {
  const issues: XhdIssue[] = [];
  const nachricht: XhdFollowUpMessage = message.nachricht;
  const ctx: MessageRuleContext = {
    message,
    profile,
    root: `/xhd:${nachricht}`,
    report: (code, path, params = {}) => issues.push(createIssue(code, path, params, messages)),
  };
  for (const id of profile.messageRules?.[nachricht] ?? DEFAULT_MESSAGE_RULES[nachricht])
    MESSAGE_RULES[id](ctx);
  return issues;
}

/** Which message answers which (TR-03104 process, TR-03123-3 § 2). */
const REPLIES: Readonly<Partial<Record<XhdMessage['nachricht'], readonly XhdMessage['nachricht'][]>>> = {
  BestellungDokument: [
    'Auftragsinformation',
    'Lieferinformation',
    'Reklamationsinformation',
    'Fehlerinformation',
  ],
  BestellungSeriennummern: ['Lieferinformation', 'Fehlerinformation'],
  Lieferinformation: ['Quittierung', 'Fehlerinformation'],
  Auftragsinformation: ['Fehlerinformation'],
  Reklamationsinformation: ['Fehlerinformation'],
  Quittierung: ['Fehlerinformation'],
};

function requestIds(request: XhdMessage): string[] | undefined {
  switch (request.nachricht) {
    case 'BestellungDokument':
      return request.antraege.map((a) => a.antragsId);
    case 'Lieferinformation':
      return request.lieferinformationen.map((l) => l.antragsId);
    default:
      return undefined;
  }
}

/**
 * Checks an answer against the message it answers (both parsed): it is a possible answer (Auftragsinformation to
 * an order, Quittierung to a Lieferinformation, …), Bestellnummer and Produktart are the same, sender and recipient
 * are swapped, the order's Verfahrensschluessel is sent back (TR-03123-3 § 3.1.2), and the AntragsIDs refer to the
 * request – an Auftragsinformation answers every application of the order, a Quittierung every delivery that asked
 * for one. A Lieferinformation of serial numbers delivers no more than were ordered.
 */
export function checkReply(
  reply: XhdMessage,
  request: XhdMessage,
  messages: Partial<MessageCatalogue> = {},
): XhdIssue[] {
  const issues: XhdIssue[] = [];
  const root = `/xhd:${reply.nachricht}`;
  const head = `${root}/xhd:Nachrichtenkopf`;
  const report = (code: XhdIssueCode, path: string, params: IssueParams = {}) =>
    issues.push(createIssue(code, path, params, messages));
  if (!(REPLIES[request.nachricht] ?? []).includes(reply.nachricht)) {
    report('REPLY_UNEXPECTED', root, { reply: reply.nachricht, request: request.nachricht });
    return issues;
  }
  const a = reply.kopf;
  const q = request.kopf;
  if (a.bestellnummer !== q.bestellnummer) {
    report('REPLY_BESTELLNUMMER_MISMATCH', `${head}/xhd:Bestellnummer`, {
      actual: a.bestellnummer,
      expected: q.bestellnummer,
    });
  }
  if (a.produktart !== q.produktart) {
    report('REPLY_PRODUKTART_MISMATCH', `${head}/xhd:Produktart`, {
      actual: a.produktart,
      expected: q.produktart,
    });
  }
  if (a.senderkennung !== q.empfaengerkennung) {
    report('REPLY_PARTNER_MISMATCH', `${head}/xhd:Senderkennung`, {
      field: 'Senderkennung',
      actual: a.senderkennung,
      expected: q.empfaengerkennung,
    });
  }
  if (a.empfaengerkennung !== q.senderkennung) {
    report('REPLY_PARTNER_MISMATCH', `${head}/xhd:Empfaengerkennung`, {
      field: 'Empfaengerkennung',
      actual: a.empfaengerkennung,
      expected: q.senderkennung,
    });
  }
  if (q.verfahrensschluessel !== undefined && a.verfahrensschluessel !== q.verfahrensschluessel) {
    report('REPLY_VERFAHRENSSCHLUESSEL_MISMATCH', `${head}/xhd:Verfahrensschluessel`, {
      actual: a.verfahrensschluessel ?? '–',
      expected: q.verfahrensschluessel,
    });
  }
  if (reply.nachricht === 'Fehlerinformation' || reply.nachricht === 'BestellungDokument') return issues;
  const list = entries(reply);
  const known = requestIds(request);
  if (list !== undefined && known !== undefined) {
    const answered = new Set<string>();
    list.items.forEach((item, i) => {
      answered.add(item.antragsId);
      if (!known.includes(item.antragsId)) {
        report('REPLY_ANTRAG_UNKNOWN', `${root}/xhd:Nutzdaten/xhd:${list.name}[${i + 1}]/xhd:AntragsID`, {
          antragsId: item.antragsId,
        });
      }
    });
    const mustAnswer =
      reply.nachricht === 'Auftragsinformation'
        ? known
        : reply.nachricht === 'Quittierung' && request.nachricht === 'Lieferinformation'
          ? request.lieferinformationen.filter((l) => l.quittierungErforderlich).map((l) => l.antragsId)
          : [];
    for (const id of mustAnswer) {
      if (!answered.has(id)) report('REPLY_ANTRAG_UNANSWERED', `${root}/xhd:Nutzdaten`, { antragsId: id });
    }
  }
  if (reply.nachricht === 'Lieferinformation' && request.nachricht === 'BestellungSeriennummern') {
    const delivered = reply.lieferinformationen.reduce(
      (sum, l) => sum + (l.typ === 'Seriennummern' ? l.seriennummern.length : 0),
      0,
    );
    if (delivered > request.anzahl) {
      report('REPLY_SERIAL_COUNT_EXCEEDED', `${root}/xhd:Nutzdaten`, {
        actual: delivered,
        expected: request.anzahl,
      });
    }
  }
  return issues;
}
