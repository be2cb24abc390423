import { describe, expect, it } from 'vitest';
import {
  type AuftragsinformationInput,
  auftragsinformationFor,
  buildAuftragsinformation,
  buildBestellungSeriennummern,
  buildLieferinformation,
  buildQuittierung,
  buildReklamationsinformation,
  buildXhd,
  checkReply,
  DEFAULT_PROFILES,
  lieferinformationFor,
  parseAuftragsinformation,
  parseBestellungSeriennummern,
  parseLieferinformation,
  parseQuittierung,
  parseReklamationsinformation,
  parseXhd,
  parseXhdMessage,
  quittierungFor,
  serializeXhd,
  validateXhd,
  XhdError,
  type XhdMessage,
} from '../src/index.js';
import { fromOsciContentContainer, toOsciContentContainer } from '../src/osci.js';
import { ausweisBestellung, bestellung, passAntrag } from './helpers.js';

const HERSTELLER = 'dbs:490030010000';
const BEHOERDE = 'psb:04011300_00';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof XhdError) return error.code;
    throw error;
  }
  return undefined;
}

const codes = async (xml: string) => (await validateXhd(xml)).issues.map((i) => [i.code, i.path]);

/** An order with two applications, A1 and A2, and a Verfahrensschluessel. */
const order = buildXhd({
  ...bestellung,
  kopf: { ...bestellung.kopf, verfahrensschluessel: 'VS-4711', testnachricht: 3 },
  antraege: [passAntrag, { ...passAntrag, antragsId: 'A2' }],
});

const antwort = {
  nachrichtenId: 'AI-1',
  verfahrenskennung: 'Produktion 1.0',
  erstellungszeitpunkt: '2026-11-25T10:00:00Z',
};

