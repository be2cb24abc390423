import { join } from 'node:path';
import { getTestPki, TestCertificateAuthority } from '@egovkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLinesAuditSink, createKbaClient, type KbaClient, type KbaWsError } from '../src/index.js';
import { auditTempDir } from './helpers/audit-files.js';
import { expectKbaError } from './helpers/errors.js';
import {
  clientOptions,
  expectRefusedConnection,
  memorySink,
  requestBody,
  type SoapTestServer,
  startSoapServer,
  validContext,
} from './helpers/soap-server.js';

describe('a call against a good server', () => {
  let server: SoapTestServer;
  let client: KbaClient;
  const sink = memorySink();

  beforeAll(async () => {
    server = await startSoapServer();
    client = await createKbaClient(await clientOptions(server, sink));
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('sends a SOAP 1.1 request with mutual TLS and returns the parsed body', async () => {
    const result = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ antwort: { status: 'OK' } });
    const received = server.requests.at(-1);
    expect(received?.path).toBe('/ws/auskunft');
    expect(received?.headers.soapaction).toBe('"fahrzeugAuskunft"');
    expect(received?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(received?.body).toContain('<soap:Body><ns:anfrage');
    expect(received?.clientSubject).toBe('Zulassungsstelle Musterkreis (Test)');
    expect(['TLSv1.3', 'TLSv1.2']).toContain(result.connection.protocol);
  });

  it('records before and after events with the real addresses, ports and TLS parameters', async () => {
    sink.events.length = 0;
    const result = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
      context: { ...validContext, reasonCode: 8, caseReference: 'AZ 31-2026/17' },
    });
    const [before, after] = sink.events;
    expect(before?.['event.name']).toBe('kba.call.before');
    expect(after?.['event.name']).toBe('kba.call.after');
    expect(after?.['event.outcome']).toBe('success');
    for (const event of [before, after]) {
      expect(event?.['user.id']).toBe('MUS-4711');
      expect(event?.['kba.org_unit']).toBe(validContext.orgUnit);
      expect(event?.['device.id']).toBe('ws-31-07');
      expect(event?.['kba.reason_code']).toBe(8);
      expect(event?.['kba.case_reference']).toBe('AZ 31-2026/17');
      expect(event?.['kba.request_id']).toBe(result.requestId);
      expect(event?.['kba.service']).toBe('auskunft');
      expect(event?.['kba.operation']).toBe('fahrzeugAuskunft');
    }
    // The port the server saw the request come from is the client port in the audit event.
    expect(after?.['client.port']).toBe(server.requests.at(-1)?.remotePort);
    expect(after?.['client.address']).toBe('127.0.0.1');
    expect(after?.['network.peer.address']).toBe('127.0.0.1');
    expect(after?.['network.peer.port']).toBe(server.port);
    expect(after?.['tls.protocol.version']).toBe(result.connection.protocol?.replace('TLSv', ''));
    expect(after?.['tls.cipher']).toMatch(/^TLS_/);
    expect(after?.['tls.server.subject']).toContain('kba');
    // Payloads are not logged, only their digests.
    expect(JSON.stringify(sink.events)).not.toContain('MU-XY 123');
    expect(before?.['kba.request.body.sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(after?.['kba.response.body.sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a call without or with an incomplete request context, before anything is sent', async () => {
    const sent = server.requests.length;
    await expectKbaError(
      client.call('auskunft', 'fahrzeugAuskunft', requestBody, {} as never),
      'CONTEXT_MISSING',
    );
    const incomplete = await expectKbaError(
      client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: { ...validContext, reasonCode: 9 },
      }),
      'CONTEXT_INVALID',
    );
    expect(incomplete.details?.path).toBe('caseReference');
    await expectKbaError(
      client.call('auskunft', 'x', requestBody, { context: { ...validContext, orgUnit: '' } }),
      'CONTEXT_INVALID',
    );
    await expectKbaError(
      client.call('auskunft', 'x', requestBody, { context: { ...validContext, reasonCode: 10 as never } }),
      'CONTEXT_INVALID',
    );
    await expectKbaError(
      client.call('auskunft', 'x', requestBody, { context: { ...validContext, userId: 'a\nforged' } }),
      'CONTEXT_INVALID',
    );
    expect(server.requests.length).toBe(sent);
  });

  /** Makes a call that the audit sink must refuse; checks that nothing reached the server. */
  async function expectRefusedBeforeSending(refusing: KbaClient): Promise<KbaWsError> {
    const sent = server.requests.length;
    const refused = await expectKbaError(
      refusing.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
      'AUDIT_FAILED',
    );
    expect(server.requests.length).toBe(sent);
    return refused;
  }

  it('does not make the call when the audit sink fails, and withholds the result when the after-event fails', async () => {
    const failing = memorySink();
    const guarded = await createKbaClient(await clientOptions(server, failing));
    try {
      failing.failWith = new Error('disk full');
      const refused = await expectRefusedBeforeSending(guarded);
      expect((refused.cause as Error).message).toBe('disk full');
      const sent = server.requests.length;

      // Let the before-event through, fail the after-event.
      failing.failWith = undefined;
      const original = failing.write;
      failing.write = async (event) => {
        if (event['event.name'] === 'kba.call.after') throw new Error('sink gone');
        return original(event);
      };
      await expectKbaError(
        guarded.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
        'AUDIT_FAILED',
      );
      expect(server.requests.length).toBe(sent + 1);
    } finally {
      await guarded.close();
    }
  });

  it('sends nothing through a closed JSON-lines sink', async () => {
    const { dir, cleanup } = auditTempDir();
    const logSink = createJsonLinesAuditSink({ path: join(dir, 'audit.jsonl') });
    const logged = await createKbaClient(await clientOptions(server, logSink));
    try {
      await logged.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
      await logSink.close();
      const refused = await expectRefusedBeforeSending(logged);
      expect((refused.cause as KbaWsError).code).toBe('AUDIT_SINK_CLOSED');
    } finally {
      await logged.close();
      cleanup();
    }
  });

  /** A sink whose `kba.call.before` writes settle only when the test says so. */
  function gatedSink() {
    const inner = memorySink();
    const gates: Array<{ release: () => void; fail: (error: Error) => void }> = [];
    const sink = {
      ...inner,
      events: inner.events,
      write(event: Parameters<typeof inner.write>[0]): Promise<void> {
        if (event['event.name'] !== 'kba.call.before') return inner.write(event);
        inner.events.push(event);
        return new Promise<void>((resolve, reject) => gates.push({ release: resolve, fail: reject }));
      },
    };
    return { sink, gates };
  }
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('by default sends while the before-event becomes durable, and returns the result only once it is', async () => {
    const { sink: gated, gates } = gatedSink();
    const client = await createKbaClient(await clientOptions(server, gated));
    gated.events.length = 0; // kba.client.started
    try {
      const sent = server.requests.length;
      let settled = false;
      const call = client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
      void call.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      // The sink holds the before-event first; the request reaches the server while it is not yet durable.
      await until(() => server.requests.length === sent + 1);
      expect(gated.events[0]?.['event.name']).toBe('kba.call.before');
      await until(() => gated.events.length === 2);
      expect(gated.events[1]?.['event.name']).toBe('kba.call.after');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      gates[0]?.release();
      expect((await call).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('withholds the result when the before-event fails after the request went out', async () => {
    const { sink: gated, gates } = gatedSink();
    const client = await createKbaClient(await clientOptions(server, gated));
    gated.events.length = 0; // kba.client.started
    try {
      const sent = server.requests.length;
      const call = expectKbaError(
        client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
        'AUDIT_FAILED',
      );
      await until(() => gated.events.length === 2);
      expect(server.requests.length).toBe(sent + 1);
      gates[0]?.fail(new Error('fdatasync: EIO'));
      const withheld = await call;
      expect(withheld.message).toContain('withheld');
      expect(withheld.details?.event).toBe('kba.call.before');
    } finally {
      await client.close();
    }
  });

  it("with beforeEventDurable 'before-send' sends nothing until the before-event is durable", async () => {
    const { sink: gated, gates } = gatedSink();
    const client = await createKbaClient(
      await clientOptions(server, gated, { audit: { sinks: [gated], beforeEventDurable: 'before-send' } }),
    );
    try {
      const sent = server.requests.length;
      const refused = expectKbaError(
        client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
        'AUDIT_FAILED',
      );
      await until(() => gates.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.requests.length).toBe(sent);
      gates[0]?.fail(new Error('fdatasync: EIO'));
      await refused;
      expect(server.requests.length).toBe(sent);

      const call = client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
      await until(() => gates.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.requests.length).toBe(sent);
      gates[1]?.release();
      expect((await call).status).toBe(200);
      expect(server.requests.length).toBe(sent + 1);
    } finally {
      await client.close();
    }
  });

  it('refuses an unknown beforeEventDurable setting', async () => {
    const options = await clientOptions(server, sink, {
      audit: { sinks: [sink], beforeEventDurable: 'never' as never },
    });
    const error = await expectKbaError(createKbaClient(options), 'CONFIG_INVALID');
    expect(error.details?.option).toBe('audit.beforeEventDurable');
  });
});

describe('server validation', () => {
  const cases = [
    ['an expired certificate', 'expired', 'SERVER_CERTIFICATE_EXPIRED'],
    ['a certificate that is not yet valid', 'notYetValid', 'SERVER_CERTIFICATE_NOT_YET_VALID'],
    ['a certificate for another host', 'wrongHostName', 'SERVER_HOSTNAME_MISMATCH'],
    ['a self-signed certificate', 'selfSigned', 'SERVER_CERTIFICATE_UNTRUSTED'],
    ['an RSA-1024 certificate', 'rsa1024', 'SERVER_KEY_TOO_WEAK'],
  ] as const;

  for (const [label, name, code] of cases) {
    it(`refuses ${label} with ${code} and sends nothing`, async () => {
      const pki = await getTestPki();
      const { events } = await expectRefusedConnection(code, { certificate: pki.certificates[name] });
      const failure = events.find((event) => event['event.name'] === 'kba.call.failure');
      expect(failure?.['error.type']).toBe(code);
    });
  }

  it('refuses a server whose chain ends in a CA that is not a trust anchor', async () => {
    const pki = await getTestPki();
    const other = (
      await TestCertificateAuthority.createRoot({ name: 'otherRoot', commonName: 'Some other root' })
    ).certificate;
    expect(pki.trustAnchorPem).not.toBe(other.certificatePem);
    await expectRefusedConnection(
      'SERVER_CERTIFICATE_UNTRUSTED',
      {},
      { trustAnchors: { caPem: other.certificatePem } },
    );
  });

  it('refuses a revoked server certificate when CRLs are configured', async () => {
    const pki = await getTestPki();
    await expectRefusedConnection(
      'SERVER_CERTIFICATE_REVOKED',
      { certificate: pki.certificates.revoked },
      { crl: [...pki.crls.all] },
    );
  });
});
