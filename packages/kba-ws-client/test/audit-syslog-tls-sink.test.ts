import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { getTestPki, TEST_PKCS12_PASSWORD, type TestPki } from '@egovkit/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogTlsAuditSink, type SyslogTlsAuditSink } from '../src/audit/syslog-tls-sink.js';
import type { AuditEvent } from '../src/audit/types.js';
import { KbaWsError } from '../src/errors.js';
import {
  OctetCountingParser,
  parseSyslogMessage,
  type SyslogTestServer,
  startSyslogTestServer,
} from './helpers/audit-syslog-server.js';

let pki: TestPki;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  pki = await getTestPki();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(
  certificate: 'kbaServer' | 'kbaServerEc' | 'wrongHostName' = 'kbaServer',
  clientCertificate?: 'require',
): Promise<SyslogTestServer> {
  const started = await startSyslogTestServer(
    pki.certificates[certificate],
    clientCertificate === undefined ? {} : { clientCertificate },
  );
  cleanups.push(() => started.server.close());
  return started;
}

function sink(
  options: Partial<Parameters<typeof createSyslogTlsAuditSink>[0]> & { port: number },
): SyslogTlsAuditSink {
  const created = createSyslogTlsAuditSink({ host: '127.0.0.1', ca: pki.trustAnchorPem, ...options });
  cleanups.push(() => created.close());
  return created;
}

async function auditFailure(promise: Promise<unknown>): Promise<KbaWsError & { cause: unknown }> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(KbaWsError);
  expect((error as KbaWsError).code).toBe('AUDIT_FAILED');
  return error as KbaWsError & { cause: unknown };
}

const event = (name: string, extra: Record<string, string | number | boolean> = {}): AuditEvent => ({
  'event.name': name,
  'event.time': '2026-01-15T10:00:00.123Z',
  ...extra,
});

describe('OctetCountingParser (test helper)', () => {
  it('reassembles frames split across and joined within chunks', () => {
    const parser = new OctetCountingParser();
    const frames = Buffer.from('5 hello3 abc10 ü-umlaut!');
    const out = [
      ...parser.push(frames.subarray(0, 3)),
      ...parser.push(frames.subarray(3, 12)),
      ...parser.push(frames.subarray(12)),
    ];
    expect(out).toEqual(['hello', 'abc', 'ü-umlaut!']);
    expect(parser.leftover).toBe(0);
  });
});

