// The fixture corpus of @egovkit/xhd, as data: valid orders per document type and an invalid corpus with one
// defect per file. scripts/generate-fixtures.ts writes it to fixtures/; test/fixtures.test.ts checks that the
// files on disk are exactly what this module produces and that each gets its expected verdict.
// All photos and fingerprints are synthetic (real headers, filler data): no real person.
import {
  type AufenthaltstitelAntragInput,
  auftragsinformationFor,
  type BestellungInput,
  buildBestellungSeriennummern,
  buildFehlerinformation,
  buildReklamationsinformation,
  buildXhd,
  type EidKarteUBAntragInput,
  icaoCheckDigit,
  lieferinformationFor,
  type PassAntragInput,
  type PersonalausweisAntragInput,
  quittierungFor,
  type ReiseausweisAntragInput,
  syntheticJpeg,
  syntheticWsq,
  type XhdIssueCode,
} from '../src/index.js';

export interface ValidFixture {
  readonly file: string;
  readonly description: string;
  readonly xml: string;
}

export interface InvalidFixture extends ValidFixture {
  /** The issue codes validateXhd reports for this file, sorted and without duplicates. */
  readonly expected: readonly XhdIssueCode[];
}

const kopf = (nummer: string, senderkennung: string) => ({
  nachrichtenId: `N-FIX-${nummer}`,
  bestellnummer: `B-FIX-${nummer}`,
  senderkennung,
  empfaengerkennung: 'dbs:490030010000',
  verfahrenskennung: 'egovkit fixtures 1.0',
  erstellungszeitpunkt: '2026-11-25T09:30:00Z',
});

/** Biometrics: realistic sizes for the valid corpus, small ones for the invalid corpus (one defect matters). */
function biometrie(photoBytes: number, fingerprintBytes: number, seed: number) {
  return {
    antragszeitpunkt: '2026-11-25T09:12:00Z',
    qsSoftwareVersion: 'QS-Demo 3.1.0',
    sollwerteVersion: 'Sollwerte 2024-1',
    lichtbild: { daten: syntheticJpeg({ width: 827, height: 1063, bytes: photoBytes }), qualitaetswert: 80 },
    fingerabdruecke: [
      {
        fingerposition: 2,
        daten: syntheticWsq({ width: 400, height: 500, bytes: fingerprintBytes, seed: seed + 2 }),
        qualitaetswert: 64,
      },
      {
        fingerposition: 7,
        daten: syntheticWsq({ width: 400, height: 500, bytes: fingerprintBytes, seed: seed + 7 }),
        qualitaetswert: 58,
      },
    ],
  } as const;
}

const person = {
  familienname: 'Mustermann',
  vornamen: 'Erika',
  geburtsdatum: '1984-08-12',
  geburtsort: 'Berlin',
  anschrift: { strasseUndHausnummer: 'Heidestraße 17', postleitzahl: '51147', ort: 'Köln', staat: 'D<<' },
  geschlecht: '002',
  groesse: 160,
} as const;

const dokument = (seriennummer: string) => ({
  seriennummer,
  gueltigVon: '2026-11-25',
  gueltigBis: '2036-11-24',
  behoerde: { kurzbezeichnung: 'Stadt Köln', name: 'Stadt Köln – Bürgeramt' },
});

const adressen = {
  rechnungsadresse: { zeilen: ['Stadt Köln', 'Bürgeramt', '50667 Köln'] },
  lieferadresse: { zeilen: ['Stadt Köln', 'Bürgeramt', '50667 Köln'] },
  zertifizierteKomponenten: [
    {
      komponentenName: 'Fingerabdruckleser Demo',
      versionsinformation: '2.0',
      zertifizierungsId: 'BSI-K-TR-0000-2026',
    },
  ],
} as const;

const dienstinfo = {
  dienstbezeichnung: 'Botschaftsrat',
  dienstort: 'Paris',
  passaktennummer: 'PA-2026-0001',
};

function passOrder(passart: 'P' | 'PD' | 'PO', small: boolean): BestellungInput {
  const base = {
    antragsId: 'A1',
    person,
    dokument: dokument('C01X00T478'),
    biometrie: small ? biometrie(3_000, 2_000, 10) : biometrie(20_000, 12_000, 10),
  };
  const antrag: PassAntragInput =
    passart === 'P' ? { ...base, passart } : { ...base, passart, dienstinfo, extraSeiten: true };
  return {
    produktart: 'RP',
    kopf: kopf(`RP-${passart}`, 'psb:04011300_00'),
    antraege: [antrag],
    ...adressen,
  };
}

