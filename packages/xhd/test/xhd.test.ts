import { describe, expect, it } from 'vitest';
import {
  buildXhd,
  detectFormat,
  icaoCheckDigit,
  inspectImage,
  parseXhd,
  serializeXhd,
  syntheticJpeg,
  validateXhd,
  XhdError,
} from '../src/index.js';
import { ausweisBestellung, bestellung, passAntrag } from './helpers.js';

const XML = buildXhd(bestellung).xml;

async function codes(xml: string): Promise<string[]> {
  return (await validateXhd(xml)).issues.map((i) => i.code);
}

describe('buildXhd', () => {
  it('writes the XhD 1.7 namespace, the TR element order and fills in sizes and formats', () => {
    const { xml, message } = buildXhd(bestellung);
    expect(xml).toContain('<xhd:BestellungDokument xmlns:xhd="http://www.bsi.de/trxhd/1.7"');
    expect(xml).toContain('<xhd:Version_XhD>1.7</xhd:Version_XhD>');
    expect(xml).toContain('xsi:type="xhd:AntragsdatensatzPassType"');
    const bio = message.antraege[0]?.biometrie;
    expect(bio?.lichtbild).toMatchObject({ format: 'JPEG', breite: 827, hoehe: 1063, groesse: 20_000 });
    expect(bio?.fingerabdruecke.map((f) => [f.format, f.groesse])).toEqual([
      ['WSQ', 12_000],
      ['WSQ', 12_000],
    ]);
  });

  it('refuses a photo that is not JPEG or JPEG 2000', () => {
    const bad = {
      ...passAntrag,
      biometrie: { ...passAntrag.biometrie, lichtbild: { daten: new Uint8Array(50) } },
    };
    expect(() => buildXhd({ ...bestellung, antraege: [bad] })).toThrow(
      expect.objectContaining({ code: 'XHD_BINARY_FORMAT_UNKNOWN' }),
    );
  });

  it('refuses duplicate application IDs', () => {
    expect(() => buildXhd({ ...bestellung, antraege: [passAntrag, passAntrag] })).toThrow(XhdError);
  });

  it('builds ID card orders with the PIN letter data', () => {
    const { xml } = buildXhd(ausweisBestellung);
    expect(xml).toContain('xsi:type="xhd:AntragsdatensatzPersonalausweisType"');
    expect(xml).toContain('<xhd:Typ>LieferadressePIN</xhd:Typ>');
  });
});

describe('parseXhd', () => {
  it('round-trips: serialise(parse(xml)) is byte-identical', () => {
    expect(serializeXhd(parseXhd(XML))).toBe(XML);
    const pa = buildXhd(ausweisBestellung).xml;
    expect(serializeXhd(parseXhd(pa))).toBe(pa);
  });

  it('refuses DOCTYPE and entity declarations', () => {
    const evil = XML.replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE x [<!ENTITY e "boom">]>');
    expect(() => parseXhd(evil)).toThrow(expect.objectContaining({ code: 'XHD_DOCTYPE_FORBIDDEN' }));
  });

  it('enforces the size limit', () => {
    expect(() => parseXhd(XML, { maxBytes: 1000 })).toThrow(
      expect.objectContaining({ code: 'XHD_INPUT_TOO_LARGE' }),
    );
  });

  it('refuses malformed XML, foreign namespaces, unknown and misplaced elements', () => {
    expect(() => parseXhd('<a><b></a>')).toThrow(expect.objectContaining({ code: 'XHD_XML_MALFORMED' }));
    expect(() => parseXhd(XML.replaceAll('trxhd/1.7', 'trxhd/9.9'))).toThrow(
      expect.objectContaining({ code: 'XHD_NAMESPACE_UNSUPPORTED' }),
    );
    expect(() =>
      parseXhd(
        XML.replace(
          '<xhd:Passart>P</xhd:Passart>',
          '<xhd:Passart>P</xhd:Passart><xhd:Haarfarbe>x</xhd:Haarfarbe>',
        ),
      ),
    ).toThrow(expect.objectContaining({ code: 'XHD_ELEMENT_UNEXPECTED' }));
    expect(() => parseXhd(XML.replace(/<xhd:Bestellnummer>.*<\/xhd:Bestellnummer>/, ''))).toThrow(
      expect.objectContaining({ code: 'XHD_ELEMENT_MISSING' }),
    );
    expect(() => parseXhd(XML.replace('<xhd:Passart>P<', '<xhd:Passart>X<'))).toThrow(
      expect.objectContaining({ code: 'XHD_VALUE_INVALID' }),
    );
  });
});