describe('createSyslogTlsAuditSink', () => {
  it('sends RFC 5424 messages with octet-counting framing over TLS', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port });
    const events = [
      event('kba.call.before', { 'user.id': 'sb-1', 'kba.reason': 'Halterauskunft' }),
      event('kba.call.after', { 'event.outcome': 'success', 'user.id': 'Jürgen Müller – 𝔘' }),
      event('kba.call.failure', { 'event.outcome': 'failure', 'error.type': 'SOAP_FAULT' }),
    ];
    for (const item of events) await audit.write(item);
    const messages = await syslog.waitForMessages(3);

    const parsed = messages.map(parseSyslogMessage);
    expect(parsed.map((message) => message.pri)).toEqual([13 * 8 + 6, 13 * 8 + 6, 13 * 8 + 4]);
    for (const [index, message] of parsed.entries()) {
      expect(message).toMatchObject({
        version: '1',
        timestamp: '2026-01-15T10:00:00.123Z',
        appName: 'egovkit-kba',
        procId: String(process.pid),
        msgId: events[index]?.['event.name'],
        structuredData: '-',
      });
      expect(message.hostname).toBe(
        hostname()
          .replace(/[^\x21-\x7e]/g, '_')
          .slice(0, 255) || '-',
      );
      expect(JSON.parse(message.msg)).toEqual(events[index]);
      // MSG is plain ASCII: non-ASCII characters travel as JSON escapes, so no BOM is needed.
      expect(/^[\x20-\x7e]*$/.test(message.msg)).toBe(true);
    }
    expect(syslog.server.connections).toHaveLength(1);
    expect(syslog.server.connections[0]?.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('uses the configured facility, app name and host name and a fresh timestamp for odd event times', async () => {
    const syslog = await server('kbaServerEc');
    const audit = sink({
      port: syslog.server.port,
      facility: 10,
      appName: 'zulassung',
      hostname: 'kfz-01.example',
    });
    const before = Date.now();
    await audit.write({ 'event.name': 'kba.pins.rotated', 'event.time': 'yesterday' });
    const [message] = (await syslog.waitForMessages(1)).map(parseSyslogMessage);
    expect(message).toMatchObject({
      pri: 86,
      hostname: 'kfz-01.example',
      appName: 'zulassung',
      msgId: 'kba.pins.rotated',
    });
    expect(Date.parse(message?.timestamp ?? '')).toBeGreaterThanOrEqual(before - 1);
  });

  it('sends many concurrent messages over one connection, each exactly once', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port });
    await Promise.all(Array.from({ length: 200 }, (_, i) => audit.write(event('kba.call.before', { i }))));
    const messages = await syslog.waitForMessages(200);
    const indexes = messages.map(
      (message) => (JSON.parse(parseSyslogMessage(message).msg) as { i: number }).i,
    );
    expect(indexes).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(syslog.server.connections).toHaveLength(1);
  });

  it('presents a client certificate when configured', async () => {
    const syslog = await server('kbaServer', 'require');
    const client = pki.certificates.kbaClient;
    const audit = sink({ port: syslog.server.port, cert: client.chainPem, key: client.privateKeyPem });
    await audit.write(event('kba.client.started'));
    await syslog.waitForMessages(1);
    expect(syslog.server.connections[0]?.clientAuthorized).toBe(true);
  });

  it('presents a PKCS#12 client identity when configured', async () => {
    const syslog = await server('kbaServer', 'require');
    const audit = sink({
      port: syslog.server.port,
      pfx: readFileSync(pki.certificates.kbaClient.files.pkcs12),
      passphrase: TEST_PKCS12_PASSWORD,
    });
    await audit.write(event('kba.client.started'));
    await syslog.waitForMessages(1);
    expect(syslog.server.connections[0]?.clientAuthorized).toBe(true);
  });

  it('reconnects on the next write after the server dropped the connection', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port });
    await audit.write(event('kba.call.before', { n: 1 }));
    await syslog.waitForMessages(1);
    const serverSide = syslog.sockets[0];
    const closed = new Promise((resolve) => serverSide?.once('close', resolve));
    serverSide?.destroy();
    await closed;
    // Give the client the round trip in which it learns of the close.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await audit.write(event('kba.call.before', { n: 2 }));
    await syslog.waitForMessages(2);
    expect(syslog.server.connections).toHaveLength(2);
    expect(syslog.perConnection.map((messages) => messages.length)).toEqual([1, 1]);
  });

  it('refuses a server whose certificate does not chain to the configured CA', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port, ca: pki.certificates.selfSigned.certificatePem });
    const error = await auditFailure(audit.write(event('kba.call.before')));
    const cause = error.cause as NodeJS.ErrnoException;
    expect(cause.code).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY|SELF_SIGNED|CERT/);
    expect(syslog.messages).toEqual([]);
  });

  it('refuses a server key below the preset minimum', async () => {
    const syslog = await server('wrongHostName');
    const audit = sink({ port: syslog.server.port, servername: 'wrong-host.egovkit.invalid' });
    const error = await auditFailure(audit.write(event('kba.call.before')));
    expect((error.cause as KbaWsError).code).toBe('SERVER_KEY_TOO_WEAK');
    expect((error.cause as KbaWsError).details).toMatchObject({ bits: 2048, minimum: 3000 });
    expect(syslog.messages).toEqual([]);
  });

  it('checks the server host name', async () => {
    const syslog = await server('wrongHostName');
    // This certificate has a 2048-bit key: below the bsi preset, fine for kba-minimum.
    const audit = sink({ port: syslog.server.port, tlsPreset: 'kba-minimum' });
    const error = await auditFailure(audit.write(event('kba.call.before')));
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    // With the right name configured the same certificate is accepted.
    const named = sink({
      port: syslog.server.port,
      tlsPreset: 'kba-minimum',
      servername: 'wrong-host.egovkit.invalid',
    });
    await named.write(event('kba.call.before'));
    await syslog.waitForMessages(1);
  });

  it('fails with AUDIT_FAILED when the server is gone', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port });
    await audit.write(event('kba.call.before'));
    await syslog.server.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await auditFailure(audit.write(event('kba.call.before')));
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(error.details).toMatchObject({ host: '127.0.0.1', port: syslog.server.port });
  });

  it('gives up after connectTimeoutMs when the TLS handshake does not complete', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const audit = sink({ port, connectTimeoutMs: 200 });
    const started = Date.now();
    const error = await auditFailure(audit.write(event('kba.call.before')));
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error.cause as KbaWsError).code).toBe('CONNECT_TIMEOUT');
  });

  it('fails writes the server does not take within writeTimeoutMs', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port, writeTimeoutMs: 300 });
    await audit.write(event('kba.call.before'));
    await syslog.waitForMessages(1);
    // The server stops reading: kernel buffers fill up and writes stall.
    syslog.sockets[0]?.pause();
    const big = 'x'.repeat(256 * 1024);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => audit.write(event('kba.call.before', { i, big }))),
    );
    const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const { reason } of failed) {
      expect((reason as KbaWsError).code).toBe('AUDIT_FAILED');
    }
    const causes = failed.map(({ reason }) => String((reason as KbaWsError).cause));
    expect(causes.some((cause) => cause.includes('not written within 300 ms'))).toBe(true);
  });

  it('rejects writes after close with AUDIT_SINK_CLOSED and ends the connection', async () => {
    const syslog = await server();
    const audit = sink({ port: syslog.server.port });
    await audit.write(event('kba.call.before'));
    await syslog.waitForMessages(1);
    const serverSide = syslog.sockets[0];
    expect(serverSide).toBeDefined();
    const ended = new Promise((resolve) => serverSide?.once('end', resolve));
    await audit.close();
    await ended;
    const error = await audit.write(event('kba.call.before')).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(KbaWsError);
    expect((error as KbaWsError).code).toBe('AUDIT_SINK_CLOSED');
  });

  it('refuses configurations without server validation or with inconsistent options', () => {
    const base = { host: '127.0.0.1', ca: pki.trustAnchorPem };
    const invalid: Record<string, unknown>[] = [
      { host: '127.0.0.1' },
      { host: '127.0.0.1', ca: [] },
      { host: '127.0.0.1', ca: 'not a certificate' },
      { ...base, host: '' },
      { ...base, port: 0 },
      { ...base, facility: 24 },
      { ...base, cert: pki.certificates.kbaClient.chainPem },
      { ...base, appName: 'has space' },
      { ...base, appName: 'x'.repeat(49) },
      { ...base, connectTimeoutMs: -1 },
      { ...base, tlsPreset: 'none' },
    ];
    for (const options of invalid) {
      let error: unknown;
      try {
        createSyslogTlsAuditSink(options as unknown as Parameters<typeof createSyslogTlsAuditSink>[0]);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(options).slice(0, 80)).toBeInstanceOf(KbaWsError);
      expect((error as KbaWsError).code).toBe('CONFIG_INVALID');
    }
  });
});