function ausweisOrder(small: boolean): BestellungInput {
  const antrag: PersonalausweisAntragInput = {
    antragsId: 'A1',
    person,
    dokument: dokument('L01X00T471'),
    biometrie: small ? biometrie(3_000, 2_000, 20) : biometrie(20_000, 12_000, 20),
    pin: {
      lieferadresse: ['Erika Mustermann', 'Heidestraße 17', '51147 Köln'],
      ruecksendeadresse: 'Stadt Köln, Bürgeramt, 50667 Köln',
      versand: true,
    },
    // Residence in Germany (Anschrift.Staat D<<): WohnortID required (TR-03123-2 Table 6 note 7).
    wohnortId: '053150000000',
  };
  return { produktart: 'PA', kopf: kopf('PA', 'pab:04011300_00'), antraege: [antrag], ...adressen };
}

/** A 10-character serial number: 9 characters and their ICAO check digit. */
const serial = (nine: string) => `${nine}${icaoCheckDigit(nine)}`;

const pinDaten = {
  lieferadresse: ['Erika Mustermann', 'Heidestraße 17', '51147 Köln'],
  ruecksendeadresse: 'Stadt Köln, Bürgeramt, 50667 Köln',
  versand: true,
} as const;

/** Electronic residence permit (eAT) from an Ausländerbehörde (DVDV `azr:` + AZR key). */
function aufenthaltstitelOrder(small: boolean): BestellungInput {
  const antrag: AufenthaltstitelAntragInput = {
    antragsId: 'A1',
    person: {
      ...person,
      familienname: 'Kowalenko',
      vornamen: 'Olena',
      staatsangehoerigkeit: 'UKR',
      augenfarbe: 'braun',
    },
    dokument: { ...dokument(serial('Y01X00T47')), gueltigBis: '2029-11-24' },
    biometrie: small ? biometrie(3_000, 2_000, 50) : biometrie(20_000, 12_000, 50),
    pin: pinDaten,
    wohnortId: '053150000000',
    aufenthaltstitel: {
      art: 'AE',
      nebenbestimmungen1: 'Erwerbstätigkeit erlaubt.',
      anmerkungenRechtsgrundlagenUndPassdokument: ['§ 18b Abs. 1 AufenthG', 'Pass: UKR FX123456'],
    },
  };
  return { produktart: 'AT', kopf: kopf('AT', 'azr:022100'), antraege: [antrag], ...adressen };
}

/** Reiseausweis für Ausländer (RA), valid for all states but one. */
function reiseausweisOrder(small: boolean): BestellungInput {
  const antrag: ReiseausweisAntragInput = {
    antragsId: 'A1',
    person: {
      ...person,
      familienname: 'Haddad',
      vornamen: 'Samir',
      staatsangehoerigkeit: 'XXA',
      geschlecht: '002',
    },
    dokument: { ...dokument(serial('Y01X00T48')), gueltigBis: '2029-11-24' },
    biometrie: small ? biometrie(3_000, 2_000, 60) : biometrie(20_000, 12_000, 60),
    reiseausweisArt: 'RA',
    selbsterklaerung: true,
    optionaleEintragungen: {
      gueltigFuerAlle: true,
      landAusnahme: ['SYR'],
      unterlagen: ['Antrag vom 25.11.2026'],
      optionaltext: ['Nationalpass'],
    },
  };
  return { produktart: 'RA', kopf: kopf('RA', 'azr:022100'), antraege: [antrag], ...adressen };
}

/** eID card for EU citizens (UB): no biometrics. */
function eidKarteOrder(): BestellungInput {
  const antrag: EidKarteUBAntragInput = {
    antragsId: 'A1',
    person: { ...person, familienname: 'Rossi', vornamen: 'Giulia', staatsangehoerigkeit: 'ITA' },
    dokument: dokument(serial('Y01X00T49')),
    pin: pinDaten,
    wohnortId: '053150000000',
  };
  return { produktart: 'UB', kopf: kopf('UB', 'eid:04011300_00'), antraege: [antrag], ...adressen };
}

