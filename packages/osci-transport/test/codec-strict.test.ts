import { describe, expect, it } from 'vitest';
import { parseOsciMessage, serializeOsciMessage } from '../src/codec/index.js';
import type { OsciMessage } from '../src/model/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';

function code(fn: () => unknown): { code: unknown; details: unknown } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code?: unknown }).code, details: (e as { details?: unknown }).details };
  }
  throw new Error('expected an error');
}

const xml = (m: OsciMessage) => serializeOsciMessage(m);

describe('codec strict parser', () => {
  it('refuses DOCTYPE and entities', () => {
    const doc = xml(SAMPLES.exitDialog).replace(
      '<soap:Envelope',
      '<!DOCTYPE x [<!ENTITY e "x">]><soap:Envelope',
    );
    expect(code(() => parseOsciMessage(doc)).code).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('refuses malformed XML', () => {
    expect(
      code(() => parseOsciMessage('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'))
        .code,
    ).toBe('XML_INVALID');
  });

  it('refuses documents over the size limit', () => {
    expect(code(() => parseOsciMessage(xml(SAMPLES.exitDialog), { maxBytes: 100 })).code).toBe(
      'XML_TOO_LARGE',
    );
  });

  it('reports unknown message types', () => {
    const x = xml(SAMPLES.exitDialog).replace('<osci:exitDialog/>', '<osci:frobnicateDelivery/>');
    expect(code(() => parseOsciMessage(x))).toMatchObject({
      code: 'MESSAGE_TYPE_UNKNOWN',
      details: { element: 'frobnicateDelivery' },
    });
    const y = xml(SAMPLES.fetchDelivery).replaceAll('osci:fetchDelivery', 'osci:fetchEverything');
    expect(code(() => parseOsciMessage(y)).code).toBe('MESSAGE_TYPE_UNKNOWN');
  });

  it('reports missing required elements with a path', () => {
    const x = xml(SAMPLES.storeDelivery).replace(/<osci:DesiredLanguages[^>]*\/>/, '');
    expect(code(() => parseOsciMessage(x))).toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { path: '/Envelope/Header/DesiredLanguages' },
    });
    const y = xml(SAMPLES.exitDialog).replace(/<osci:Challenge>c4<\/osci:Challenge>/, '');
    expect(code(() => parseOsciMessage(y))).toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { path: '/Envelope/Header/ControlBlock/Challenge' },
    });
    const z = xml(SAMPLES.storeDelivery).replace(/<osci:ContentPackage>.*<\/osci:ContentPackage>/, '');
    expect(code(() => parseOsciMessage(z))).toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { path: '/Envelope/Body/ContentPackage' },
    });
  });

  it('refuses prohibited ControlBlock fields, wrong actors, out-of-order and extra elements', () => {
    const a = xml(SAMPLES.initDialog).replace(
      '<osci:ControlBlock Id="controlblock"',
      '<osci:ControlBlock ConversationId="5" Id="controlblock"',
    );
    expect(code(() => parseOsciMessage(a))).toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { path: '/Envelope/Header/ControlBlock/@ConversationId' },
    });
    const b = xml(SAMPLES.exitDialog).replace(
      'soap:actor="http://schemas.xmlsoap.org/soap/actor/next" LanguagesList',
      'soap:actor="urn:other" LanguagesList',
    );
    expect(code(() => parseOsciMessage(b)).code).toBe('MESSAGE_INVALID');
    const s = xml(SAMPLES.storeDelivery);
    const dl = /<osci:DesiredLanguages[^>]*\/>/.exec(s)?.[0] ?? '';
    const c = s.replace(dl, '').replace('<osci:storeDelivery', `${dl}<osci:storeDelivery`);
    expect(code(() => parseOsciMessage(c)).code).toBe('MESSAGE_INVALID');
    const d = xml(SAMPLES.exitDialog).replace('<osci:exitDialog/>', '<osci:exitDialog/><osci:exitDialog/>');
    expect(code(() => parseOsciMessage(d)).code).toBe('MESSAGE_INVALID');
    const e = xml(SAMPLES.exitDialog).replace(
      '<osci:exitDialog/>',
      '<osci:exitDialog>text</osci:exitDialog>',
    );
    expect(code(() => parseOsciMessage(e)).code).toBe('MESSAGE_INVALID');
  });

  it('refuses a non-SOAP root and a missing Body Id', () => {
    expect(code(() => parseOsciMessage('<a/>')).code).toBe('MESSAGE_INVALID');
    const x = xml(SAMPLES.exitDialog).replace('<soap:Body Id="body">', '<soap:Body>');
    expect(code(() => parseOsciMessage(x))).toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { path: '/Envelope/Body/@Id' },
    });
  });

  it('keeps foreign header blocks and refuses unknown OSCI header blocks', () => {
    const x = xml(SAMPLES.exitDialog).replace(
      '</soap:Header>',
      '<f:Trace xmlns:f="urn:foreign">1</f:Trace></soap:Header>',
    );
    expect(parseOsciMessage(x)).toMatchObject({
      customHeaders: ['<f:Trace xmlns:f="urn:foreign">1</f:Trace>'],
    });
    const y = xml(SAMPLES.exitDialog).replace('</soap:Header>', '<osci:Whatever/></soap:Header>');
    expect(code(() => parseOsciMessage(y)).code).toBe('MESSAGE_TYPE_UNKNOWN');
  });

  it('serialiser refuses incomplete messages and fragments that would break the structure', () => {
    const noChallenge = { ...SAMPLES.initDialog, controlBlock: { id: 'cb' } } as unknown as OsciMessage;
    expect(code(() => serializeOsciMessage(noChallenge))).toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { path: '/Envelope/Header/ControlBlock/Challenge' },
    });
    const broken = {
      ...SAMPLES.storeDelivery,
      contentPackage: { encryptedData: ['</osci:ContentPackage><osci:Evil/>'] },
    } as OsciMessage;
    expect(code(() => serializeOsciMessage(broken)).code).toBe('MESSAGE_INVALID');
    const wrongRoot = {
      ...SAMPLES.storeDelivery,
      clientSignature: { id: 's', signature: '<x/>' },
    } as OsciMessage;
    expect(code(() => serializeOsciMessage(wrongRoot)).code).toBe('MESSAGE_INVALID');
    const noAddressee = {
      ...SAMPLES.storeDelivery,
      nonIntermediaryCertificates: { id: 'n' },
    } as unknown as OsciMessage;
    expect(code(() => serializeOsciMessage(noAddressee))).toMatchObject({
      details: { path: '/Envelope/Header/NonIntermediaryCertificates/CipherCertificateAddressee' },
    });
  });
});
