import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../src/binary.js';
import { assertSafeXml, parseXhdMessage, validateSchema, validateXhd } from '../src/index.js';
import { scanWellFormed } from '../src/lightdom.js';
import { type DomElement, type DomNode, parseDom, parseRoot } from '../src/parse.js';
import { XSI_NAMESPACE } from '../src/serialize.js';
import { parseForXsd } from '../src/xsd.js';

// validateXhd's fast path: libxml2 parses once, and the model reader gets the light tree of lightdom.ts instead
// of a second, full parse by xmldom. These tests hold the light tree to what xmldom builds from the same text,
// on the fixture corpus and on variants that use every construct the light tree handles.

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const corpus = ['valid', 'invalid'].flatMap((directory) =>
  readdirSync(join(fixtures, directory)).map((file) => ({
    name: `${directory}/${file}`,
    xml: readFileSync(join(fixtures, directory, file), 'utf8'),
  })),
);
const reisepass = readFileSync(join(fixtures, 'valid', 'rp-reisepass.xml'), 'utf8');
const NS = 'http://www.bsi.de/trxhd/1.7';

/** What the model reader and the XPath mapping see of a tree; adjacent text and CDATA merged, as they read it. */
function project(element: DomElement): unknown {
  const children: unknown[] = [];
  let text: string | undefined;
  for (let node: DomNode | null = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1) {
      if (text !== undefined) children.push(text);
      text = undefined;
      children.push(project(node as DomElement));
    } else if (node.nodeType === 3 || node.nodeType === 4) text = (text ?? '') + (node.nodeValue ?? '');
  }
  if (text !== undefined) children.push(text);
  return {
    nodeName: element.nodeName,
    localName: element.localName,
    prefix: element.prefix,
    namespaceURI: element.namespaceURI,
    lineNumber: element.lineNumber,
    xsiType: element.getAttributeNS(XSI_NAMESPACE, 'type') ?? '',
    textContent: element.textContent,
    children,
  };
}

/** Every attribute xmldom has, looked up on the light element by namespace and local name. */
function attributesAgree(light: DomElement, xmldom: DomElement): void {
  const attributes = (xmldom as unknown as { attributes: ArrayLike<DomNode & { value: string }> }).attributes;
  for (let index = 0; index < attributes.length; index++) {
    const attribute = attributes[index];
    if (attribute === undefined) continue;
    expect(light.getAttributeNS(attribute.namespaceURI, attribute.localName ?? '')).toBe(attribute.value);
  }
  let l = light.firstChild;
  let x = xmldom.firstChild;
  for (; x !== null; x = x.nextSibling) {
    if (x.nodeType !== 1) continue;
    while (l !== null && l.nodeType !== 1) l = l.nextSibling;
    expect(l).not.toBeNull();
    if (l === null) return;
    attributesAgree(l as DomElement, x as DomElement);
    l = l.nextSibling;
  }
}

function modelOrError(read: () => unknown): unknown {
  try {
    return { model: read() };
  } catch (error) {
    const { code, message, details } = error as { code?: string; message: string; details?: unknown };
    return { code, message, details };
  }
}

/** Asserts that the light tree (when built) reads exactly like xmldom's tree; returns whether it was built. */
async function agrees(xml: string): Promise<boolean> {
  const parsed = await parseForXsd(xml);
  if (parsed === undefined) return false; // libxml2 refuses it: validateXhd takes the general path
  parsed.dispose();
  const scan = scanWellFormed(xml, 100_000);
  if (scan === undefined) return false;
  if (!('root' in scan)) throw new Error('unexpected element limit');
  const reference = parseDom(xml);
  expect(project(scan.root)).toEqual(project(reference));
  attributesAgree(scan.root, reference);
  expect(modelOrError(() => parseRoot(scan.root))).toEqual(modelOrError(() => parseRoot(reference)));
  return true;
}