describe('Auftragsinformation (TR-03123-3 § 2.5)', () => {
  it('is derived from the order: header swapped, every application answered, round trip byte-identical', async () => {
    const { xml, message } = auftragsinformationFor(order.message, {
      ...antwort,
      fehler: { A2: [{ fehlernummer: 2001, fehlerbeschreibung: 'Lichtbild nicht verwertbar' }] },
    });
    expect(message.kopf).toEqual({
      nachrichtenId: 'AI-1',
      bestellnummer: 'B-1',
      senderkennung: HERSTELLER,
      empfaengerkennung: BEHOERDE,
      verfahrensschluessel: 'VS-4711',
      verfahrenskennung: 'Produktion 1.0',
      testnachricht: 3,
      erstellungszeitpunkt: '2026-11-25T10:00:00Z',
      produktart: 'RP',
      versionXhd: '1.7',
    });
    expect(message.auftragsinformationen).toEqual([
      { antragsId: 'A1', status: true, fehlerbeschreibungen: [] },
      {
        antragsId: 'A2',
        status: false,
        fehlerbeschreibungen: [{ fehlernummer: 2001, fehlerbeschreibung: 'Lichtbild nicht verwertbar' }],
      },
    ]);
    expect(xml).toContain('<xhd:Auftragsinformation xmlns:xhd="http://www.bsi.de/trxhd/1.7">');
    expect(xml).toContain(
      '<xhd:Auftragsinformationen>\n      <xhd:AntragsID>A1</xhd:AntragsID>\n      <xhd:Status>true</xhd:Status>\n    </xhd:Auftragsinformationen>',
    );
    expect(parseAuftragsinformation(xml)).toEqual(message);
    expect(parseXhdMessage(xml)).toEqual(message);
    expect(serializeXhd(parseAuftragsinformation(xml))).toBe(xml);
    const result = await validateXhd(xml);
    expect(result).toMatchObject({ valid: true, issues: [], profile: 'RP' });
    expect(checkReply(message, order.message)).toEqual([]);
    // Same answer from the order's XML.
    expect(
      auftragsinformationFor(order.xml, {
        ...antwort,
        fehler: { A2: message.auftragsinformationen[1]?.fehlerbeschreibungen as never },
      }).xml,
    ).toBe(xml);
  });

  it('refuses a refusal for an application the order does not have, and inconsistent answers', () => {
    expect(
      codeOf(() =>
        auftragsinformationFor(order.message, {
          ...antwort,
          fehler: { A9: [{ fehlernummer: 1, fehlerbeschreibung: 'x' }] },
        }),
      ),
    ).toBe('XHD_BUILD_INVALID');
    const base: AuftragsinformationInput = {
      kopf: {
        ...antwort,
        bestellnummer: 'B-1',
        senderkennung: HERSTELLER,
        empfaengerkennung: BEHOERDE,
        produktart: 'RP',
      },
      auftragsinformationen: [{ antragsId: 'A1', status: true }],
    };
    const bad = (list: unknown) =>
      codeOf(() => buildAuftragsinformation({ ...base, auftragsinformationen: list as never }));
    expect(bad([])).toBe('XHD_BUILD_INVALID');
    expect(bad([{ antragsId: 'A1', status: false }])).toBe('XHD_BUILD_INVALID');
    expect(
      bad([
        {
          antragsId: 'A1',
          status: true,
          fehlerbeschreibungen: [{ fehlernummer: 1, fehlerbeschreibung: 'x' }],
        },
      ]),
    ).toBe('XHD_BUILD_INVALID');
    expect(
      bad([
        {
          antragsId: 'A1',
          status: false,
          fehlerbeschreibungen: [{ fehlernummer: 1_000_000, fehlerbeschreibung: 'x' }],
        },
      ]),
    ).toBe('XHD_BUILD_INVALID');
    expect(
      bad([
        { antragsId: 'A1', status: true },
        { antragsId: 'A1', status: true },
      ]),
    ).toBe('XHD_BUILD_INVALID');
    expect(
      codeOf(() => buildAuftragsinformation({ ...base, kopf: { ...base.kopf, testnachricht: 0 } })),
    ).toBe('XHD_BUILD_INVALID');
  });

  it('reports rule violations in received XML with code and XPath', async () => {
    const { xml } = auftragsinformationFor(order.message, {
      ...antwort,
      fehler: { A2: [{ fehlernummer: 2001, fehlerbeschreibung: 'Lichtbild nicht verwertbar' }] },
    });
    const root = '/xhd:Auftragsinformation';
    const item = (i: number) => `${root}/xhd:Nutzdaten/xhd:Auftragsinformationen[${i}]`;
    // negative answer without description, positive with one
    const swapped = xml
      .replace('<xhd:Status>false</xhd:Status>', '<xhd:Status>true</xhd:Status>')
      .replace(
        '<xhd:Status>true</xhd:Status>\n    </xhd:Auftragsinformationen>',
        '<xhd:Status>false</xhd:Status>\n    </xhd:Auftragsinformationen>',
      );
    expect(await codes(swapped)).toEqual([
      ['STATUS_DESCRIPTION_MISSING', `${item(1)}/xhd:Status`],
      ['STATUS_DESCRIPTION_NOT_ALLOWED', `${item(2)}/xhd:Fehlerbeschreibungen[1]`],
    ]);
    expect(
      await codes(xml.replace('<xhd:AntragsID>A2</xhd:AntragsID>', '<xhd:AntragsID>A1</xhd:AntragsID>')),
    ).toEqual([['ANTRAGS_ID_DUPLICATE', `${item(2)}/xhd:AntragsID`]]);
    expect(await codes(xml.replace('<xhd:Fehlernummer>2001<', '<xhd:Fehlernummer>1234567<'))).toEqual([
      ['ERROR_NUMBER_INVALID', `${item(2)}/xhd:Fehlerbeschreibungen[1]/xhd:Fehlernummer`],
    ]);
    const long = 'x'.repeat(81);
    const tooLong = await validateXhd(xml.replace('Lichtbild nicht verwertbar', long));
    expect(tooLong.issues.map((i) => [i.code, i.params])).toEqual([
      ['TEXT_TOO_LONG', { field: 'Fehlerbeschreibung', length: 81, max: 80 }],
    ]);
    expect(tooLong.issues[0]?.message.de).toBe(
      'Fehlerbeschreibung hat 81 Zeichen, erlaubt sind höchstens 80.',
    );
    expect(
      await codes(xml.replace(`<xhd:Senderkennung>${HERSTELLER}<`, `<xhd:Senderkennung>${BEHOERDE}<`)),
    ).toEqual([['SENDER_ID_INVALID', `${root}/xhd:Nachrichtenkopf/xhd:Senderkennung`]]);
    expect(
      await codes(
        xml.replace(`<xhd:Empfaengerkennung>${BEHOERDE}<`, '<xhd:Empfaengerkennung>pab:04011300_00<'),
      ),
    ).toEqual([['RECIPIENT_ID_INVALID', `${root}/xhd:Nachrichtenkopf/xhd:Empfaengerkennung`]]);
    expect(await codes(xml.replace('<xhd:Version_XhD>1.7<', '<xhd:Version_XhD>1.6<'))).toEqual([
      ['VERSION_MISMATCH', `${root}/xhd:Nachrichtenkopf/xhd:Version_XhD`],
    ]);
    expect(
      (
        await codes(xml.replace(/<xhd:Auftragsinformationen>[\s\S]*<\/xhd:Auftragsinformationen>/, ''))
      )[0]?.[0],
    ).toBe('SCHEMA_VIOLATION');
    expect(
      (await validateXhd(xml, { schema: false, profiles: [] })).issues.map((i) => [i.code, i.path]),
    ).toEqual([['PROFILE_UNKNOWN', `${root}/xhd:Nachrichtenkopf/xhd:Produktart`]]);
  });

  it('selects the rules per message from the profile', async () => {
    const { xml } = auftragsinformationFor(order.message, { ...antwort, senderkennung: 'dh:0001' });
    expect((await codes(xml)).map(([code]) => code)).toEqual(['SENDER_ID_INVALID']);
    const profiles = DEFAULT_PROFILES.map((p) => ({
      ...p,
      limits: { ...p.limits, producerPrefixes: ['dh'] },
      messageRules: { Auftragsinformation: ['version', 'partner-ids'] as const },
    }));
    expect(await validateXhd(xml, { profiles })).toMatchObject({ valid: true, profile: 'RP' });
  });

  it('is checked against the order it answers', () => {
    const { message } = auftragsinformationFor(order.message, antwort);
    const other = {
      ...message,
      kopf: { ...message.kopf, bestellnummer: 'B-2', empfaengerkennung: 'psb:05315000_00' },
    };
    expect(checkReply(other, order.message).map((i) => [i.code, i.path])).toEqual([
      ['REPLY_BESTELLNUMMER_MISMATCH', '/xhd:Auftragsinformation/xhd:Nachrichtenkopf/xhd:Bestellnummer'],
      ['REPLY_PARTNER_MISMATCH', '/xhd:Auftragsinformation/xhd:Nachrichtenkopf/xhd:Empfaengerkennung'],
    ]);
    const [first] = message.auftragsinformationen;
    const partial = {
      ...message,
      auftragsinformationen: [first, { antragsId: 'A7', status: true, fehlerbeschreibungen: [] }],
    };
    expect(checkReply(partial as XhdMessage, order.message).map((i) => [i.code, i.params.antragsId])).toEqual(
      [
        ['REPLY_ANTRAG_UNKNOWN', 'A7'],
        ['REPLY_ANTRAG_UNANSWERED', 'A2'],
      ],
    );
    const { verfahrensschluessel: _, ...kopf } = message.kopf;
    expect(checkReply({ ...message, kopf }, order.message).map((i) => i.code)).toEqual([
      'REPLY_VERFAHRENSSCHLUESSEL_MISMATCH',
    ]);
    expect(checkReply(order.message, message).map((i) => i.code)).toEqual(['REPLY_UNEXPECTED']);
  });

  it('travels in the XHD_DATA container like the order', async () => {
    const answer = auftragsinformationFor(order.message, antwort);
    const back = await fromOsciContentContainer(await toOsciContentContainer(answer));
    expect(back.validation.message).toEqual(answer.message);
    expect(back.xml).toBe(answer.xml);
  });
});