/** ID card for a 12-year-old: 6 years' validity, eID function off (default of the builder). */
function kinderausweisOrder(): BestellungInput {
  const antrag: PersonalausweisAntragInput = {
    antragsId: 'A1',
    person: { ...person, vornamen: 'Mia', geburtsdatum: '2014-03-01', groesse: 150 },
    dokument: { ...dokument('L01X00T471'), gueltigBis: '2032-11-24' },
    biometrie: biometrie(3_000, 2_000, 70),
    pin: pinDaten,
    wohnortId: '053150000000',
  };
  return { produktart: 'PA', kopf: kopf('PA-K', 'pab:04011300_00'), antraege: [antrag], ...adressen };
}

/** Two passport applications in one order (the TR allows up to 150). */
function sammelOrder(): BestellungInput {
  const first: PassAntragInput = {
    antragsId: 'A1',
    passart: 'P',
    person,
    dokument: dokument('C01X00T478'),
    biometrie: biometrie(20_000, 12_000, 30),
  };
  const second: PassAntragInput = {
    antragsId: 'A2',
    passart: 'P',
    person: { ...person, vornamen: 'Max', geschlecht: '001', groesse: 182, geburtsdatum: '1979-03-01' },
    dokument: dokument('C01X00T489'),
    biometrie: biometrie(20_000, 12_000, 40),
  };
  return { produktart: 'RP', kopf: kopf('RP-2', 'psb:04011300_00'), antraege: [first, second], ...adressen };
}

/** The producer's answer to an order that was cut off (TR-03123-3 § 2.9): the received bytes travel back. */
function fehlerinformation(): string {
  const received = buildXhd(passOrder('P', true)).xml;
  return buildFehlerinformation({
    kopf: {
      ...kopf('FI', 'dbs:490030010000'),
      bestellnummer: 'B-FIX-RP-P',
      empfaengerkennung: 'psb:04011300_00',
      verfahrenskennung: 'egovkit fixtures producer 1.0',
      produktart: 'RP',
    },
    fehlerhafteNachricht: received.slice(0, received.indexOf('<xhd:Nutzdaten>')),
    fehlernummer: 1001,
    fehlerbeschreibung: 'Nachricht nicht wohlgeformt (Dokument endet vor xhd:Nutzdaten).',
  }).xml;
}

// ---- The messages around the order: the producer's answers and the authority's Quittierung ----

const HERSTELLER = 'dbs:490030010000';
const producer = (nachrichtenId: string, erstellungszeitpunkt: string) => ({
  nachrichtenId,
  verfahrenskennung: 'egovkit fixtures producer 1.0',
  erstellungszeitpunkt,
});

/** Auftragsinformation to the two-application order: A1 confirmed, A2 refused. */
function auftragsinformation(): string {
  return auftragsinformationFor(buildXhd(sammelOrder()).message, {
    ...producer('N-FIX-AI', '2026-11-25T10:00:00Z'),
    fehler: {
      A2: [{ fehlernummer: 2001, fehlerbeschreibung: 'Lichtbild nicht verwertbar (Kontrast)' }],
    },
  }).xml;
}

/** Lieferinformation for the ID card order: Sperrkennwort, Sperrsumme, Quittierung required. */
function lieferinformationPa(): string {
  return lieferinformationFor(buildXhd(ausweisOrder(false)).message, {
    ...producer('N-FIX-LI-PA', '2026-12-01T08:00:00Z'),
    dokumente: { A1: { sperrkennwort: 'KLAR-WASSER-17', sperrsumme: '4F2A19C0' } },
  }).xml;
}

function quittierung(): string {
  return quittierungFor(lieferinformationPa(), {
    nachrichtenId: 'N-FIX-Q',
    verfahrenskennung: 'egovkit fixtures 1.0',
    erstellungszeitpunkt: '2026-12-01T09:00:00Z',
  }).xml;
}

function bestellungSeriennummern(): string {
  return buildBestellungSeriennummern({
    kopf: { ...kopf('BS', 'psb:04011300_00'), empfaengerkennung: HERSTELLER, produktart: 'RP' },
    bkz: 'C01X',
    anzahl: 10,
  }).xml;
}

function lieferinformationSeriennummern(): string {
  return lieferinformationFor(bestellungSeriennummern(), {
    ...producer('N-FIX-LI-S', '2026-11-26T08:00:00Z'),
    seriennummern: {
      antragsId: 'S1',
      liste: ['00T40', '00T41', '00T42', '00T43', '00T44', '00T45', '00T46', '00T47', '00T48', '00T49'],
    },
  }).xml;
}

