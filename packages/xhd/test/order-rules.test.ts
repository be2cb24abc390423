// Order rules of TR-03123-2 § 4.1: field lengths (Tables 8–14), Staatsangehörigkeit (Table 6) and the opt-in
// WohnortID rule for PA / eID-UB (Table 6 note 7).
import { describe, expect, it } from 'vitest';
import {
  type BestellungInput,
  buildXhd,
  checkRules,
  DEFAULT_PROFILES,
  parseXhd,
  validateXhd,
  type XhdProfile,
} from '../src/index.js';
import { ausweisBestellung, bestellung, passAntrag } from './helpers.js';

const ANTRAG = '/xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[1]';
const PERSON = `${ANTRAG}/xhd:Personendaten/xhd:NatuerlichePerson`;

const pin = {
  lieferadresse: ['Olena Kowalenko', 'Heidestraße 17', '51147 Köln'],
  ruecksendeadresse: 'Stadt Köln',
} as const;

/** What an AT and an RA application share: the applicant of `passAntrag`, a serial number and a validity. */
const auslaenderAntrag = (staatsangehoerigkeit?: string) => ({
  antragsId: 'A1',
  person: {
    ...passAntrag.person,
    ...(staatsangehoerigkeit === undefined ? {} : { staatsangehoerigkeit }),
  },
  dokument: { ...passAntrag.dokument, seriennummer: 'Y01X00T472', gueltigBis: '2029-11-24' },
  biometrie: passAntrag.biometrie,
});
const auslaenderKopf = { ...bestellung.kopf, senderkennung: 'azr:022100' };

const aufenthaltstitel = (staatsangehoerigkeit?: string): BestellungInput => ({
  ...bestellung,
  produktart: 'AT',
  kopf: auslaenderKopf,
  antraege: [
    {
      ...auslaenderAntrag(staatsangehoerigkeit),
      pin,
      wohnortId: '053150000000',
      aufenthaltstitel: { art: 'AE', anmerkungenRechtsgrundlagenUndPassdokument: ['§ 18b AufenthG'] },
    },
  ],
});

const reiseausweis = (staatsangehoerigkeit?: string): BestellungInput => ({
  ...bestellung,
  produktart: 'RA',
  kopf: auslaenderKopf,
  antraege: [{ ...auslaenderAntrag(staatsangehoerigkeit), reiseausweisArt: 'RA' }],
});

const eidKarte = (staatsangehoerigkeit?: string, staat = 'D<<', wohnortId?: string): BestellungInput => ({
  ...bestellung,
  produktart: 'UB',
  kopf: { ...bestellung.kopf, senderkennung: 'eid:04011300_00' },
  antraege: [
    {
      antragsId: 'A1',
      person: {
        ...passAntrag.person,
        anschrift: { ...passAntrag.person.anschrift, staat },
        ...(staatsangehoerigkeit === undefined ? {} : { staatsangehoerigkeit }),
      },
      dokument: { ...passAntrag.dokument, seriennummer: 'Y01X00T472' },
      pin,
      ...(wohnortId === undefined ? {} : { wohnortId }),
    },
  ],
});

const findings = async (input: BestellungInput, profiles?: readonly XhdProfile[]) =>
  (await validateXhd(buildXhd(input).xml, profiles === undefined ? {} : { profiles })).issues.map((i) => [
    i.code,
    i.path,
  ]);

describe('Staatsangehoerigkeit (TR-03123-2 Table 6: required for RA, AT, eID-UB)', () => {
  it.each([
    ['AT', aufenthaltstitel],
    ['RA', reiseausweis],
    ['UB', (s?: string) => eidKarte(s, 'D<<', '053150000000')],
  ] as const)('%s: reported when missing, accepted when given', async (produktart, make) => {
    const result = await validateXhd(buildXhd(make()).xml);
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([
      ['STAATSANGEHOERIGKEIT_MISSING', `${PERSON}/xhd:Staatsangehoerigkeit`],
    ]);
    expect(result.issues[0]?.message.de).toBe(
      `Die Staatsangehörigkeit fehlt; sie ist für Produktart ${produktart} Pflicht.`,
    );
    expect(result.issues[0]?.message.en).toContain(`required for product type ${produktart}`);
    expect(await findings(make('ITA'))).toEqual([]);
  });

  it('is optional for RP and PA', async () => {
    expect(await findings(bestellung)).toEqual([]);
    expect(await findings(ausweisBestellung)).toEqual([]);
  });
});