describe('Lieferinformation and Quittierung (TR-03123-3 § 2.7, § 2.8)', () => {
  const ausweis = buildXhd(ausweisBestellung);

  it('delivers ID cards with Sperrkennwort and asks for a Quittierung, which the authority sends', async () => {
    const liefer = lieferinformationFor(ausweis.message, {
      nachrichtenId: 'LI-1',
      verfahrenskennung: 'Produktion 1.0',
      erstellungszeitpunkt: '2026-12-01T08:00:00Z',
      dokumente: { A1: { sperrkennwort: 'KLAR-WASSER-17', sperrsumme: '4F2A19C0' } },
    });
    expect(liefer.message.lieferinformationen).toEqual([
      {
        typ: 'Dokument',
        antragsId: 'A1',
        quittierungErforderlich: true,
        sperrkennwort: 'KLAR-WASSER-17',
        sperrsumme: '4F2A19C0',
      },
    ]);
    expect(liefer.xml).toContain('<xhd:Lieferinformationen xsi:type="xhd:LieferinformationDokumentType">');
    expect(parseLieferinformation(liefer.xml)).toEqual(liefer.message);
    expect(serializeXhd(parseLieferinformation(liefer.xml))).toBe(liefer.xml);
    expect(await validateXhd(liefer.xml)).toMatchObject({ valid: true, profile: 'PA' });
    expect(checkReply(liefer.message, ausweis.message)).toEqual([]);

    const quittung = quittierungFor(liefer.xml, {
      nachrichtenId: 'Q-1',
      verfahrenskennung: 'Fachverfahren 4.2',
      erstellungszeitpunkt: '2026-12-01T09:00:00Z',
    });
    expect(quittung.message.kopf).toMatchObject({
      senderkennung: 'pab:04011300_00',
      empfaengerkennung: HERSTELLER,
      bestellnummer: 'B-1',
      produktart: 'PA',
    });
    expect(quittung.message.quittierungen).toEqual([
      { antragsId: 'A1', status: true, fehlerbeschreibungen: [] },
    ]);
    expect(parseQuittierung(quittung.xml)).toEqual(quittung.message);
    expect(serializeXhd(parseQuittierung(quittung.xml))).toBe(quittung.xml);
    expect(await validateXhd(quittung.xml)).toMatchObject({ valid: true, profile: 'PA' });
    expect(checkReply(quittung.message, liefer.message)).toEqual([]);
    const missing = buildQuittierung({
      kopf: { ...quittung.message.kopf, produktart: 'PA' },
      quittierungen: [{ antragsId: 'A5', status: true }],
    });
    expect(checkReply(missing.message, liefer.message).map((i) => [i.code, i.params.antragsId])).toEqual([
      ['REPLY_ANTRAG_UNKNOWN', 'A5'],
      ['REPLY_ANTRAG_UNANSWERED', 'A1'],
    ]);
  });

  it('reports a missing Sperrkennwort for eID documents and one given for passports', async () => {
    const ohne = lieferinformationFor(ausweis.message, {
      nachrichtenId: 'LI-2',
      verfahrenskennung: 'P',
      quittierungErforderlich: false,
    });
    const item = '/xhd:Lieferinformation/xhd:Nutzdaten/xhd:Lieferinformationen[1]';
    expect(await codes(ohne.xml)).toEqual([
      ['QUITTIERUNG_REQUIRED', `${item}/xhd:QuittierungErforderlich`],
      ['SPERRKENNWORT_MISSING', `${item}/xhd:Sperrkennwort`],
      ['SPERRKENNWORT_MISSING', `${item}/xhd:Sperrsumme`],
    ]);
    const pass = lieferinformationFor(order.xml, {
      nachrichtenId: 'LI-3',
      verfahrenskennung: 'P',
      dokumente: { A1: {}, A2: { sperrkennwort: 'X' } },
    });
    expect(pass.message.lieferinformationen.map((l) => l.quittierungErforderlich)).toEqual([false, false]);
    expect(await codes(pass.xml)).toEqual([
      [
        'SPERRKENNWORT_NOT_ALLOWED',
        '/xhd:Lieferinformation/xhd:Nutzdaten/xhd:Lieferinformationen[2]/xhd:Sperrkennwort',
      ],
    ]);
    expect(codeOf(() => quittierungFor(pass.message, { nachrichtenId: 'Q', verfahrenskennung: 'F' }))).toBe(
      'XHD_BUILD_INVALID',
    );
    expect(
      codeOf(() =>
        lieferinformationFor(order.message, {
          nachrichtenId: 'L',
          verfahrenskennung: 'P',
          dokumente: { A9: {} },
        }),
      ),
    ).toBe('XHD_BUILD_INVALID');
  });

  it('refuses an unknown xsi:type of a Lieferinformationen entry', async () => {
    const { xml } = lieferinformationFor(order.message, { nachrichtenId: 'LI-4', verfahrenskennung: 'P' });
    const bad = xml.replace('xhd:LieferinformationDokumentType"', 'xhd:LieferinformationInhaltType"');
    expect(codeOf(() => parseLieferinformation(bad))).toBe('XHD_VALUE_INVALID');
    expect((await validateXhd(bad)).valid).toBe(false);
  });
});

