import { describe, expect, it } from 'vitest';
import {
  type BestellungInput,
  buildXhd,
  lieferinformationFor,
  parseXhd,
  serializeXhd,
  validateXhd,
  XhdError,
} from '../src/index.js';
import { ausweisBestellung, bestellung, passAntrag } from './helpers.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof XhdError) return error.code;
    throw error;
  }
  return undefined;
}

const pin = {
  lieferadresse: ['Olena Kowalenko', 'Heidestraße 17', '51147 Köln'],
  ruecksendeadresse: 'Stadt Köln',
} as const;

const aufenthaltstitel: BestellungInput = {
  ...bestellung,
  produktart: 'AT',
  kopf: { ...bestellung.kopf, senderkennung: 'azr:022100' },
  antraege: [
    {
      antragsId: 'A1',
      person: { ...passAntrag.person, staatsangehoerigkeit: 'UKR' },
      dokument: { ...passAntrag.dokument, seriennummer: 'Y01X00T472', gueltigBis: '2029-11-24' },
      biometrie: passAntrag.biometrie,
      pin,
      wohnortId: '053150000000',
      aufenthaltstitel: {
        art: 'BK',
        nebenbestimmungen1: 'x'.repeat(700),
        anmerkungenRechtsgrundlagenUndPassdokument: ['§ 18g AufenthG'],
        anmerkungenErwerbstaetigkeit: ['Beschäftigung nur als Ingenieurin'],
      },
    },
  ],
};

const reiseausweis: BestellungInput = {
  ...bestellung,
  produktart: 'RA',
  kopf: { ...bestellung.kopf, senderkennung: 'azr:022100' },
  antraege: [
    {
      antragsId: 'A1',
      // Staatsangehörigkeit is required for RA (TR-03123-2 Table 6); XXA = stateless (ICAO Doc 9303).
      person: { ...passAntrag.person, staatsangehoerigkeit: 'XXA' },
      dokument: { ...passAntrag.dokument, seriennummer: 'Y01X00T472', gueltigBis: '2029-11-24' },
      biometrie: passAntrag.biometrie,
      reiseausweisArt: 'RF',
      optionaleEintragungen: { land: ['SYR', 'IRN'], optionaltext: ['Fluechtling', 'Asylberechtigt'] },
    },
  ],
};

const eidKarte: BestellungInput = {
  ...bestellung,
  produktart: 'UB',
  kopf: { ...bestellung.kopf, senderkennung: 'eid:04011300_00' },
  antraege: [
    {
      antragsId: 'A1',
      person: { ...passAntrag.person, staatsangehoerigkeit: 'ITA' },
      dokument: { ...passAntrag.dokument, seriennummer: 'Y01X00T472' },
      pin,
      wohnortId: '053150000000',
    },
  ],
};

