import { describe, expect, it } from 'vitest';
import { attachmentReferences, parseOsciMessage, serializeOsciMessage } from '../src/codec/index.js';
import { buildMultipartRelated, parseMultipartRelated, requireParts } from '../src/mime/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';

function err(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  throw new Error('expected an error');
}

const soapXml = serializeOsciMessage(SAMPLES.storeDelivery);
const att = Buffer.from('binary \r\n--not-a-boundary \x00\xff data', 'latin1');

function sample(boundary = 'b1') {
  return buildMultipartRelated({
    soapXml,
    soapContentId: 'soap@test',
    attachments: [
      { contentId: 'attachment-1@egovkit', contentType: 'application/xml', data: att },
      { contentId: 'b64@test', transferEncoding: 'base64', data: Buffer.alloc(200, 7) },
    ],
    boundary,
  });
}

describe('mime multipart/related', () => {
  it('builds the SOAP part first and round-trips attachments', () => {
    const built = sample();
    const wire = built.toBuffer();
    const text = wire.toString('latin1');
    expect(
      text.startsWith(
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"; type="text/xml"; start="<soap@test>"\r\n\r\n--b1\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\nContent-ID: <soap@test>\r\n\r\n<?xml',
      ),
    ).toBe(true);
    expect(text.endsWith('\r\n--b1--\r\n')).toBe(true);
    const parsed = parseMultipartRelated(wire);
    expect(parsed.soapPart.body.toString('utf8')).toBe(soapXml);
    expect(parseOsciMessage(parsed.soapPart.body.toString('utf8'))).toEqual(SAMPLES.storeDelivery);
    expect(parsed.get('cid:attachment-1@egovkit')?.body.equals(att)).toBe(true);
    expect(parsed.get('b64@test')?.body.equals(Buffer.alloc(200, 7))).toBe(true);
    expect(parsed.get('b64@test')?.transferEncoding).toBe('base64');
    requireParts(parsed, attachmentReferences(SAMPLES.storeDelivery));
    // Parsing the body alone with the HTTP Content-Type header works too.
    const body = built.toBuffer({ withEntityHeaders: false });
    expect(parseMultipartRelated(body, { contentType: built.contentType }).attachments).toHaveLength(2);
  });

  it('generates a random boundary that does not occur in any part', () => {
    const a = buildMultipartRelated({ soapXml: 'x', attachments: [] });
    const b = buildMultipartRelated({ soapXml: 'x', attachments: [] });
    expect(a.boundary).not.toBe(b.boundary);
    expect(err(() => buildMultipartRelated({ soapXml: '--b1 inside', boundary: 'b1' }))).toBe('MIME_INVALID');
    expect(
      err(() =>
        buildMultipartRelated({
          soapXml: 'x',
          attachments: [{ contentId: 'soap', data: att }],
          soapContentId: 'soap',
        }),
      ),
    ).toBe('MIME_INVALID');
  });

  it('accepts the reference library layout (no start, unquoted boundary, 8-bit encoding, Content-Length)', () => {
    const wire = Buffer.from(
      'MIME-Version: 1.0\r\nContent-Type: Multipart/Related; boundary=MIME_boundary_x; type=text/xml\r\n\r\n' +
        '--MIME_boundary_x\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\nContent-ID: <m1>\r\n\r\n<a/>' +
        '\r\n--MIME_boundary_x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: 8-bit\r\nContent-ID: <a1>\r\nContent-Length: 3\r\n\r\nabc' +
        '\r\n--MIME_boundary_x--\r\n',
      'latin1',
    );
    const p = parseMultipartRelated(wire);
    expect(p.get('a1')?.body.toString()).toBe('abc');
  });

  it('takes the declared Content-Length when the library writes one CRLF more, and nothing else', () => {
    const build = (length: number, body: string) =>
      Buffer.from(
        'MIME-Version: 1.0\r\nContent-Type: Multipart/Related; boundary=MIME_boundary_x; type=text/xml\r\n\r\n' +
          `--MIME_boundary_x\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\nContent-ID: <m1>\r\nContent-Length: ${length}\r\n\r\n${body}` +
          '\r\n--MIME_boundary_x--\r\n',
        'latin1',
      );
    // The encrypted order of the OSCI library: "<xml>" CRLF CRLF "--boundary", Content-Length counts "<xml>".
    expect(parseMultipartRelated(build(4, '<a/>\r\n')).soapPart.body.toString('latin1')).toBe('<a/>');
    expect(parseMultipartRelated(build(6, '<a/>\r\n')).soapPart.body.toString('latin1')).toBe('<a/>\r\n');
    for (const [length, body] of [
      [4, '<a/>xy'],
      [3, '<a/>\r\n'],
      [5, '<a/>'],
    ] as const) {
      expect(() => parseMultipartRelated(build(length, body))).toThrow(
        expect.objectContaining({ code: 'MIME_INVALID' }),
      );
    }
  });

  const wire = sample().toBuffer().toString('latin1');
  const cases: Array<[string, string]> = [
    ['boundary string inside a part', wire.replace('binary ', 'binary --b1 ')],
    ['missing closing delimiter', wire.replace('\r\n--b1--\r\n', '\r\n')],
    [
      'preamble text before the first delimiter',
      wire.replace('\r\n\r\n--b1\r\n', '\r\n\r\nhidden part\r\n--b1\r\n'),
    ],
    ['content after the closing delimiter', `${wire}--b1\r\nContent-ID: <x>\r\n\r\nsmuggled`],
    ['duplicate Content-ID', wire.replace('Content-ID: <b64@test>', 'Content-ID: <attachment-1@egovkit>')],
    [
      'delimiter followed by garbage',
      wire.replace('\r\n--b1\r\nContent-Type: application/xml', '\r\n--b1x\r\nContent-Type: application/xml'),
    ],
    [
      'first part not text/xml',
      wire.replace('Content-Type: text/xml; charset=UTF-8', 'Content-Type: application/xml'),
    ],
    ['start naming another part', wire.replace('start="<soap@test>"', 'start="<attachment-1@egovkit>"')],
    ['Content-Length mismatch', wire.replace(/Content-Length: \d+/, 'Content-Length: 1')],
    [
      'duplicate header',
      wire.replace('Content-ID: <soap@test>', 'Content-ID: <soap@test>\r\nContent-ID: <other>'),
    ],
    ['not multipart/related', wire.replace('multipart/related', 'multipart/mixed')],
    [
      'unknown transfer encoding',
      wire.replace('Content-Transfer-Encoding: binary', 'Content-Transfer-Encoding: quoted-printable'),
    ],
  ];
  for (const [name, input] of cases) {
    it(`refuses ${name} (MIME_INVALID)`, () => {
      expect(err(() => parseMultipartRelated(Buffer.from(input, 'latin1')))).toBe('MIME_INVALID');
    });
  }

  it('reports a referenced but missing attachment (MIME_PART_MISSING)', () => {
    const built = buildMultipartRelated({ soapXml, attachments: [] });
    const p = parseMultipartRelated(built.toBuffer());
    expect(err(() => requireParts(p, attachmentReferences(SAMPLES.storeDelivery)))).toBe('MIME_PART_MISSING');
  });

  it('enforces part and total size limits (MIME_PART_TOO_LARGE)', () => {
    const buf = sample().toBuffer();
    expect(err(() => parseMultipartRelated(buf, { maxPartBytes: 100 }))).toBe('MIME_PART_TOO_LARGE');
    expect(err(() => parseMultipartRelated(buf, { maxTotalBytes: 100 }))).toBe('MIME_PART_TOO_LARGE');
    expect(err(() => parseMultipartRelated(buf, { maxParts: 2 }))).toBe('MIME_INVALID');
  });
});