describe('BestellungSeriennummern and the serial number delivery (TR-03123-3 § 2.4, § 3.1.19)', () => {
  const kopf = {
    nachrichtenId: 'S-1',
    bestellnummer: 'C01X0016_2026-11-25_09:30:00',
    senderkennung: BEHOERDE,
    empfaengerkennung: HERSTELLER,
    verfahrenskennung: 'Fachverfahren 4.2',
    erstellungszeitpunkt: '2026-11-25T09:30:00Z',
    produktart: 'RP',
  } as const;

  it('orders serial numbers and gets them delivered as a ;-separated base64 list', async () => {
    const bestellt = buildBestellungSeriennummern({ kopf, bkz: 'C01X', anzahl: 3 });
    expect(bestellt.xml).toContain('<xhd:BKZ>C01X</xhd:BKZ>\n    <xhd:Anzahl>3</xhd:Anzahl>');
    expect(parseBestellungSeriennummern(bestellt.xml)).toEqual(bestellt.message);
    expect(await validateXhd(bestellt.xml)).toMatchObject({ valid: true, profile: 'RP' });

    const liste = ['00T47', '00T48', '00T49'];
    const geliefert = lieferinformationFor(bestellt.xml, {
      nachrichtenId: 'LS-1',
      verfahrenskennung: 'Produktion 1.0',
      erstellungszeitpunkt: '2026-11-26T08:00:00Z',
      seriennummern: { antragsId: 'S1', liste },
    });
    expect(geliefert.xml).toContain(
      `<xhd:Seriennummern>${Buffer.from('00T47;00T48;00T49').toString('base64')}</xhd:Seriennummern>`,
    );
    expect(parseLieferinformation(geliefert.xml)).toEqual(geliefert.message);
    expect(serializeXhd(parseLieferinformation(geliefert.xml))).toBe(geliefert.xml);
    expect(await validateXhd(geliefert.xml)).toMatchObject({ valid: true });
    expect(checkReply(geliefert.message, bestellt.message)).toEqual([]);
    const zuViel = lieferinformationFor(bestellt.message, {
      nachrichtenId: 'LS-2',
      verfahrenskennung: 'P',
      seriennummern: { antragsId: 'S1', liste: [...liste, '00T4O'] },
    });
    expect(checkReply(zuViel.message, bestellt.message).map((i) => i.code)).toEqual([
      'REPLY_SERIAL_COUNT_EXCEEDED',
    ]);
    expect(await codes(zuViel.xml)).toEqual([
      [
        'SERIAL_LIST_INVALID',
        '/xhd:Lieferinformation/xhd:Nutzdaten/xhd:Lieferinformationen[1]/xhd:Seriennummern',
      ],
    ]);
  });

  it('keeps the serial list bytes on round trip, also with a trailing separator', () => {
    const list = buildLieferinformation({
      kopf: { ...kopf, senderkennung: HERSTELLER, empfaengerkennung: BEHOERDE },
      lieferinformationen: [
        { typ: 'Seriennummern', antragsId: 'S1', quittierungErforderlich: false, seriennummern: ['00T47'] },
      ],
    });
    const trailing = list.xml.replace(
      Buffer.from('00T47').toString('base64'),
      Buffer.from('00T47;').toString('base64'),
    );
    const parsed = parseLieferinformation(trailing);
    expect(parsed.lieferinformationen[0]).toMatchObject({ seriennummern: ['00T47', ''] });
    expect(serializeXhd(parsed)).toBe(trailing);
  });

  it('checks BKZ and count', async () => {
    const { xml } = buildBestellungSeriennummern({ kopf, bkz: 'C01X', anzahl: 3 });
    const base = '/xhd:BestellungSeriennummern/xhd:Nutzdaten';
    expect(
      await codes(
        xml.replace('<xhd:BKZ>C01X<', '<xhd:BKZ>C0IX<').replace('<xhd:Anzahl>3<', '<xhd:Anzahl>100001<'),
      ),
    ).toEqual([
      ['BKZ_INVALID', `${base}/xhd:BKZ`],
      ['SERIAL_COUNT_INVALID', `${base}/xhd:Anzahl`],
    ]);
    expect(codeOf(() => buildBestellungSeriennummern({ kopf, bkz: 'C01X', anzahl: 0 }))).toBe(
      'XHD_BUILD_INVALID',
    );
  });
});

