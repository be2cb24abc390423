import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DvdvError, parseServiceDescription } from '../src/index.js';

const wsdl = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'data', 'service-descriptions', `${name}.wsdl`), 'utf8');

function failure(xml: string): string {
  try {
    parseServiceDescription(xml);
  } catch (error) {
    if (error instanceof DvdvError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'parsed';
}

const W = 'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:dvdv="urn:egovkit:dvdv:service-description:1"';

describe('parseServiceDescription', () => {
  it('reads name, namespace, documentation, categories, transport, required elements and ports', () => {
    const description = parseServiceDescription(wsdl('xhd-passantrag'));
    expect(description).toEqual({
      name: 'xhd-passantrag',
      targetNamespace: 'urn:egovkit-demo:dvdv:xhd-passantrag',
      documentation:
        '<p>Empfang von Passantragsdaten (XhD, BSI TR-03123) beim Passhersteller nach PassDEÜV.</p>',
      version: '1.0',
      providerCategories: ['passhersteller'],
      consumerCategories: ['passbehoerde'],
      transport: { protocol: 'OSCI-Transport', version: '1.2', scenario: 'asynchronous' },
      requiredElements: ['intermediary', 'encryptionCertificate', 'signatureCertificate'],
      ports: [
        {
          service: 'Passantrag',
          port: 'OsciPassantrag',
          binding: 'dvdv:osci',
          intermediaryUrl: undefined,
          addressee: undefined,
        },
      ],
    });
  });

  it('reads an OSCI endpoint of a port and resolves namespaces by URI, not prefix', () => {
    expect(parseServiceDescription(wsdl('xmeld-rueckmeldung')).ports[0]).toMatchObject({
      intermediaryUrl: 'https://osci.beispielstadt.example/intermediary',
      addressee: 'ags:064120000000',
    });
    const renamed = `<w:definitions xmlns:w="http://schemas.xmlsoap.org/wsdl/" name="n" targetNamespace="urn:t">
      <w:documentation>a &amp; b &#x3C;&#60;</w:documentation></w:definitions>`;
    expect(parseServiceDescription(renamed)).toMatchObject({ name: 'n', documentation: 'a & b <<' });
  });

  it('refuses a DOCTYPE, so no entity expansion or external entity can happen', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <wsdl:definitions ${W} name="n" targetNamespace="urn:t"><wsdl:documentation>&x;</wsdl:documentation></wsdl:definitions>`;
    expect(failure(xxe)).toMatch(/^DVDV_SERVICE_DESCRIPTION_INVALID: .*DOCTYPE/);
  });

  it.each([
    ['unknown entity', `<wsdl:definitions ${W} name="n" targetNamespace="u">&x;</wsdl:definitions>`],
    ['mismatched end tag', `<wsdl:definitions ${W} name="n" targetNamespace="u"></wsdl:service>`],
    ['unclosed element', `<wsdl:definitions ${W} name="n" targetNamespace="u">`],
    ['undeclared prefix', '<x:definitions name="n"/>'],
    ['wrong root', '<definitions name="n" targetNamespace="u"/>'],
    ['missing name', `<wsdl:definitions ${W} targetNamespace="u"/>`],
    ['two roots', `<wsdl:definitions ${W} name="n" targetNamespace="u"/><x/>`],
    ['duplicate attribute', `<wsdl:definitions ${W} name="n" name="m" targetNamespace="u"/>`],
    ['text outside the root', `junk<wsdl:definitions ${W} name="n" targetNamespace="u"/>`],
    [
      'transport without protocol',
      `<wsdl:definitions ${W} name="n" targetNamespace="u"><dvdv:description><dvdv:transport/></dvdv:description></wsdl:definitions>`,
    ],
  ])('rejects %s', (_, xml) => {
    expect(failure(xml)).toMatch(/^DVDV_SERVICE_DESCRIPTION_INVALID/);
  });
});