const base64Lines = (xml: string) =>
  xml.replace(
    /(<xhd:Daten>)([A-Za-z0-9+/=]+)(<\/xhd:Daten>)/g,
    (_, open: string, data: string, close: string) => {
      const lines = data.match(/.{1,76}/g) ?? [];
      return `${open}\n${lines.join('\n')}\n${close}`;
    },
  );

/** Variants of a valid order that use what the light tree must handle as xmldom does. */
const VARIANTS: Readonly<Record<string, (xml: string) => string>> = {
  'CRLF line ends': (xml) => xml.replaceAll('\n', '\r\n'),
  'CR line ends': (xml) => xml.replaceAll('\n', '\r'),
  'XML 1.1 line ends in text (U+0085, U+2028, U+2029)': (xml) =>
    xml
      .replace('Mustermann', 'Muster\u2028mann\u2029')
      .replace('Erika', 'Er\r\u0085ika')
      .replace('Berlin', 'Ber\u0085lin'),
  'entity and character references': (xml) =>
    xml
      .replaceAll('Köln', 'K&#246;ln &#xF6; &#x1F600; &amp;&lt;&gt;&quot;&apos;')
      .replace('Mustermann', 'Muster&amp;mann'),
  'CDATA sections': (xml) =>
    xml.replace(
      '<xhd:Name>Mustermann</xhd:Name>',
      '<xhd:Name><![CDATA[Muster<&>]]>mann<![CDATA[]]></xhd:Name>',
    ),
  'comments and processing instructions inside': (xml) =>
    xml
      .replace('<xhd:Name>Mustermann</xhd:Name>', '<xhd:Name>Muster<!-- x -->mann<?pi data?></xhd:Name>')
      .replace('<xhd:Nachrichtenkopf>', '<!-- vor dem Kopf --><?pi x?><xhd:Nachrichtenkopf>'),
  'comments, PIs and space around the root': (xml) =>
    `${xml.replace('?>\n', '?>\n<!-- a -->\n<?pi b?>\n')}\n<!-- c -->\n<?pi d?>\n  \n`,
  'no XML declaration': (xml) => xml.slice(xml.indexOf('?>') + 2).trimStart(),
  'XML declaration in single quotes, standalone': (xml) =>
    xml.replace(
      '<?xml version="1.0" encoding="UTF-8"?>',
      "<?xml version = '1.0' encoding='UTF-8' standalone='yes' ?>",
    ),
  'space in end tags and before />': (xml) => xml.replaceAll('</xhd:Name>', '</xhd:Name \n >'),
  'empty elements, self-closing and not': (xml) =>
    xml.replace('<xhd:Name>Erika</xhd:Name>', '<xhd:Name />').replace('Mustermann', ''),
  'attributes in single quotes, spaces around =, tabs and line ends in values': (xml) =>
    xml.replace(
      'xsi:type="xhd:AntragsdatensatzPassType"',
      "xsi:type = 'xhd:AntragsdatensatzPassType'\n\tfoo='a\tb\nc&#9;d&#10;e' xml:lang=\"de\"",
    ),
  'default namespace instead of the prefix': (xml) =>
    xml.replace(/<(\/?)xhd:/g, '<$1').replace('xmlns:xhd=', `xmlns="${NS}" xmlns:xhd=`),
  'another prefix, declared on an inner element': (xml) =>
    xml
      .replace('<xhd:Nachrichtenkopf>', `<k:Nachrichtenkopf xmlns:k="${NS}">`)
      .replace('</xhd:Nachrichtenkopf>', '</k:Nachrichtenkopf>'),
  'a prefix bound to another URI in an inner scope only': (xml) =>
    xml.replace('<xhd:Nachrichtenkopf>', '<xhd:Nachrichtenkopf xmlns:xsi="urn:other" xsi:type="x">'),
  'the default namespace in an inner scope only': (xml) => {
    const start = xml.indexOf('<xhd:Nachrichtenkopf>');
    const end = xml.indexOf('</xhd:Nachrichtenkopf>') + '</xhd:Nachrichtenkopf>'.length;
    const kopf = xml
      .slice(start, end)
      .replace(/<(\/?)xhd:/g, '<$1')
      .replace('<Nachrichtenkopf>', `<Nachrichtenkopf xmlns="${NS}">`);
    return xml.slice(0, start) + kopf + xml.slice(end);
  },
  'base64 in lines of 76 characters': base64Lines,
  'non-canonical base64 padding bits': (xml) =>
    xml.replace(
      /(<xhd:Daten>[A-Za-z0-9+/]*)([A-Za-z0-9+/])(=<\/xhd:Daten>)/,
      (_, a: string, __, c: string) => `${a}B${c}`,
    ),
  'an unknown element': (xml) =>
    xml.replace('<xhd:AntragsID>', '<xhd:Unbekannt>x</xhd:Unbekannt><xhd:AntragsID>'),
  'text where only elements belong': (xml) => xml.replace('<xhd:AntragsID>', 'Text<xhd:AntragsID>'),
};