describe('Reklamationsinformation (TR-03123-3 § 2.6)', () => {
  const pdf = new TextEncoder().encode('%PDF-1.7\n% Infoblatt Demo\n%%EOF\n');
  const kopf = {
    nachrichtenId: 'R-1',
    bestellnummer: 'B-1',
    senderkennung: HERSTELLER,
    empfaengerkennung: BEHOERDE,
    verfahrenskennung: 'Produktion 1.0',
    erstellungszeitpunkt: '2026-12-02T08:00:00Z',
    produktart: 'RP',
    reklamation: true,
  } as const;

  it('accepts and refuses complaints, with consequences and a PDF information sheet', async () => {
    const { xml, message } = buildReklamationsinformation({
      kopf,
      reklamationsinformationen: [
        {
          antragsId: 'A1',
          status: true,
          ruecksendungAnBehoerde: false,
          kostenUebernahmeHersteller: true,
          infoblatt: pdf,
        },
        {
          antragsId: 'A2',
          status: false,
          fehlerbeschreibungen: [{ fehlernummer: 7, fehlerbeschreibung: 'Schaden durch Nutzung' }],
        },
      ],
    });
    expect(xml).toContain('<xhd:Reklamation>true</xhd:Reklamation>');
    expect(parseReklamationsinformation(xml)).toEqual(message);
    expect(serializeXhd(parseReklamationsinformation(xml))).toBe(xml);
    expect(await validateXhd(xml)).toMatchObject({ valid: true, profile: 'RP' });
    const notPdf = xml.replace(
      Buffer.from(pdf).toString('base64'),
      Buffer.from('GIF89a....').toString('base64'),
    );
    expect(await codes(notPdf)).toEqual([
      [
        'INFOBLATT_NOT_PDF',
        '/xhd:Reklamationsinformation/xhd:Nutzdaten/xhd:Reklamationsinformationen[1]/xhd:Infoblatt',
      ],
    ]);
    const complaint = parseXhd(order.xml);
    expect(
      checkReply(message, {
        ...complaint,
        kopf: { ...complaint.kopf, verfahrensschluessel: undefined as never },
      }),
    ).toEqual([]);
  });
});
