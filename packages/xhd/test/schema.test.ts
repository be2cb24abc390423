import { beforeEach, describe, expect, it } from 'vitest';
import {
  buildXhd,
  clearSchemaCache,
  SCHEMA_CACHE_LIMIT,
  schemaCacheStats,
  validateSchema,
  validateXhd,
  XhdError,
} from '../src/index.js';
import { bestellung } from './helpers.js';

const XML = buildXhd(bestellung).xml;
const XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"';

const vendorSet = (type: string) => ({
  main: {
    fileName: 'Nachrichten.xsd',
    contents: `<xs:schema ${XS} xmlns:b="urn:baukasten" targetNamespace="urn:nachrichten">
  <xs:import namespace="urn:baukasten" schemaLocation="Baukasten.xsd"/>
  <xs:element name="N"><xs:complexType><xs:sequence><xs:element ref="b:Wert"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
  },
  imports: [
    {
      fileName: 'Baukasten.xsd',
      contents: `<xs:schema ${XS} targetNamespace="urn:baukasten"><xs:element name="Wert" type="${type}"/></xs:schema>`,
    },
  ],
});
const vendorXml = (value: string) =>
  `<n:N xmlns:n="urn:nachrichten" xmlns:b="urn:baukasten">\n  <b:Wert>${value}</b:Wert>\n</n:N>`;

async function thrown(promise: Promise<unknown>): Promise<XhdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof XhdError)) throw new Error(`expected an XhdError, got ${String(error)}`);
  return error;
}

beforeEach(() => clearSchemaCache());

describe('compiled schema cache', () => {
  it('compiles the bundled XSD once and reuses it for later validations', async () => {
    expect(schemaCacheStats()).toEqual({ compilations: 0, hits: 0, size: 0 });
    expect((await validateXhd(XML)).valid).toBe(true);
    expect(schemaCacheStats()).toEqual({ compilations: 1, hits: 0, size: 1 });
    await validateXhd(XML);
    await validateXhd(XML.replace('<xhd:Groesse>160<', '<xhd:Groesse>1.60<'));
    expect(schemaCacheStats()).toEqual({ compilations: 1, hits: 2, size: 1 });
  });

  it('keys the cache by content: an equal set in a new object is a hit, a different set compiles', async () => {
    await validateSchema(vendorXml('1'), { schemas: vendorSet('xs:int') });
    await validateSchema(vendorXml('1'), { schemas: vendorSet('xs:int') });
    expect(schemaCacheStats()).toEqual({ compilations: 1, hits: 1, size: 1 });
    await validateSchema(vendorXml('1'), { schemas: vendorSet('xs:string') });
    expect(schemaCacheStats()).toEqual({ compilations: 2, hits: 1, size: 2 });
  });

  it(`keeps at most ${SCHEMA_CACHE_LIMIT} compiled sets and still validates evicted ones`, async () => {
    const types = ['xs:int', 'xs:string', 'xs:date', 'xs:boolean', 'xs:byte', 'xs:long', 'xs:short'];
    const sets = [...types, 'xs:decimal', 'xs:token', 'xs:Name'].map(vendorSet);
    for (const set of sets) await validateSchema(vendorXml('1'), { schemas: set });
    expect(schemaCacheStats()).toMatchObject({ compilations: sets.length, size: SCHEMA_CACHE_LIMIT });
    const first = sets[0] ?? vendorSet('xs:int');
    expect((await validateSchema(vendorXml('x'), { schemas: first })).map((i) => i.code)).toEqual([
      'SCHEMA_VIOLATION',
    ]);
    expect(schemaCacheStats().compilations).toBe(sets.length + 1);
  });
});

describe('vendor XSD sets', () => {
  it('resolves imports by file name and maps errors to XPaths', async () => {
    const schemas = vendorSet('xs:int');
    expect(await validateSchema(vendorXml('42'), { schemas })).toEqual([]);
    const [issue, ...rest] = await validateSchema(vendorXml('x'), { schemas });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: 'SCHEMA_VIOLATION', path: '/xhd:N/xhd:Wert', params: { line: 2 } });
    expect(issue?.message.en).toBe(
      "Schema violation: Schemas validity error : Element '{urn:baukasten}Wert': 'x' is not a valid value of the atomic type 'xs:int'.",
    );
  });

  it('throws XHD_SCHEMA_INVALID with libxml2 details for an XSD that does not compile', async () => {
    const broken = {
      main: {
        fileName: 'broken.xsd',
        contents: `<xs:schema ${XS}><xs:element name="x" type="nope"/></xs:schema>`,
      },
    };
    const error = await thrown(validateXhd(XML, { schemas: broken }));
    expect(error.code).toBe('XHD_SCHEMA_INVALID');
    expect(error.details).toMatchObject({
      main: 'broken.xsd',
      errors: [{ file: 'broken.xsd', line: 1, message: expect.stringContaining("'nope' does not resolve") }],
    });
    expect(schemaCacheStats()).toEqual({ compilations: 0, hits: 0, size: 0 });
  });

  it('throws XHD_SCHEMA_INVALID for an XSD that is not XML and for a missing import', async () => {
    const notXml = { main: { fileName: 'x.xsd', contents: '<xs:schema' } };
    expect((await thrown(validateSchema(XML, { schemas: notXml }))).code).toBe('XHD_SCHEMA_INVALID');
    const { main } = vendorSet('xs:int');
    const missing = await thrown(validateSchema(vendorXml('1'), { schemas: { main } }));
    expect(missing).toMatchObject({ code: 'XHD_SCHEMA_INVALID', details: { missing: ['Baukasten.xsd'] } });
  });
});