/** A complaint accepted (producer bears the costs, information sheet attached) and one refused. */
function reklamationsinformation(): string {
  return buildReklamationsinformation({
    kopf: {
      ...producer('N-FIX-RK', '2026-12-02T08:00:00Z'),
      bestellnummer: 'B-FIX-RP-2',
      senderkennung: HERSTELLER,
      empfaengerkennung: 'psb:04011300_00',
      produktart: 'RP',
      reklamation: true,
    },
    reklamationsinformationen: [
      {
        antragsId: 'A1',
        status: true,
        ruecksendungAnBehoerde: false,
        kostenUebernahmeHersteller: true,
        infoblatt: new TextEncoder().encode('%PDF-1.7\n% egovkit fixture: Infoblatt\n%%EOF\n'),
      },
      {
        antragsId: 'A2',
        status: false,
        fehlerbeschreibungen: [
          { fehlernummer: 3004, fehlerbeschreibung: 'Schaden durch unsachgemäße Nutzung' },
        ],
      },
    ],
  }).xml;
}

export function validFixtures(): ValidFixture[] {
  return [
    {
      file: 'rp-reisepass.xml',
      description: 'Reisepass (P), one application',
      xml: buildXhd(passOrder('P', false)).xml,
    },
    {
      file: 'rp-dienstpass.xml',
      description: 'Dienstpass (PD) with Dienstinfo and extra pages',
      xml: buildXhd(passOrder('PD', false)).xml,
    },
    {
      file: 'rp-diplomatenpass.xml',
      description: 'Diplomatenpass (PO) with Dienstinfo',
      xml: buildXhd(passOrder('PO', false)).xml,
    },
    {
      file: 'rp-sammelbestellung.xml',
      description: 'Reisepass order with two applications',
      xml: buildXhd(sammelOrder()).xml,
    },
    {
      file: 'pa-personalausweis.xml',
      description: 'Personalausweis (PA) with PIN letter data',
      xml: buildXhd(ausweisOrder(false)).xml,
    },
    {
      file: 'at-aufenthaltstitel.xml',
      description: 'elektronischer Aufenthaltstitel (AT), Aufenthaltserlaubnis with WohnortID and remarks',
      xml: buildXhd(aufenthaltstitelOrder(false)).xml,
    },
    {
      file: 'ra-reiseausweis.xml',
      description: 'Reiseausweis für Ausländer (RA) with optional entries',
      xml: buildXhd(reiseausweisOrder(false)).xml,
    },
    {
      file: 'ub-eid-karte.xml',
      description: 'eID-Karte für Unionsbürger (UB), no biometrics',
      xml: buildXhd(eidKarteOrder()).xml,
    },
    {
      file: 'fehlerinformation.xml',
      description: 'Fehlerinformation: the answer to an order that is not well-formed',
      xml: fehlerinformation(),
    },
    {
      file: 'auftragsinformation.xml',
      description: 'Auftragsinformation to rp-sammelbestellung.xml: A1 confirmed, A2 refused',
      xml: auftragsinformation(),
    },
    {
      file: 'lieferinformation-pa.xml',
      description: 'Lieferinformation to pa-personalausweis.xml with Sperrkennwort, Quittierung required',
      xml: lieferinformationPa(),
    },
    {
      file: 'quittierung-pa.xml',
      description: 'Quittierung of lieferinformation-pa.xml by the authority',
      xml: quittierung(),
    },
    {
      file: 'bestellung-seriennummern.xml',
      description: 'BestellungSeriennummern: 10 serial numbers for BKZ C01X',
      xml: bestellungSeriennummern(),
    },
    {
      file: 'lieferinformation-seriennummern.xml',
      description: 'Lieferinformation to bestellung-seriennummern.xml: 10 serial numbers',
      xml: lieferinformationSeriennummern(),
    },
    {
      file: 'reklamationsinformation.xml',
      description: 'Reklamationsinformation: one complaint accepted with Infoblatt, one refused',
      xml: reklamationsinformation(),
    },
  ];
}

/** Replaces exactly one occurrence, so that a defect cannot silently miss its target. */
function once(xml: string, search: string | RegExp, replacement: string): string {
  const matches =
    typeof search === 'string'
      ? xml.split(search).length - 1
      : (xml.match(new RegExp(search, 'g')) ?? []).length;
  if (matches !== 1)
    throw new Error(`fixture defect: ${String(search)} occurs ${matches} times, expected once`);
  return xml.replace(search, replacement);
}