describe('residence permit, travel document and eID card orders (TR-03123-3 § 3.1.9–3.1.14)', () => {
  it.each([
    ['AT', aufenthaltstitel, 'AntragsdatensatzAufenthaltstitelType', 'Aufenthaltstitel'],
    ['RA', reiseausweis, 'AntragsdatensatzReiseausweisType', 'Reiseausweis'],
    ['UB', eidKarte, 'AntragsdatensatzEIDKarteUBType', 'EIDKarteUB'],
  ] as const)(
    '%s: builds, validates and round-trips byte for byte',
    async (produktart, input, xsiType, typ) => {
      const { xml, message } = buildXhd(input);
      expect(xml).toContain(`<xhd:Antrag xsi:type="xhd:${xsiType}">`);
      expect(message.antraege[0]?.typ).toBe(typ);
      expect(parseXhd(xml)).toEqual(message);
      expect(serializeXhd(parseXhd(xml))).toBe(xml);
      expect(await validateXhd(xml)).toMatchObject({ valid: true, issues: [], profile: produktart });
    },
  );

  it('writes the eAT data and the eID part in TR order', () => {
    const { xml, message } = buildXhd(aufenthaltstitel);
    const antrag = message.antraege[0];
    expect(antrag?.typ === 'Aufenthaltstitel' && antrag.aufenthaltstiteldaten).toMatchObject({
      aufenthaltstitelart: 'BK',
      anmerkungenRechtsgrundlagenUndPassdokument: [
        { nummer: 1, content: '§ 18g AufenthG', typ: 'AnmerkungenRechtsgrundlagenUndPassdokument' },
      ],
    });
    expect(xml.indexOf('<xhd:NutzungElektronischeID>true<')).toBeLessThan(xml.indexOf('<xhd:PINDaten>'));
    expect(xml.indexOf('</xhd:ElektronischeID>')).toBeLessThan(xml.indexOf('<xhd:Aufenthaltstiteldaten>'));
    // No Vornamensblock line on the eAT (TR-03123-2 Table 7).
    expect(antrag?.personendaten.druckrepraesentation.map((z) => z.typ)).not.toContain('Vornamensblock');
  });

  it('switches the eID function off for an ID card applicant under 16 unless told otherwise', async () => {
    const child = (nutzungElektronischeId?: boolean): BestellungInput => {
      const [antrag] = ausweisBestellung.antraege;
      return {
        ...ausweisBestellung,
        produktart: 'PA',
        antraege: [
          {
            ...(antrag as Extract<BestellungInput, { produktart: 'PA' }>['antraege'][0]),
            person: { ...passAntrag.person, geburtsdatum: '2014-03-01' },
            dokument: { ...passAntrag.dokument, seriennummer: 'L01X00T471', gueltigBis: '2032-11-24' },
            ...(nutzungElektronischeId === undefined ? {} : { nutzungElektronischeId }),
          },
        ],
      };
    };
    const built = buildXhd(child());
    expect(built.message.antraege[0]).toMatchObject({ nutzungElektronischeId: false });
    expect((await validateXhd(built.xml)).valid).toBe(true);
    const forced = await validateXhd(buildXhd(child(true)).xml);
    expect(forced.issues.map((i) => [i.code, i.path, i.message.en])).toEqual([
      [
        'EID_UNDER_AGE',
        '/xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[1]/xhd:ElektronischeID/xhd:NutzungElektronischeID',
        'NutzungElektronischeID is true, but the applicant is only 12 (minimum age 16).',
      ],
    ]);
    expect(buildXhd(ausweisBestellung).message.antraege[0]).toMatchObject({ nutzungElektronischeId: true });
  });

  it('refuses an ID card order without NutzungElektronischeID (required since XhD 1.5)', async () => {
    const { xml } = buildXhd(ausweisBestellung);
    const old = xml.replace(/\s*<xhd:NutzungElektronischeID>true<\/xhd:NutzungElektronischeID>/, '');
    expect(codeOf(() => parseXhd(old))).toBe('XHD_ELEMENT_MISSING');
    expect((await validateXhd(old)).issues[0]?.code).toBe('SCHEMA_VIOLATION');
  });

  it('refuses an application that does not fit the Produktart', () => {
    const mixed = { ...aufenthaltstitel, antraege: [passAntrag] } as unknown as BestellungInput;
    expect(codeOf(() => buildXhd(mixed))).toBe('XHD_BUILD_INVALID');
    const noTitle = {
      ...aufenthaltstitel,
      antraege: [{ ...eidKarte.antraege[0], biometrie: passAntrag.biometrie }],
    } as unknown as BestellungInput;
    expect(codeOf(() => buildXhd(noTitle))).toBe('XHD_BUILD_INVALID');
  });

  it('checks travel document entries and the residence permit WohnortID', async () => {
    const { xml } = buildXhd({
      ...reiseausweis,
      antraege: [
        {
          ...(reiseausweis.antraege[0] as Extract<BestellungInput, { produktart: 'RA' }>['antraege'][0]),
          optionaleEintragungen: { gueltigFuerAlle: true, landAusnahme: ['SYR'] },
        },
      ],
    });
    const path =
      '/xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[1]/xhd:optionaleEintragungen/xhd:laenderangaben';
    expect((await validateXhd(xml)).issues.map((i) => [i.code, i.path])).toEqual([
      ['TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED', `${path}/xhd:gueltigfueralle`],
      ['TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED', `${path}/xhd:land_ausnahme[1]`],
    ]);
    // land and land_ausnahme exclude each other (assumed choice in the bundled XSD).
    const both = xml.replace(
      '<xhd:gueltigfueralle>',
      '<xhd:land>FRA</xhd:land>\n          <xhd:gueltigfueralle>',
    );
    expect((await validateXhd(both)).issues[0]?.code).toBe('SCHEMA_VIOLATION');
  });

  it('delivers residence permits with Sperrkennwort and a Quittierung by default', async () => {
    const order = buildXhd(aufenthaltstitel).message;
    const liefer = lieferinformationFor(order, {
      nachrichtenId: 'LI-AT',
      verfahrenskennung: 'P',
      dokumente: { A1: { sperrkennwort: 'ROT-BAUM-3', sperrsumme: '11AF' } },
    });
    expect(liefer.message.lieferinformationen[0]?.quittierungErforderlich).toBe(true);
    expect(await validateXhd(liefer.xml)).toMatchObject({ valid: true, profile: 'AT' });
  });
});