describe('field lengths of the order (TR-03123-2 Tables 8–14, rule field-lengths)', () => {
  const pa = (familienname: string): BestellungInput => {
    const base = ausweisBestellung as Extract<BestellungInput, { produktart: 'PA' }>;
    const [first] = base.antraege;
    return { ...base, antraege: [{ ...first, person: { ...first.person, familienname } }] };
  };

  it('limits per document type: Familienname 120 on the ID card, 186 on the passport', async () => {
    expect(await findings(pa('M'.repeat(120)))).toEqual([]);
    const result = await validateXhd(buildXhd(pa('M'.repeat(121))).xml);
    expect(result.issues.map((i) => [i.code, i.path, i.params])).toEqual([
      [
        'TEXT_TOO_LONG',
        `${PERSON}/xhd:NameNatuerlichePerson/xhd:Familienname/xhd:Name`,
        { field: 'Familienname', length: 121, max: 120 },
      ],
    ]);
    expect(result.issues[0]?.message.de).toBe('Familienname hat 121 Zeichen, erlaubt sind höchstens 120.');
    expect(result.issues[0]?.message.en).toBe('Familienname has 121 characters, at most 120 are allowed.');
    const rp: BestellungInput = {
      ...bestellung,
      antraege: [{ ...passAntrag, person: { ...passAntrag.person, familienname: 'M'.repeat(186) } }],
    };
    expect(await findings(rp)).toEqual([]);
  });

  it('counts characters, not bytes or UTF-16 units', async () => {
    // 120 characters with umlauts (2 bytes each in UTF-8) are within the limit.
    expect(await findings(pa('Ä'.repeat(120)))).toEqual([]);
  });

  it('checks Behoerdenname, Geburtsort, Dienstinfo and the certified components', async () => {
    const at = aufenthaltstitel('UKR') as Extract<BestellungInput, { produktart: 'AT' }>;
    const a = at.antraege[0];
    if (a === undefined) throw new Error('no application');
    const long: BestellungInput = {
      ...at,
      antraege: [
        {
          ...a,
          person: { ...a.person, geburtsort: 'B'.repeat(59) },
          dokument: { ...a.dokument, behoerde: { kurzbezeichnung: 'K'.repeat(91), name: 'N'.repeat(72) } },
        },
      ],
      zertifizierteKomponenten: [
        { komponentenName: 'X'.repeat(41), versionsinformation: '1', zertifizierungsId: 'Z' },
      ],
    };
    // AT (Table 12) has no length for KomponentenName: only PA and RP (Tables 8 and 10) do.
    expect(await findings(long)).toEqual([
      ['TEXT_TOO_LONG', `${ANTRAG}/xhd:Personendaten/xhd:Geburt/xhd:Geburtsort`],
      ['TEXT_TOO_LONG', `${ANTRAG}/xhd:Dokumentendaten/xhd:Behoerdenname/xhd:Name`],
      ['TEXT_TOO_LONG', `${ANTRAG}/xhd:Dokumentendaten/xhd:Behoerdenname/xhd:Kurzbezeichnung`],
    ]);
    const pd: BestellungInput = {
      ...bestellung,
      antraege: [
        {
          ...passAntrag,
          passart: 'PD',
          dienstinfo: {
            dienstbezeichnung: 'Botschaftsrat',
            dienstort: 'Paris',
            passaktennummer: 'P'.repeat(36),
          },
        },
      ],
      zertifizierteKomponenten: [
        { komponentenName: 'X'.repeat(41), versionsinformation: '1', zertifizierungsId: 'Z' },
      ],
    };
    expect(await findings(pd)).toEqual([
      ['TEXT_TOO_LONG', `${ANTRAG}/xhd:Dienstinfo/xhd:Passaktennummer`],
      [
        'TEXT_TOO_LONG',
        '/xhd:BestellungDokument/xhd:Nutzdaten/xhd:Zertifizierungsinformationen/xhd:Komponente[1]/xhd:KomponentenName',
      ],
    ]);
  });

  it('takes its limits from the profile (data, not code)', () => {
    const message = parseXhd(buildXhd(bestellung).xml);
    if (message.nachricht !== 'BestellungDokument') throw new Error('not an order');
    const base = DEFAULT_PROFILES.find((p) => p.id === 'RP');
    if (base === undefined) throw new Error('no RP profile');
    const strict: XhdProfile = { ...base, limits: { ...base.limits, orderFieldLengths: { Vorname: 4 } } };
    expect(checkRules(message, strict).map((i) => [i.code, i.params])).toEqual([
      ['TEXT_TOO_LONG', { field: 'Vorname', length: 5, max: 4 }],
    ]);
    const none: XhdProfile = { ...strict, rules: strict.rules.filter((r) => r !== 'field-lengths') };
    expect(checkRules(message, none)).toEqual([]);
  });
});

describe('WohnortID for PA / eID-UB with a residence in Germany (rule wohnort-id-inland)', () => {
  it('reports a missing WohnortID when Anschrift.Staat is D<< (Germany)', async () => {
    const pa = ausweisBestellung as Extract<BestellungInput, { produktart: 'PA' }>;
    const [first] = pa.antraege;
    const { wohnortId: _drop, ...withoutId } = first;
    const result = await validateXhd(buildXhd({ ...pa, antraege: [withoutId] }).xml);
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([
      ['WOHNORT_ID_MISSING', `${ANTRAG}/xhd:ElektronischeID`],
    ]);
    expect(result.issues[0]?.message.de).toContain('WohnortID fehlt');
    expect(result.issues[0]?.message.en).toContain('WohnortID is missing');
    expect(await findings(eidKarte('ITA', 'D<<'))).toEqual([
      ['WOHNORT_ID_MISSING', `${ANTRAG}/xhd:ElektronischeID`],
    ]);
    expect(await findings(eidKarte('ITA', 'D<<', '053150000000'))).toEqual([]);
  });

  it('asks for it for an address without Staat (mandatory abroad), not for one abroad', async () => {
    expect(await findings(eidKarte('ITA', 'ITA'))).toEqual([]);
    const pa = ausweisBestellung as Extract<BestellungInput, { produktart: 'PA' }>;
    const [first] = pa.antraege;
    const { wohnortId: _drop, ...withoutId } = first;
    const { staat: _staat, ...anschrift } = first.person.anschrift;
    const person = { ...first.person, anschrift };
    expect(await findings({ ...pa, antraege: [{ ...withoutId, person }] })).toEqual([
      ['WOHNORT_ID_MISSING', `${ANTRAG}/xhd:ElektronischeID`],
    ]);
    expect(await findings({ ...pa, antraege: [{ ...first, person }] })).toEqual([]);
  });

  it('can be switched off per profile', async () => {
    const off = DEFAULT_PROFILES.map((p) => ({
      ...p,
      rules: p.rules.filter((r) => r !== 'wohnort-id-inland'),
    }));
    expect(await findings(eidKarte('ITA', 'D<<'), off)).toEqual([]);
  });
});