type Defect = readonly [
  file: string,
  description: string,
  base: 'RP' | 'PD' | 'PA' | 'PK' | 'AT' | 'RA' | 'FI' | 'AI' | 'LP' | 'LS' | 'Q' | 'BS' | 'RK',
  mutate: (xml: string) => string,
  expected: readonly XhdIssueCode[],
];

const tag = (name: string, value: string | number) => `<xhd:${name}>${value}</xhd:${name}>`;

const DEFECTS: readonly Defect[] = [
  [
    'xml-malformed.xml',
    'document cut off in the middle',
    'RP',
    (x) => x.slice(0, x.indexOf('<xhd:Nutzdaten>')),
    ['XML_MALFORMED'],
  ],
  [
    'doctype.xml',
    'DOCTYPE with an entity declaration',
    'RP',
    (x) =>
      once(
        x,
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY e "boom">]>',
      ),
    ['DOCTYPE_FORBIDDEN'],
  ],
  [
    'schema-groesse.xml',
    'Groesse 1.60 does not match [0-9]{3}|---',
    'RP',
    (x) => once(x, tag('Groesse', 160), tag('Groesse', '1.60')),
    ['SCHEMA_VIOLATION'],
  ],
  [
    'schema-unknown-element.xml',
    'an element the schema does not know',
    'RP',
    (x) => once(x, tag('Passart', 'P'), `${tag('Passart', 'P')}${tag('Haarfarbe', 'braun')}`),
    ['SCHEMA_VIOLATION'],
  ],
  [
    'birth-after-application.xml',
    'date of birth after the application date',
    'RP',
    (x) => once(x, '1984-08-12', '2027-01-01'),
    ['BIRTH_NOT_BEFORE_APPLICATION'],
  ],
  [
    'application-after-message.xml',
    'application date (GueltigVon) after the day the message was created',
    'RP',
    (x) => once(x, tag('GueltigVon', '2026-11-25'), tag('GueltigVon', '2026-11-26')),
    ['APPLICATION_AFTER_MESSAGE'],
  ],
  [
    'validity-end-before-start.xml',
    'GueltigBis before GueltigVon',
    'RP',
    (x) => once(x, '2036-11-24', '2026-01-01'),
    ['VALIDITY_END_NOT_AFTER_START'],
  ],
  [
    'validity-too-long.xml',
    'validity longer than 10 years',
    'RP',
    (x) => once(x, '2036-11-24', '2038-01-01'),
    ['VALIDITY_TOO_LONG'],
  ],
  [
    'validity-too-long-for-age.xml',
    'applicant aged 21 on the application date with a 10-year validity (6 years allowed under 24)',
    'RP',
    (x) => once(x, '1984-08-12', '2005-08-12'),
    ['VALIDITY_TOO_LONG_FOR_AGE'],
  ],
  [
    'serial-check-digit.xml',
    'serial number with a wrong check digit',
    'RP',
    (x) => once(x, 'C01X00T478', 'C01X00T479'),
    ['SERIAL_CHECK_DIGIT'],
  ],
  [
    'bkz-invalid.xml',
    'Behördenkennzahl with characters outside the alphabet (so the serial number is invalid too)',
    'RP',
    (x) => once(x, 'C01X00T478', 'AB1X00T478'),
    ['BKZ_INVALID', 'SERIAL_NUMBER_INVALID'],
  ],
  [
    'sender-prefix.xml',
    'ID card prefix pab: on a passport order',
    'RP',
    (x) => once(x, 'psb:04011300_00', 'pab:04011300_00'),
    ['SENDER_ID_INVALID'],
  ],
  [
    'version-mismatch.xml',
    'Version_XhD 1.6 in the 1.7 namespace',
    'RP',
    (x) => once(x, tag('Version_XhD', '1.7'), tag('Version_XhD', '1.6')),
    ['VERSION_MISMATCH'],
  ],
  [
    'fingerprint-quality.xml',
    'NFIQ 2 value 5 for an index finger (threshold 30)',
    'RP',
    (x) => once(x, tag('Qualitaetswert', 64), tag('Qualitaetswert', 5)),
    ['FINGERPRINT_QUALITY_TOO_LOW'],
  ],
  [
    'photo-size-mismatch.xml',
    'declared photo size differs from the bytes',
    'RP',
    (x) => once(x, tag('Groesse', 3000), tag('Groesse', 2999)),
    ['BIOMETRIC_SIZE_MISMATCH'],
  ],
  [
    'photo-format-mismatch.xml',
    'photo declared as JPEG2000 but is JPEG',
    'RP',
    (x) => once(x, tag('Format', 'JPEG'), tag('Format', 'JPEG2000')),
    ['BIOMETRIC_FORMAT_MISMATCH'],
  ],
  [
    'photo-dimensions-mismatch.xml',
    'declared photo width differs from the JPEG header',
    'RP',
    (x) => once(x, tag('Breite', 827), tag('Breite', 828)),
    ['PHOTO_DIMENSIONS_MISMATCH'],
  ],
  [
    'dienstinfo-missing.xml',
    'Dienstpass (PD) without Dienstinfo',
    'RP',
    (x) => once(x, tag('Passart', 'P'), tag('Passart', 'PD')),
    ['DIENSTINFO_REQUIRED'],
  ],
  [
    'dienstinfo-not-allowed.xml',
    'ordinary passport (P) with Dienstinfo',
    'PD',
    (x) => once(x, tag('Passart', 'PD'), tag('Passart', 'P')),
    ['DIENSTINFO_NOT_ALLOWED'],
  ],
  [
    'biometrics-missing.xml',
    'no BiometrischeMerkmale',
    'RP',
    (x) => once(x, /<xhd:BiometrischeMerkmale>[\s\S]*<\/xhd:BiometrischeMerkmale>\n/, ''),
    ['BIOMETRICS_MISSING'],
  ],
  [
    'fingerprints-missing.xml',
    'one fingerprint instead of two',
    'RP',
    (x) =>
      once(
        x,
        /<xhd:Fingerabdruck>(?:(?!<\/xhd:Fingerabdruck>)[\s\S])*<xhd:Fingerposition>7<[\s\S]*?<\/xhd:Fingerabdruck>\n/,
        '',
      ),
    ['FINGERPRINTS_MISSING'],
  ],
  [
    'fehlerinformation-fehlernummer.xml',
    'Fehlerinformation with a 7-digit Fehlernummer (at most 6 digits)',
    'FI',
    (x) => once(x, tag('Fehlernummer', 1001), tag('Fehlernummer', 1234567)),
    ['ERROR_NUMBER_INVALID'],
  ],
  [
    'pa-sender-prefix.xml',
    'passport prefix psb: on an ID card order',
    'PA',
    (x) => once(x, 'pab:04011300_00', 'psb:04011300_00'),
    ['SENDER_ID_INVALID'],
  ],
  [
    'pa-fingerprint-quality.xml',
    'NFIQ 2 value 5 for a right index finger on an ID card order',
    'PA',
    (x) => once(x, tag('Qualitaetswert', 64), tag('Qualitaetswert', 5)),
    ['FINGERPRINT_QUALITY_TOO_LOW'],
  ],
  [
    'pa-eid-under-16.xml',
    'ID card for a 12-year-old with the eID function switched on',
    'PK',
    (x) => once(x, tag('NutzungElektronischeID', 'false'), tag('NutzungElektronischeID', 'true')),
    ['EID_UNDER_AGE'],
  ],
  [
    'at-wohnort-id.xml',
    'residence permit without WohnortID',
    'AT',
    (x) => once(x, /<xhd:WohnortID>[^<]*<\/xhd:WohnortID>\n\s*/, ''),
    ['WOHNORT_ID_MISSING'],
  ],
  [
    'at-sender-prefix.xml',
    'residence permit order sent with a passport authority key',
    'AT',
    (x) => once(x, 'azr:022100', 'psb:04011300_00'),
    ['SENDER_ID_INVALID'],
  ],
  [
    'ra-land-ausnahme.xml',
    'Reiseausweis für Flüchtlinge (RF) with entries only allowed for RA',
    'RA',
    (x) => once(x, tag('ReiseausweisArt', 'RA'), tag('ReiseausweisArt', 'RF')),
    ['TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED'],
  ],
  [
    'auftragsinformation-status.xml',
    'Auftragsinformation: negative answer without Fehlerbeschreibung',
    'AI',
    (x) => once(x, /<xhd:Fehlerbeschreibungen>[\s\S]*<\/xhd:Fehlerbeschreibungen>\n/, ''),
    ['STATUS_DESCRIPTION_MISSING'],
  ],
  [
    'auftragsinformation-sender.xml',
    'Auftragsinformation sent with the authority key as Senderkennung',
    'AI',
    (x) => once(x, tag('Senderkennung', HERSTELLER), tag('Senderkennung', 'psb:04011300_00')),
    ['SENDER_ID_INVALID'],
  ],
  [
    'auftragsinformation-antragsid.xml',
    'Auftragsinformation answering A1 twice',
    'AI',
    (x) => once(x, tag('AntragsID', 'A2'), tag('AntragsID', 'A1')),
    ['ANTRAGS_ID_DUPLICATE'],
  ],
  [
    'auftragsinformation-empty.xml',
    'Auftragsinformation without any Auftragsinformationen',
    'AI',
    (x) => once(x, /<xhd:Auftragsinformationen>[\s\S]*<\/xhd:Auftragsinformationen>\n/, ''),
    ['SCHEMA_VIOLATION'],
  ],
  [
    'lieferinformation-sperrkennwort.xml',
    'Lieferinformation for an ID card without Sperrkennwort',
    'LP',
    (x) => once(x, /<xhd:Sperrkennwort>[^<]*<\/xhd:Sperrkennwort>\n\s*/, ''),
    ['SPERRKENNWORT_MISSING'],
  ],
  [
    'lieferinformation-quittierung.xml',
    'Lieferinformation for an ID card that does not ask for a Quittierung',
    'LP',
    (x) => once(x, tag('QuittierungErforderlich', 'true'), tag('QuittierungErforderlich', 'false')),
    ['QUITTIERUNG_REQUIRED'],
  ],
  [
    'lieferinformation-seriennummern.xml',
    'serial number list with an entry of 6 characters',
    'LS',
    (x) =>
      once(
        x,
        Buffer.from('00T40;00T41;00T42;00T43;00T44;00T45;00T46;00T47;00T48;00T49').toString('base64'),
        Buffer.from('00T40;00T41;00T42;00T43;00T44;00T45;00T46;00T47;00T48;00T490').toString('base64'),
      ),
    ['SERIAL_LIST_INVALID'],
  ],
  [
    'quittierung-recipient.xml',
    'Quittierung addressed to an authority instead of the producer',
    'Q',
    (x) => once(x, tag('Empfaengerkennung', HERSTELLER), tag('Empfaengerkennung', 'pab:04011300_00')),
    ['RECIPIENT_ID_INVALID'],
  ],
  [
    'bestellung-seriennummern-anzahl.xml',
    'BestellungSeriennummern for 0 serial numbers (1 to 100 000)',
    'BS',
    (x) => once(x, tag('Anzahl', 10), tag('Anzahl', 0)),
    ['SERIAL_COUNT_INVALID'],
  ],
  [
    'reklamationsinformation-infoblatt.xml',
    'Reklamationsinformation whose Infoblatt is not a PDF',
    'RK',
    (x) =>
      x.replace(
        /<xhd:Infoblatt>[^<]*<\/xhd:Infoblatt>/,
        tag('Infoblatt', Buffer.from('GIF89a egovkit').toString('base64')),
      ),
    ['INFOBLATT_NOT_PDF'],
  ],
  [
    'field-length-familienname.xml',
    'ID card: Familienname of 121 characters (TR-03123-2 Table 9: at most 120)',
    'PA',
    (x) => once(x, tag('Name', 'Mustermann'), tag('Name', 'Mustermann'.padEnd(121, 'n'))),
    ['TEXT_TOO_LONG'],
  ],
  [
    'field-length-kurzbezeichnung.xml',
    'residence permit: Behoerdenname/Kurzbezeichnung of 91 characters (TR-03123-2 Table 12: at most 90)',
    'AT',
    (x) =>
      once(x, tag('Kurzbezeichnung', 'Stadt Köln'), tag('Kurzbezeichnung', 'Stadt Köln'.padEnd(91, '-'))),
    ['TEXT_TOO_LONG'],
  ],
  [
    'field-length-komponente.xml',
    'passport: KomponentenName of 41 characters (TR-03123-2 Table 10: at most 40)',
    'RP',
    (x) =>
      once(
        x,
        tag('KomponentenName', 'Fingerabdruckleser Demo'),
        tag('KomponentenName', 'Fingerabdruckleser Demo'.padEnd(41, '.')),
      ),
    ['TEXT_TOO_LONG'],
  ],
  [
    'wohnort-id-pa.xml',
    'ID card for an applicant living in Germany (Staat D<<) without WohnortID (TR-03123-2 Table 6 note 7)',
    'PA',
    (x) => once(x, /<xhd:WohnortID>[^<]*<\/xhd:WohnortID>\s*/, ''),
    ['WOHNORT_ID_MISSING'],
  ],
  [
    'staatsangehoerigkeit-at.xml',
    'residence permit without Staatsangehoerigkeit (TR-03123-2 Table 6: required for AT)',
    'AT',
    (x) => once(x, /<xhd:Staatsangehoerigkeit>[\s\S]*?<\/xhd:Staatsangehoerigkeit>\s*/, ''),
    ['STAATSANGEHOERIGKEIT_MISSING'],
  ],
  [
    'staatsangehoerigkeit-ra.xml',
    'travel document without Staatsangehoerigkeit (TR-03123-2 Table 6: required for RA)',
    'RA',
    (x) => once(x, /<xhd:Staatsangehoerigkeit>[\s\S]*?<\/xhd:Staatsangehoerigkeit>\s*/, ''),
    ['STAATSANGEHOERIGKEIT_MISSING'],
  ],
];

