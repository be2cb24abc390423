import { describe, expect, it } from 'vitest';
import { buildXhd, parseXhd, serializeXhd, validateXhd, XhdError } from '../src/index.js';
import { bestellung } from './helpers.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XENC = 'http://www.w3.org/2001/04/xmlenc#';

// Shape of TR-03132 § 4.2 (enveloped signature, one Reference with URI=""); values are placeholders.
const signature = [
  `<ds:Signature xmlns:ds="${DS}">`,
  '<ds:SignedInfo>',
  '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>',
  '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>',
  '<ds:Reference URI="">',
  '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>',
  '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>',
  '<ds:DigestValue>AAAA</ds:DigestValue>',
  '</ds:Reference>',
  '</ds:SignedInfo>',
  '<ds:SignatureValue>AAAA</ds:SignatureValue>',
  '</ds:Signature>',
].join('\n');
const encrypted = `<xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element"><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`;

function errorOf(action: () => unknown): XhdError {
  try {
    action();
  } catch (error) {
    if (error instanceof XhdError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('xhd:any (signature / encryption slot, TR-03132 § 4)', () => {
  it('keeps the elements on build, parse and serialise, byte for byte', async () => {
    const { xml, message } = buildXhd({ ...bestellung, any: [encrypted, signature] });
    expect(message.any).toEqual([encrypted, signature]);
    expect(xml).toContain(`  <xhd:any>\n    ${encrypted}\n    <ds:Signature xmlns:ds="${DS}">`);
    expect(xml.trimEnd().endsWith('</ds:Signature>\n  </xhd:any>\n</xhd:BestellungDokument>')).toBe(true);
    const parsed = parseXhd(xml);
    expect(parsed).toEqual(message);
    expect(serializeXhd(parsed)).toBe(xml);
    const result = await validateXhd(xml);
    expect(result.issues).toEqual([]);
    expect(result.message?.any).toEqual([encrypted, signature]);
  });

  it('gives an element its namespace declarations when they were on the root (as in the TR example)', () => {
    const { xml } = buildXhd(bestellung);
    const tr = xml
      .replace('<xhd:BestellungDokument ', `<xhd:BestellungDokument xmlns:ds="${DS}" `)
      .replace(
        '</xhd:BestellungDokument>',
        '<xhd:any>\n<ds:Signature><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>\n</xhd:any>\n<xhd:any/>\n</xhd:BestellungDokument>',
      );
    const parsed = parseXhd(tr);
    expect(parsed.any).toEqual([
      `<ds:Signature xmlns:ds="${DS}"><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>`,
    ]);
    const again = serializeXhd(parsed);
    expect(parseXhd(again)).toEqual(parsed);
    expect(serializeXhd(parseXhd(again))).toBe(again);
  });

  it('leaves the slot out when empty', () => {
    const { xml, message } = buildXhd({ ...bestellung, any: [] });
    expect(message.any).toBeUndefined();
    expect(xml).not.toContain('xhd:any');
    expect(parseXhd(xml).any).toBeUndefined();
  });

  it('refuses anything but one well-formed element outside XhD', () => {
    const cases = [
      '<ds:Signature xmlns:ds="urn:x">',
      '<a xmlns="urn:x"/><b xmlns="urn:x"/>',
      'text<a xmlns="urn:x"/>',
      '<Signature/>',
      '<x:Nutzdaten xmlns:x="http://www.bsi.de/trxhd/1.7"/>',
      '<?xml version="1.0"?><a xmlns="urn:x"/>',
      '<!DOCTYPE a><a xmlns="urn:x"/>',
      '',
    ];
    for (const any of cases) {
      const error = errorOf(() => buildXhd({ ...bestellung, any: [any] }));
      expect(error.code, any).toBe('XHD_BUILD_INVALID');
      expect(error.details?.path).toBe('any[0]');
    }
    const { message } = buildXhd(bestellung);
    expect(errorOf(() => serializeXhd({ ...message, any: ['<a>'] })).code).toBe('XHD_VALUE_INVALID');
  });

  it('the parser refuses XhD or no-namespace elements and text in xhd:any', () => {
    const { xml } = buildXhd(bestellung);
    const withAny = (inner: string) =>
      xml.replace('</xhd:BestellungDokument>', `<xhd:any>${inner}</xhd:any>\n</xhd:BestellungDokument>`);
    const noNs = errorOf(() => parseXhd(withAny('<Signature/>')));
    expect(noNs.code).toBe('XHD_VALUE_INVALID');
    expect(noNs.details?.path).toBe('/xhd:BestellungDokument/xhd:any[1]/*[1]');
    expect(errorOf(() => parseXhd(withAny('<xhd:Foo/>'))).code).toBe('XHD_VALUE_INVALID');
    expect(errorOf(() => parseXhd(withAny('signed'))).code).toBe('XHD_ELEMENT_UNEXPECTED');
  });
});
