import { describe, expect, it } from 'vitest';
import {
  findElement,
  findElements,
  getElementByIdStrict,
  parseXmlStrict,
  serializeXml,
} from '../src/xml/parse.js';
import { codeOf } from './helpers/security-fixtures.js';

describe('parseXmlStrict', () => {
  it('parses namespace-aware and finds elements by namespace, local name and Id', () => {
    const document = parseXmlStrict(
      '<?xml version="1.0" encoding="UTF-8"?><a:root xmlns:a="urn:a"><a:item Id="x">1</a:item><b xmlns="urn:a" id="y"/></a:root>',
    );
    expect(findElements(document, 'urn:a', 'item')).toHaveLength(1);
    expect(findElement(document, 'urn:a', 'b')?.getAttribute('id')).toBe('y');
    expect(getElementByIdStrict(document, 'x').localName).toBe('item');
    expect(getElementByIdStrict(document, 'y').localName).toBe('b');
    expect(serializeXml(document)).toContain('<a:item Id="x">1</a:item>');
  });

  it('accepts UTF-8 bytes with a byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<r>Grüße</r>', 'utf8')]);
    expect(parseXmlStrict(bytes).documentElement?.textContent).toBe('Grüße');
  });

  it('refuses an external entity (XXE) before parsing', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(await codeOf(() => parseXmlStrict(xxe))).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('refuses billion laughs', async () => {
    const lol =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
    expect(await codeOf(() => parseXmlStrict(lol))).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('refuses a DOCTYPE without entities and a bare ENTITY declaration', async () => {
    expect(await codeOf(() => parseXmlStrict('<!DOCTYPE r><r/>'))).toBe('XML_DOCTYPE_FORBIDDEN');
    expect(await codeOf(() => parseXmlStrict('<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>'))).toBe(
      'XML_DOCTYPE_FORBIDDEN',
    );
    expect(await codeOf(() => parseXmlStrict('<r/><!ENTITY x "y">'))).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('does not mistake declarations inside comments or CDATA for real ones', () => {
    const document = parseXmlStrict('<r><!-- <!DOCTYPE x> --><![CDATA[<!DOCTYPE html><p>]]></r>');
    expect(document.documentElement?.textContent).toBe('<!DOCTYPE html><p>');
  });

  it('refuses malformed XML, unbound prefixes and undefined entities', async () => {
    expect(await codeOf(() => parseXmlStrict('<a><b></a>'))).toBe('XML_INVALID');
    expect(await codeOf(() => parseXmlStrict('<a x="1" x="2"/>'))).toBe('XML_INVALID');
    expect(await codeOf(() => parseXmlStrict('<p:a/>'))).toBe('XML_INVALID');
    expect(await codeOf(() => parseXmlStrict('<a>&nope;</a>'))).toBe('XML_INVALID');
    expect(await codeOf(() => parseXmlStrict(''))).toBe('XML_INVALID');
    expect(await codeOf(() => parseXmlStrict('<a/><b/>'))).toBe('XML_INVALID');
  });

  it('refuses other encodings than UTF-8', async () => {
    expect(await codeOf(() => parseXmlStrict('<?xml version="1.0" encoding="ISO-8859-1"?><r/>'))).toBe(
      'XML_INVALID',
    );
    expect(
      await codeOf(() => parseXmlStrict(Buffer.from([0x3c, 0x72, 0x3e, 0xe4, 0x3c, 0x2f, 0x72, 0x3e]))),
    ).toBe('XML_INVALID');
    expect(await codeOf(() => parseXmlStrict(Buffer.from('\ufeff<r/>', 'utf16le')))).toBe('XML_INVALID');
    expect(parseXmlStrict('<?xml version="1.0" encoding="utf-8"?><r/>').documentElement?.localName).toBe('r');
  });

  it('refuses documents over the size limit', async () => {
    const big = `<r>${'x'.repeat(2000)}</r>`;
    expect(await codeOf(() => parseXmlStrict(big, { maxBytes: 1000 }))).toBe('XML_TOO_LARGE');
    expect(await codeOf(() => parseXmlStrict(Buffer.from(big), { maxBytes: 1000 }))).toBe('XML_TOO_LARGE');
    expect(parseXmlStrict(big, { maxBytes: 5000 }).documentElement?.textContent).toHaveLength(2000);
  });

  it('refuses a duplicate Id when resolving references', async () => {
    const document = parseXmlStrict('<r><a Id="x"/><b ID="x"/></r>');
    expect(await codeOf(() => getElementByIdStrict(document, 'x'))).toBe('SIGNATURE_REFERENCE_INVALID');
    expect(await codeOf(() => getElementByIdStrict(document, 'missing'))).toBe('SIGNATURE_REFERENCE_INVALID');
  });
});