export function invalidFixtures(): InvalidFixture[] {
  const bases = {
    RP: buildXhd(passOrder('P', true)).xml,
    PD: buildXhd(passOrder('PD', true)).xml,
    PA: buildXhd(ausweisOrder(true)).xml,
    PK: buildXhd(kinderausweisOrder()).xml,
    AT: buildXhd(aufenthaltstitelOrder(true)).xml,
    RA: buildXhd(reiseausweisOrder(true)).xml,
    FI: fehlerinformation(),
    AI: auftragsinformation(),
    LP: lieferinformationPa(),
    LS: lieferinformationSeriennummern(),
    Q: quittierung(),
    BS: bestellungSeriennummern(),
    RK: reklamationsinformation(),
  };
  const defects = DEFECTS.map(([file, description, base, mutate, expected]) => ({
    file,
    description,
    xml: mutate(bases[base]),
    expected: [...expected].sort(),
  }));
  const withBiometrie = (changes: Partial<ReturnType<typeof biometrie>>) => {
    const order = passOrder('P', true);
    const antrag = order.antraege[0] as PassAntragInput;
    return buildXhd({
      ...order,
      antraege: [{ ...antrag, biometrie: { ...antrag.biometrie, ...changes } }],
    } as BestellungInput).xml;
  };
  const small = syntheticJpeg({ width: 200, height: 260, bytes: 3_000 });
  const huge = syntheticWsq({ width: 400, height: 500, bytes: 101_000, seed: 12 });
  const [, seven] = biometrie(3_000, 2_000, 10).fingerabdruecke;
  return [
    ...defects,
    {
      file: 'photo-resolution.xml',
      description: 'photo of 200 × 260 pixels (minimum 413 × 531)',
      xml: withBiometrie({ lichtbild: { daten: small, qualitaetswert: 80 } }),
      expected: ['PHOTO_RESOLUTION_TOO_LOW'],
    },
    {
      file: 'fingerprint-too-large.xml',
      description: 'fingerprint of 101 000 bytes (limit 100 000)',
      xml: withBiometrie({
        fingerabdruecke: [{ fingerposition: 2, daten: huge, qualitaetswert: 64 }, seven],
      }),
      expected: ['BIOMETRIC_TOO_LARGE'],
    },
  ];
}

export interface FixtureManifestEntry {
  readonly file: string;
  readonly description: string;
  readonly valid: boolean;
  readonly expected: readonly XhdIssueCode[];
}

/** fixtures/manifest.json: every file (relative to fixtures/) with its expected verdict and issue codes. */
export function fixtureManifest(): { readonly fixtures: readonly FixtureManifestEntry[] } {
  return {
    fixtures: [
      ...validFixtures().map((f) => ({
        file: `valid/${f.file}`,
        description: f.description,
        valid: true,
        expected: [],
      })),
      ...invalidFixtures().map((f) => ({
        file: `invalid/${f.file}`,
        description: f.description,
        valid: false,
        expected: f.expected,
      })),
    ],
  };
}
