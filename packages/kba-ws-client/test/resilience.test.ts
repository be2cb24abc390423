import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestPki, startHttpsServer } from '@egovkit/testkit';
import { describe, expect, it } from 'vitest';
import { createJsonLinesAuditSink, createKbaClient, type KbaWsError, verifyAuditLog } from '../src/index.js';
import {
  clientOptions,
  memorySink,
  requestBody,
  startSoapServer,
  validContext,
} from './helpers/soap-server.js';

const SOAP_OK =
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ok>1</ok></s:Body></s:Envelope>';

/** A server whose first `failures` requests are answered by destroying the connection. */
async function flakyServer(failures: number) {
  const pki = await getTestPki();
  let seen = 0;
  return startHttpsServer({
    certificate: pki.certificates.kbaServer,
    clientCertificate: 'require',
    handler: (request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on('end', () => {
        seen += 1;
        if (seen <= failures) {
          request.socket.destroy();
          return;
        }
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(SOAP_OK);
      });
    },
  });
}

describe('retries, timeouts and limits', () => {
  it('retries an idempotent operation after a broken connection, logging every attempt', async () => {
    const server = await flakyServer(2);
    const sink = memorySink();
    const client = await createKbaClient(
      await clientOptions(server, sink, { retry: { attempts: 3, baseDelayMs: 10 } }),
    );
    try {
      const result = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(result.attempts).toBe(3);
      const names = sink.events
        .map((event) => event['event.name'])
        .filter((name) => name !== 'kba.client.started');
      expect(names).toEqual([
        'kba.call.before',
        'kba.call.failure',
        'kba.call.before',
        'kba.call.failure',
        'kba.call.before',
        'kba.call.after',
      ]);
      expect(
        sink.events.filter((event) => event['event.name'] === 'kba.call.failure').map((e) => e['kba.retry']),
      ).toEqual([true, true]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('never retries a non-idempotent operation', async () => {
    const server = await flakyServer(1);
    const sink = memorySink();
    const client = await createKbaClient(
      await clientOptions(server, sink, { retry: { attempts: 3, baseDelayMs: 10 } }),
    );
    try {
      const error = await client
        .call('auskunft', 'zulassungMelden', requestBody, { context: validContext })
        .catch((caught: unknown) => caught);
      expect((error as KbaWsError).code).toBe('CONNECTION_FAILED');
      expect(sink.events.filter((event) => event['event.name'] === 'kba.call.before')).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('times out a server that does not answer', async () => {
    const pki = await getTestPki();
    const server = await startHttpsServer({
      certificate: pki.certificates.kbaServer,
      clientCertificate: 'require',
      handler: (request) => request.resume(),
    });
    const client = await createKbaClient(
      await clientOptions(server, memorySink(), { timeouts: { responseMs: 300 }, retry: { attempts: 1 } }),
    );
    try {
      const started = Date.now();
      const error = await client
        .call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext })
        .catch((caught: unknown) => caught);
      expect((error as KbaWsError).code).toBe('RESPONSE_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(10_000);
      const perCall = await client
        .call('auskunft', 'x', requestBody, { context: validContext, timeoutMs: 100 })
        .catch((caught: unknown) => caught);
      expect((perCall as KbaWsError).code).toBe('RESPONSE_TIMEOUT');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('times out a connect that never completes a handshake', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = await createKbaClient(
      await clientOptions({ url: `https://127.0.0.1:${port}` }, memorySink(), {
        timeouts: { connectMs: 200 },
        retry: { attempts: 1 },
      }),
    );
    try {
      const error = await client
        .call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext })
        .catch((caught: unknown) => caught);
      expect((error as KbaWsError).code).toBe('CONNECT_TIMEOUT');
    } finally {
      await client.close();
      silent.close();
    }
  });

  it('keeps at most maxConcurrentCalls in flight and reuses keep-alive connections', async () => {
    const pki = await getTestPki();
    let inFlight = 0;
    let peak = 0;
    let served = 0;
    // Answers after a delay, so that concurrent requests overlap on the server.
    const server = await startHttpsServer({
      certificate: pki.certificates.kbaServer,
      clientCertificate: 'require',
      handler: (request: IncomingMessage, response: ServerResponse) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        request.resume();
        request.on('end', () =>
          setTimeout(() => {
            inFlight -= 1;
            served += 1;
            response.writeHead(200, { 'content-type': 'text/xml' });
            response.end(SOAP_OK);
          }, 20),
        );
      },
    });
    const client = await createKbaClient(
      await clientOptions(server, memorySink(), { maxConcurrentCalls: 3, connections: 8 }),
    );
    try {
      await Promise.all(
        Array.from({ length: 30 }, () =>
          client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
        ),
      );
      expect(served).toBe(30);
      expect(peak).toBe(3);
      // Keep-alive: far fewer connections than requests, never more than the pool allows.
      expect(server.connections.length).toBeLessThanOrEqual(8);
      expect(server.connections.length).toBeLessThan(15);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('the hash-chained audit log in a real call', () => {
  it('records every call durably and verifies', async () => {
    const server = await startSoapServer();
    const path = join(mkdtempSync(join(tmpdir(), 'kba-audit-')), 'audit.jsonl');
    const sink = createJsonLinesAuditSink({ path });
    const client = await createKbaClient(await clientOptions(server, sink));
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
            context: { ...validContext, messageId: `msg-${index}` },
          }),
        ),
      );
    } finally {
      await client.close();
      await sink.close();
      await server.close();
    }
    const verification = await verifyAuditLog(path, { requireHead: true });
    expect(verification.valid).toBe(true);
    expect(verification.records).toBe(1 + 20 * 2);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const after = lines.filter((line) => line.event['event.name'] === 'kba.call.after');
    expect(new Set(after.map((line) => line.event['kba.message_id'])).size).toBe(20);
    expect(after.every((line) => line.event['client.port'] > 0 && line.retainUntil > line.time)).toBe(true);
  });
});