/** Well-formed variants the light tree leaves to xmldom. */
const LEFT_TO_XMLDOM: Readonly<Record<string, (xml: string) => string>> = {
  'XML 1.1': (xml) => xml.replace('version="1.0"', 'version="1.1"'),
  'a signature in xhd:any (another namespace)': (xml) =>
    xml.replace(
      '</xhd:BestellungDokument>',
      '<xhd:any><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></xhd:any></xhd:BestellungDokument>',
    ),
  'a non-ASCII element name': (xml) => xml.replace('<xhd:AntragsID>', '<xhd:Größe/><xhd:AntragsID>'),
  'a namespace undeclared with xmlns=""': (xml) => xml.replace('<xhd:AntragsID>', '<xhd:AntragsID xmlns="">'),
  'a root in no namespace': () => '<BestellungDokument><a/></BestellungDokument>',
};

describe('light tree (validateXhd fast path)', () => {
  it.each(corpus.map((f) => [f.name, f.xml] as const))('reads %s as xmldom does', async (name, xml) => {
    const built = await agrees(xml);
    // Every fixture but the refused ones (DOCTYPE, not well-formed) takes the fast path.
    expect(built).toBe(!/doctype|malformed/.test(name));
  });

  it.each(Object.entries(VARIANTS))('reads a variant with %s as xmldom does', async (_, variant) => {
    const xml = variant(reisepass);
    expect(xml).not.toBe(reisepass);
    expect(await agrees(xml)).toBe(true);
  });

  it.each(Object.entries(LEFT_TO_XMLDOM))('leaves %s to xmldom', async (_, variant) => {
    const xml = variant(reisepass);
    expect(scanWellFormed(xml, 100_000)).toBeUndefined();
    // … and validateXhd still reads it through xmldom, as before.
    const result = await validateXhd(xml);
    expect(result.issues.every((issue) => issue.code !== 'XML_MALFORMED')).toBe(true);
  });

  it('gives validateXhd the same model and XPaths as the general path', async () => {
    for (const variant of [(xml: string) => xml, ...Object.values(VARIANTS)]) {
      const xml = variant(reisepass);
      const result = await validateXhd(xml);
      const reference = modelOrError(() => parseXhdMessage(xml));
      if ('model' in (reference as object))
        expect(result.message).toEqual((reference as { model: unknown }).model);
    }
    const broken = reisepass.replace('<xhd:Groesse>160</xhd:Groesse>', '<xhd:Groesse>abc</xhd:Groesse>');
    const issues = await validateSchema(broken);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.path).toMatch(/\/xhd:Groesse$/);
  });

  it('counts elements against maxElements as parseDom does', async () => {
    const result = await validateXhd(reisepass, { maxElements: 20 });
    expect(result.issues.map((i) => i.code)).toEqual(['INPUT_TOO_LARGE']);
    expect(() => parseXhdMessage(reisepass, { maxElements: 20 })).toThrow(
      expect.objectContaining({ message: result.issues[0]?.params.detail }),
    );
  });

  it('stays linear with many attributes, namespace declarations and nesting levels, without line ends', () => {
    // Quadratic work anywhere (a line count, a namespace map copied per element, a duplicate-attribute scan)
    // would take minutes here; linear work takes well under a second.
    const attributes = Array.from({ length: 50_000 }, (_, i) => ` a${i}="${i}"`).join('');
    const depth = 50_000;
    const open = Array.from({ length: depth }, (_, i) => `<p:e xmlns:p="${NS}" xmlns:q${i}="urn:${i}">`).join(
      '',
    );
    const xml = `<p:root xmlns:p="${NS}"${attributes}>${open}${'</p:e>'.repeat(depth)}</p:root>`;
    const started = performance.now();
    const scan = scanWellFormed(xml, 2 * depth);
    expect(scan !== undefined && 'root' in scan).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(scanWellFormed(xml, depth)).toEqual({ tooManyElements: true });
  });

  it('still leaves the libxml2 refusals to the general path', async () => {
    const unbound = reisepass
      .replace('<xhd:AntragsID>', '<q:AntragsID>')
      .replace('</xhd:AntragsID>', '</q:AntragsID>');
    expect(await parseForXsd(unbound)).toBeUndefined();
    expect((await validateXhd(unbound)).issues.map((i) => i.code)).toEqual(['XML_MALFORMED']);
    const loneSurrogate = reisepass.replace('Mustermann', 'Muster\ud800mann');
    expect(await parseForXsd(loneSurrogate)).toBeUndefined();
    expect((await validateXhd(loneSurrogate)).valid).toBe(false);
  });
});

