import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intermediary, OsciError, readBody, startIntermediary } from '../src/index.js';
import { type Parties, parties, textContent } from './helpers/parties.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function failure(promise: Promise<unknown>): Promise<OsciError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OsciError);
  return error as OsciError;
}

describe('client: timeouts, retries and typed errors', () => {
  let p: Parties;
  let intermediary: Intermediary;

  beforeAll(async () => {
    p = await parties();
    intermediary = await startIntermediary(p.intermediaryOptions(p.tempDir('osci-client-')));
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  it('a silent intermediary runs into the response timeout', async () => {
    const server = createServer(() => {
      // never answers
    });
    const url = await listen(server);
    const client = p.client(url, 'author', { timeouts: { response: 300 }, retries: { attempts: 0 } });
    try {
      const started = Date.now();
      const error = await failure(client.getMessageId());
      expect(error.code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await client.close();
      await close(server);
    }
  });

  it('retries an implicit getMessageId after a broken connection, but never a storeDelivery', async () => {
    let requests = 0;
    const server = createServer((req) => {
      requests++;
      req.socket.destroy();
    });
    const url = await listen(server);
    const client = p.client(url, 'author', { retries: { attempts: 2, delayMs: 10 } });
    try {
      expect((await failure(client.getMessageId())).code).toBe('HTTP_ERROR');
      expect(requests).toBe(3);
      requests = 0;
      const error = await failure(
        client.storeDelivery({
          addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
          content: await textContent(p, 'x'),
          messageId: 'AAAAAAAA',
        }),
      );
      expect(error.code).toBe('HTTP_ERROR');
      expect(requests).toBe(1);
    } finally {
      await client.close();
      await close(server);
    }
  });

  it('retries any order whose connection could not be made', async () => {
    const server = createServer();
    const url = await listen(server);
    await close(server);
    const client = p.client(url, 'author', { retries: { attempts: 1, delayMs: 10 } });
    try {
      const error = await failure(client.openDialog());
      expect(error.code).toBe('HTTP_ERROR');
      expect(error.details?.notSent).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('an answer signed by someone else than the configured intermediary is refused', async () => {
    const client = p.client(intermediary.url, 'author', {
      intermediaryCertificates: {
        signature: p.pki.certificates.documentProducerSignature.certificatePem,
        encryption: p.pki.certificates.osciIntermediaryEncryption.certificatePem,
      },
    });
    try {
      expect((await failure(client.getMessageId())).code).toBe('SIGNATURE_INVALID');
    } finally {
      await client.close();
    }
  });

  it('a non-OSCI error page becomes HTTP_STATUS', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>bad gateway</h1>'),
    );
    const url = await listen(server);
    const client = p.client(url, 'author', { retries: { attempts: 0 } });
    try {
      const error = await failure(client.getMessageId());
      expect(error.code).toBe('HTTP_STATUS');
      expect(error.details?.status).toBe(502);
    } finally {
      await client.close();
      await close(server);
    }
  });

  it('feedback codes arrive as FEEDBACK_ERROR with the code', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const error = await failure(
        client.storeDelivery({
          addresseeCipherCertificate: p.pki.certificates.documentProducerEncryption.certificatePem,
          content: await textContent(p, 'x'),
          messageId: Buffer.from('never issued').toString('base64'),
        }),
      );
      expect(error.code).toBe('FEEDBACK_ERROR');
      expect(error.details?.feedbackCode).toBe('9801');
      expect(error.toJSON().code).toBe('FEEDBACK_ERROR');
    } finally {
      await client.close();
    }
  });
});

describe('readBody', () => {
  it('refuses a declared length over the limit and a body longer than declared', async () => {
    const results: string[] = [];
    const server = createServer((req, res) => {
      readBody(req, { maxBytes: 10 }).then(
        (body) => res.end(`ok ${body.byteLength}`),
        (error: OsciError) => {
          results.push(error.code);
          res.writeHead(413).end();
        },
      );
    });
    const url = await listen(server);
    try {
      expect(await (await fetch(url, { method: 'POST', body: 'short' })).text()).toBe('ok 5');
      expect((await fetch(url, { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
      // Chunked (no Content-Length) and too long.
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('x'.repeat(8)));
          controller.enqueue(new TextEncoder().encode('x'.repeat(8)));
          controller.close();
        },
      });
      const chunked = await fetch(url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit).catch(
        () => undefined,
      );
      expect(chunked === undefined || chunked.status === 413).toBe(true);
      expect(results).toEqual(['HTTP_BODY_TOO_LARGE', 'HTTP_BODY_TOO_LARGE']);
    } finally {
      await close(server);
    }
  });

  it('times out a body that does not arrive', async () => {
    const results: string[] = [];
    const server = createServer((req, res) => {
      readBody(req, { maxBytes: 100, timeoutMs: 200 }).then(
        () => res.end('ok'),
        (error: OsciError) => {
          results.push(error.code);
          res.writeHead(408).end();
        },
      );
    });
    const url = await listen(server);
    try {
      const { request } = await import('node:http');
      await new Promise<void>((resolve) => {
        const req = request(url, { method: 'POST', headers: { 'content-length': '50' } });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write('only a part');
      });
      expect(results).toEqual(['TIMEOUT']);
    } finally {
      await close(server);
    }
  });
});
