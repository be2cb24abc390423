import { describe, expect, it } from 'vitest';
import {
  buildFehlerinformation,
  buildXhd,
  type FehlerinformationInput,
  parseFehlerinformation,
  parseXhd,
  parseXhdMessage,
  replyFehlerinformation,
  serializeXhd,
  validateXhd,
  XhdError,
} from '../src/index.js';
import { fromOsciContentContainer, toOsciContentContainer } from '../src/osci.js';
import { bestellung } from './helpers.js';

const kopf = {
  nachrichtenId: 'F-1',
  bestellnummer: 'B-1',
  senderkennung: 'dbs:490030010000',
  empfaengerkennung: 'psb:04011300_00',
  verfahrenskennung: 'Produktion-Demo 1.0',
  erstellungszeitpunkt: '2026-11-25T09:31:00Z',
  produktart: 'RP',
} as const;

const input: FehlerinformationInput = {
  kopf,
  fehlerhafteNachricht: '<kaputt>',
  fehlernummer: 4711,
  fehlerbeschreibung: 'Nachricht ist nicht wohlgeformt.',
};

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof XhdError) return error.code;
    throw error;
  }
  return undefined;
}

describe('Fehlerinformation (TR-03123-3 § 2.9)', () => {
  it('builds, serialises, parses and validates', async () => {
    const { xml, message } = buildFehlerinformation(input);
    expect(xml).toContain('<xhd:Fehlerinformation xmlns:xhd="http://www.bsi.de/trxhd/1.7">');
    expect(xml).toContain(
      `<xhd:FehlerhafteNachricht>${Buffer.from('<kaputt>').toString('base64')}</xhd:FehlerhafteNachricht>`,
    );
    expect(xml).toContain('<xhd:Fehlernummer>4711</xhd:Fehlernummer>');
    expect(message.kopf.versionXhd).toBe('1.7');
    const parsed = parseFehlerinformation(xml);
    expect(parsed).toEqual(message);
    expect(parseXhdMessage(xml)).toEqual(message);
    expect(serializeXhd(parsed)).toBe(xml);
    expect(new TextDecoder().decode(parsed.fehlerhafteNachricht)).toBe('<kaputt>');
    const result = await validateXhd(xml);
    expect(result).toMatchObject({ valid: true, issues: [] });
    expect(result.message?.nachricht).toBe('Fehlerinformation');
    expect(result.profile).toBeUndefined();
  });

  it('keeps parseXhd and parseFehlerinformation to their message', () => {
    const { xml } = buildFehlerinformation(input);
    expect(codeOf(() => parseXhd(xml))).toBe('XHD_UNKNOWN_ROOT');
    expect(codeOf(() => parseFehlerinformation(buildXhd(bestellung).xml))).toBe('XHD_UNKNOWN_ROOT');
    expect(parseXhdMessage(buildXhd(bestellung).xml).nachricht).toBe('BestellungDokument');
  });

  it('refuses bad error numbers and empty descriptions in the builder', () => {
    expect(codeOf(() => buildFehlerinformation({ ...input, fehlernummer: 1_000_000 }))).toBe(
      'XHD_BUILD_INVALID',
    );
    expect(codeOf(() => buildFehlerinformation({ ...input, fehlernummer: 1.5 }))).toBe('XHD_BUILD_INVALID');
    expect(codeOf(() => buildFehlerinformation({ ...input, fehlerbeschreibung: ' ' }))).toBe(
      'XHD_BUILD_INVALID',
    );
  });

  it('reports a 7-digit error number and a version mismatch in received XML', async () => {
    const { xml } = buildFehlerinformation(input);
    const bad = xml
      .replace('<xhd:Fehlernummer>4711</xhd:Fehlernummer>', '<xhd:Fehlernummer>1234567</xhd:Fehlernummer>')
      .replace('<xhd:Version_XhD>1.7</xhd:Version_XhD>', '<xhd:Version_XhD>1.6</xhd:Version_XhD>');
    const result = await validateXhd(bad);
    expect(result.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['VERSION_MISMATCH', '/xhd:Fehlerinformation/xhd:Nachrichtenkopf/xhd:Version_XhD'],
      [
        'ERROR_NUMBER_INVALID',
        '/xhd:Fehlerinformation/xhd:Nutzdaten/xhd:Fehlerbeschreibung/xhd:Fehlernummer',
      ],
    ]);
    expect(result.issues[1]?.message.de).toBe(
      'Die Fehlernummer 1234567 ist keine Zahl mit höchstens 6 Ziffern.',
    );
    const broken = xml.replace('<xhd:Fehlernummer>4711</xhd:Fehlernummer>', '');
    expect((await validateXhd(broken)).issues[0]?.code).toBe('SCHEMA_VIOLATION');
  });

  it('answers an invalid order: header from the order, issues as description', async () => {
    const { xml } = buildXhd(bestellung);
    const received = xml.replace(
      '<xhd:Qualitaetswert>64</xhd:Qualitaetswert>',
      '<xhd:Qualitaetswert>5</xhd:Qualitaetswert>',
    );
    const result = await validateXhd(received);
    const reply = replyFehlerinformation(received, result, {
      kopf: {
        nachrichtenId: 'F-2',
        senderkennung: 'dbs:490030010000',
        verfahrenskennung: 'Produktion-Demo 1.0',
        erstellungszeitpunkt: '2026-11-25T09:32:00Z',
      },
      fehlernummer: 100,
    });
    expect(reply.message.kopf).toMatchObject({
      bestellnummer: 'B-1',
      empfaengerkennung: 'psb:04011300_00',
      produktart: 'RP',
    });
    expect(reply.message.fehlerbeschreibung.fehlerbeschreibung).toBe(
      'FINGERPRINT_QUALITY_TOO_LOW /xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[1]/xhd:BiometrischeMerkmale/xhd:Biometrie/xhd:Fingerabdruck[1]/xhd:Qualitaetswert',
    );
    expect(new TextDecoder().decode(reply.message.fehlerhafteNachricht)).toBe(received);
    expect((await validateXhd(reply.xml)).valid).toBe(true);

    // The answer travels back in an XHD_DATA container like any XhD message.
    const back = await fromOsciContentContainer(await toOsciContentContainer(reply));
    expect(back.validation.message).toEqual(reply.message);
  });

  it('answers unreadable input when the header fields are given, and cuts long descriptions', async () => {
    const result = await validateXhd('<nicht wohlgeformt');
    const base = { nachrichtenId: 'F-3', senderkennung: 'dbs:490030010000', verfahrenskennung: 'P 1.0' };
    expect(
      codeOf(() => replyFehlerinformation('<nicht wohlgeformt', result, { kopf: base, fehlernummer: 1 })),
    ).toBe('XHD_BUILD_INVALID');
    const reply = replyFehlerinformation('<nicht wohlgeformt', result, {
      kopf: { ...base, bestellnummer: 'unbekannt', empfaengerkennung: 'psb:04011300_00', produktart: 'RP' },
      fehlernummer: 1,
    });
    expect(reply.message.fehlerbeschreibung.fehlerbeschreibung).toBe('XML_MALFORMED /');
    const many = {
      ...result,
      issues: Array.from({ length: 30 }, () => result.issues[0]).filter((i) => i !== undefined),
    };
    const long = replyFehlerinformation('x', many, {
      kopf: { ...base, bestellnummer: 'u', empfaengerkennung: 'psb:04011300_00', produktart: 'RP' },
      fehlernummer: 1,
    });
    expect(long.message.fehlerbeschreibung.fehlerbeschreibung).toHaveLength(255);
    expect((await validateXhd(long.xml)).valid).toBe(true);
    const valid = await validateXhd(buildXhd(bestellung).xml);
    expect(codeOf(() => replyFehlerinformation('x', valid, { kopf: base, fehlernummer: 1 }))).toBe(
      'XHD_BUILD_INVALID',
    );
  });
});
