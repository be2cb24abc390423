import { describe, expect, it } from 'vitest';
import {
  buildSoapEnvelope,
  createKbaClient,
  getSoapFault,
  KbaWsError,
  parseSoapEnvelope,
  SOAP_ENVELOPE_NAMESPACES,
} from '../src/index.js';
import {
  clientOptions,
  memorySink,
  requestBody,
  startSoapServer,
  validContext,
} from './helpers/soap-server.js';

const SOAP11 = SOAP_ENVELOPE_NAMESPACES['1.1'];
const SOAP12 = SOAP_ENVELOPE_NAMESPACES['1.2'];

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof KbaWsError ? error.code : 'NOT_A_KBA_ERROR';
  }
  return undefined;
}

describe('SOAP envelopes', () => {
  it('build 1.1 and 1.2 envelopes from XML text or element objects, and parse them back', () => {
    for (const version of ['1.1', '1.2'] as const) {
      const xml = buildSoapEnvelope({
        version,
        header: { 'h:kopf': { '@_xmlns:h': 'urn:h', 'h:id': '4711' } },
        body: { 'b:anfrage': { '@_xmlns:b': 'urn:b', 'b:kennzeichen': 'MU-XY 123', 'b:nummer': '0012' } },
      });
      expect(xml).toContain(`xmlns:soap="${SOAP_ENVELOPE_NAMESPACES[version]}"`);
      const parsed = parseSoapEnvelope(xml);
      expect(parsed.version).toBe(version);
      expect(parsed.header).toMatchObject({ kopf: { id: '4711' } });
      // Leading zeros stay: values are never turned into numbers.
      expect(parsed.body).toMatchObject({ anfrage: { kennzeichen: 'MU-XY 123', nummer: '0012' } });
      expect(parsed.fault).toBeUndefined();
    }
    expect(buildSoapEnvelope({ version: '1.1', body: '<a>&amp;</a>' })).toContain(
      '<soap:Body><a>&amp;</a></soap:Body>',
    );
  });

  it('escape text content of element objects', () => {
    const xml = buildSoapEnvelope({ version: '1.1', body: { anfrage: { name: '</name><injected/>' } } });
    expect(parseSoapEnvelope(xml).body).toEqual({ anfrage: { name: '</name><injected/>' } });
  });

  it('refuse malformed bodies and bodies with DTDs before sending', () => {
    expect(codeOf(() => buildSoapEnvelope({ version: '1.1', body: '<a><b></a>' }))).toBe('XML_INVALID');
    expect(
      codeOf(() => buildSoapEnvelope({ version: '1.1', body: '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>' })),
    ).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('refuse XXE, entity expansion, wrong namespaces, a missing or doubled Body', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><a>&x;</a></soap:Body></soap:Envelope>`;
    expect(codeOf(() => parseSoapEnvelope(xxe))).toBe('XML_DOCTYPE_FORBIDDEN');
    const lol = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><a>&b;</a></soap:Body></soap:Envelope>`;
    expect(codeOf(() => parseSoapEnvelope(lol))).toBe('XML_DOCTYPE_FORBIDDEN');
    expect(codeOf(() => parseSoapEnvelope('<Envelope xmlns="urn:other"><Body/></Envelope>'))).toBe(
      'SOAP_INVALID',
    );
    expect(codeOf(() => parseSoapEnvelope(`<s:Envelope xmlns:s="${SOAP11}"><s:Header/></s:Envelope>`))).toBe(
      'SOAP_INVALID',
    );
    expect(
      codeOf(() => parseSoapEnvelope(`<s:Envelope xmlns:s="${SOAP11}"><s:Body/><s:Body/></s:Envelope>`)),
    ).toBe('SOAP_INVALID');
    expect(codeOf(() => parseSoapEnvelope('<s:Envelope xmlns:s="x"><s:Body>'))).toBe('XML_INVALID');
    expect(
      codeOf(() =>
        parseSoapEnvelope(`<s:Envelope xmlns:s="${SOAP12}"><s:Body/></s:Envelope>`, { version: '1.1' }),
      ),
    ).toBe('SOAP_INVALID');
  });

  it('read SOAP 1.1 and 1.2 faults, with personal data redacted by default', () => {
    const fault11 = parseSoapEnvelope(
      `<s:Envelope xmlns:s="${SOAP11}"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>Kein Fahrzeug MU-XY 123 für Halter geb. 01.02.1980</faultstring><faultactor>urn:kba</faultactor><detail><code>4711</code></detail></s:Fault></s:Body></s:Envelope>`,
    ).fault;
    expect(fault11).toMatchObject({ version: '1.1', code: 's:Client', actor: 'urn:kba' });
    expect(fault11?.reason).toBe('Kein Fahrzeug [redacted] für Halter geb. [redacted]');
    expect(fault11?.detail).toBeUndefined();
    const fault12 = parseSoapEnvelope(
      `<e:Envelope xmlns:e="${SOAP12}"><e:Body><e:Fault><e:Code><e:Value>e:Sender</e:Value><e:Subcode><e:Value>k:Unbekannt</e:Value></e:Subcode></e:Code><e:Reason><e:Text xml:lang="de">FIN WVWZZZ1JZXW000001 unbekannt</e:Text></e:Reason><e:Node>urn:n</e:Node><e:Role>urn:r</e:Role></e:Fault></e:Body></e:Envelope>`,
      { redactFault: false },
    ).fault;
    expect(fault12).toMatchObject({
      version: '1.2',
      code: 'e:Sender',
      subcodes: ['k:Unbekannt'],
      reason: 'FIN WVWZZZ1JZXW000001 unbekannt',
      node: 'urn:n',
      actor: 'urn:r',
    });
  });
});

describe('SOAP over the wire', () => {
  it('sends SOAP 1.2 with the action in the content type', async () => {
    const server = await startSoapServer({
      responder: () => ({
        contentType: 'application/soap+xml; charset=utf-8',
        body: `<e:Envelope xmlns:e="${SOAP12}"><e:Body><ok>1</ok></e:Body></e:Envelope>`,
      }),
    });
    const client = await createKbaClient(
      await clientOptions(server, memorySink(), {
        services: { auskunft: { path: '/ws12', soapVersion: '1.2', actionPrefix: 'urn:kba:auskunft:' } },
      }),
    );
    try {
      const result = await client.call('auskunft', 'abfrage', requestBody, { context: validContext });
      expect(result.body).toEqual({ ok: '1' });
      expect(server.requests[0]?.headers['content-type']).toBe(
        'application/soap+xml; charset=utf-8; action="urn:kba:auskunft:abfrage"',
      );
      expect(server.requests[0]?.body).toContain(SOAP12);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('turns a fault into SOAP_FAULT, logs its code and redacted reason, never the payload', async () => {
    const server = await startSoapServer({
      responder: () => ({
        status: 500,
        body: `<s:Envelope xmlns:s="${SOAP11}"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>Halter Max Mustermann, geb. 01.02.1980</faultstring></s:Fault></s:Body></s:Envelope>`,
      }),
    });
    const sink = memorySink();
    const client = await createKbaClient(await clientOptions(server, sink));
    try {
      const error = await client
        .call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext })
        .catch((caught: unknown) => caught);
      const fault = getSoapFault(error);
      expect(fault?.code).toBe('s:Server');
      expect((error as KbaWsError).details?.status).toBe(500);
      const after = sink.events.find((event) => event['event.name'] === 'kba.call.after');
      expect(after?.['event.outcome']).toBe('failure');
      expect(after?.['kba.soap.fault.code']).toBe('s:Server');
      expect(after?.['kba.soap.fault.reason']).not.toContain('01.02.1980');
      expect(JSON.stringify(sink.events)).not.toContain('MU-XY 123');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('refuses responses with a DTD, non-SOAP answers and oversized bodies', async () => {
    const answers = [
      [
        {
          body: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="${SOAP11}"><s:Body>&e;</s:Body></s:Envelope>`,
        },
        'XML_DOCTYPE_FORBIDDEN',
      ],
      [{ status: 404, contentType: 'text/html', body: '<html>not found</html>' }, 'HTTP_STATUS'],
      [
        { status: 500, body: `<s:Envelope xmlns:s="${SOAP11}"><s:Body><x/></s:Body></s:Envelope>` },
        'HTTP_STATUS',
      ],
      [
        { body: `<s:Envelope xmlns:s="${SOAP11}"><s:Body><x>${'y'.repeat(5000)}</x></s:Body></s:Envelope>` },
        'RESPONSE_TOO_LARGE',
      ],
    ] as const;
    for (const [answer, code] of answers) {
      const server = await startSoapServer({ responder: () => answer });
      const client = await createKbaClient(
        await clientOptions(server, memorySink(), { maxResponseBytes: 4096 }),
      );
      try {
        const error = await client
          .call('auskunft', 'x', requestBody, { context: validContext })
          .catch((caught: unknown) => caught);
        expect((error as KbaWsError).code, code).toBe(code);
      } finally {
        await client.close();
        await server.close();
      }
    }
  });
});