describe('fromBase64', () => {
  it('decodes canonical base64 and keeps the strict checks for everything else', () => {
    expect(fromBase64('')).toEqual(new Uint8Array());
    expect(fromBase64('AQID')).toEqual(new Uint8Array([1, 2, 3]));
    expect(fromBase64('AQI=')).toEqual(new Uint8Array([1, 2]));
    expect(fromBase64('AQ==')).toEqual(new Uint8Array([1]));
    expect(fromBase64('AR==')).toEqual(new Uint8Array([1])); // non-canonical padding bits, accepted as before
    expect(fromBase64(' AQ\nID \t')).toEqual(new Uint8Array([1, 2, 3]));
    for (const bad of ['AQI', 'AQ-D', 'AQ_D', 'A=QI', 'AQID=', 'AQ===', '****', 'AQ\u00e4D'])
      expect(fromBase64(bad)).toBeUndefined();
    expect(fromBase64('AQID')).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(fromBase64('AQID'))).toBe(false);
  });
});

describe('assertSafeXml', () => {
  it('refuses DOCTYPE and ENTITY in any letter case, anywhere, exactly as /<!DOCTYPE|<!ENTITY/i', () => {
    const samples = [
      '<!DOCTYPE x><x/>',
      '<x><!-- <!doctype --></x>',
      '<x><![CDATA[<!EnTiTy]]></x>',
      '<x>&lt;!ENTITY</x>',
      '<x><!-- --></x>',
      '<x><![CDATA[ ]]></x>',
      '<!DOCTYP><x/>',
      '<!ENTIT',
      '<!ENT\u0131TY',
      '<!DOCTYPE',
      '<<!!DocType',
      '',
    ];
    for (const xml of samples) {
      const refused = (() => {
        try {
          assertSafeXml(xml);
          return false;
        } catch (error) {
          return (error as { code?: string }).code === 'XHD_DOCTYPE_FORBIDDEN';
        }
      })();
      expect(refused, xml).toBe(/<!DOCTYPE|<!ENTITY/i.test(xml));
    }
  });
});