describe('validateXhd', () => {
  it('accepts the built passport and ID card orders', async () => {
    const rp = await validateXhd(XML);
    expect(rp.issues).toEqual([]);
    expect(rp).toMatchObject({ valid: true, profile: 'RP' });
    const pa = await validateXhd(buildXhd(ausweisBestellung).xml);
    expect(pa.issues).toEqual([]);
    expect(pa.profile).toBe('PA');
  });

  it('reports schema violations with an XPath and messages in German and English', async () => {
    const result = await validateXhd(XML.replace('<xhd:Groesse>160<', '<xhd:Groesse>1.60<'));
    const issue = result.issues[0];
    expect(issue?.code).toBe('SCHEMA_VIOLATION');
    expect(issue?.path).toBe(
      '/xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag/xhd:Personendaten/xhd:Groesse',
    );
    expect(issue?.message.de).toMatch(/^Schemaverletzung/);
    expect(issue?.message.en).toMatch(/^Schema violation/);
  });

  it.each([
    [
      'birth after application',
      (x: string) => x.replace('1984-08-12', '2027-01-01'),
      'BIRTH_NOT_BEFORE_APPLICATION',
    ],
    [
      'validity end before start',
      (x: string) => x.replace('2036-11-24', '2026-01-01'),
      'VALIDITY_END_NOT_AFTER_START',
    ],
    ['validity too long', (x: string) => x.replace('2036-11-24', '2038-01-01'), 'VALIDITY_TOO_LONG'],
    ['bad check digit', (x: string) => x.replace('C01X00T478', 'C01X00T479'), 'SERIAL_CHECK_DIGIT'],
    ['bad BKZ', (x: string) => x.replace('C01X00T478', 'AB1X00T478'), 'BKZ_INVALID'],
    [
      'wrong sender prefix',
      (x: string) => x.replace('psb:04011300_00', 'pab:04011300_00'),
      'SENDER_ID_INVALID',
    ],
    [
      'version mismatch',
      (x: string) => x.replace('<xhd:Version_XhD>1.7<', '<xhd:Version_XhD>1.6<'),
      'VERSION_MISMATCH',
    ],
    [
      'quality too low',
      (x: string) => x.replace('<xhd:Qualitaetswert>64<', '<xhd:Qualitaetswert>5<'),
      'FINGERPRINT_QUALITY_TOO_LOW',
    ],
    [
      'size mismatch',
      (x: string) => x.replace('<xhd:Groesse>20000<', '<xhd:Groesse>19999<'),
      'BIOMETRIC_SIZE_MISMATCH',
    ],
    [
      'format mismatch',
      (x: string) => x.replace('<xhd:Format>JPEG<', '<xhd:Format>JPEG2000<'),
      'BIOMETRIC_FORMAT_MISMATCH',
    ],
    [
      'pixel size mismatch',
      (x: string) => x.replace('<xhd:Breite>827<', '<xhd:Breite>828<'),
      'PHOTO_DIMENSIONS_MISMATCH',
    ],
    [
      'dienstinfo for diplomatic passport',
      (x: string) => x.replace('<xhd:Passart>P<', '<xhd:Passart>PD<'),
      'DIENSTINFO_REQUIRED',
    ],
  ])('%s', async (_name, mutate, code) => {
    expect(await codes(mutate(XML))).toContain(code);
  });

  it('reports too few fingerprints, a small photo and missing biometrics', async () => {
    const one = {
      ...passAntrag.biometrie,
      fingerabdruecke: passAntrag.biometrie.fingerabdruecke.slice(0, 1),
    };
    const small = { ...one, lichtbild: { daten: syntheticJpeg({ width: 200, height: 260, bytes: 4000 }) } };
    const xml = buildXhd({ ...bestellung, antraege: [{ ...passAntrag, biometrie: small }] }).xml;
    expect(await codes(xml)).toEqual(
      expect.arrayContaining(['FINGERPRINTS_MISSING', 'PHOTO_RESOLUTION_TOO_LOW']),
    );
    const without = XML.replace(/<xhd:BiometrischeMerkmale>[\s\S]*<\/xhd:BiometrischeMerkmale>\n/, '');
    expect(await codes(without)).toEqual(['BIOMETRICS_MISSING']);
  });

  it('turns refused input into issues instead of throwing', async () => {
    expect(await codes('<!DOCTYPE x><x/>')).toEqual(['DOCTYPE_FORBIDDEN']);
    expect(await codes('<x>')).toEqual(['XML_MALFORMED']);
  });

  it('selects rules by profile data and accepts replacement messages', async () => {
    const result = await validateXhd(XML.replace('<xhd:Qualitaetswert>64<', '<xhd:Qualitaetswert>5<'), {
      profiles: [
        {
          id: 'lenient',
          produktart: 'RP',
          versions: ['1.7'],
          rules: ['quality-values'],
          limits: {
            photoMaxBytes: 1e6,
            photoMinWidth: 1,
            photoMinHeight: 1,
            fingerprintMaxBytes: 1e6,
            fingerprintsRequired: 0,
            minFingerprintQuality: { 2: 1 },
            maxValidityYears: 10,
            senderPrefixes: ['psb'],
          },
        },
      ],
      messages: { PROFILE_UNKNOWN: { de: () => 'x', en: () => 'x' } },
    });
    expect(result).toMatchObject({ valid: true, profile: 'lenient' });
    const unknown = await validateXhd(XML, { profiles: [] });
    expect(unknown.issues.map((i) => [i.code, i.message.de])).toEqual([
      ['PROFILE_UNKNOWN', expect.any(String)],
    ]);
  });

  it('validates against a vendor-supplied XSD set instead of the bundled one', async () => {
    const strict = {
      main: {
        fileName: 'vendor.xsd',
        contents: `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.bsi.de/trxhd/1.7">
  <xs:element name="Other"/></xs:schema>`,
      },
    };
    const result = await validateXhd(XML, { schemas: strict });
    expect(result.issues[0]).toMatchObject({ code: 'SCHEMA_VIOLATION', path: '/xhd:BestellungDokument' });
  });
});

describe('binary helpers', () => {
  it('detects formats from magic bytes and reads pixel sizes', () => {
    expect(detectFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('JPEG');
    expect(
      detectFormat(Uint8Array.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a])),
    ).toBe('JPEG2000');
    expect(detectFormat(Uint8Array.from([0xff, 0xa0, 0xff]))).toBe('WSQ');
    expect(detectFormat(Uint8Array.from([0x46, 0x49, 0x52, 0x00, 0x30]))).toBe('ISO19794-4');
    expect(detectFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(inspectImage(syntheticJpeg({ width: 640, height: 480, bytes: 100 }))).toEqual({
      format: 'JPEG',
      width: 640,
      height: 480,
    });
  });

  it('computes ICAO 9303 check digits', () => {
    expect(icaoCheckDigit('L898902C3')).toBe(6); // ICAO Doc 9303 Part 4 specimen document number
  });
});
