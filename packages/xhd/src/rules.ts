import { inspectImage } from './binary.js';
import {
  createIssue,
  type IssueParams,
  type MessageCatalogue,
  type XhdIssue,
  type XhdIssueCode,
} from './issues.js';
import type { Antrag, BestellungDokument, Fehlerinformation } from './model.js';
import type { XhdProfile, XhdRuleId } from './profiles.js';

interface RuleContext {
  readonly message: BestellungDokument;
  readonly profile: XhdProfile;
  report(code: XhdIssueCode, path: string, params?: IssueParams): void;
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
    const ok =
      prefix !== undefined &&
      id !== undefined &&
      ctx.profile.limits.senderPrefixes.includes(prefix) &&
      /^(\d{8}_\d{2}|\d{9}_\d{2}|\d{8,9}|AA_\d{8})$/.test(id);
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
