// Requests per second over keep-alive mutual TLS against a loopback SOAP server: @egovkit/kba-ws-client
// (SOAP building and parsing, request context, hash-chained audit log with fsync) side by side with a bare
// undici client sending the same bytes. Goal: overhead ≤ 15 %. Results: bench/results/kba-ws-client.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestPki, TEST_PKI_DIR_ENV } from '@egovkit/testkit';
import { Agent } from 'undici';
import {
  buildSoapEnvelope,
  createJsonLinesAuditSink,
  createKbaClient,
  getTlsPreset,
  presetConnectionOptions,
} from '../src/index.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const REQUESTS_PER_ROUND = 3000;
const ROUNDS = 5;
const WARM_UP = 500;
const SLOW_CONCURRENCY = 32;
const SLOW_REQUESTS_PER_ROUND = 1000;
const TARGET_OVERHEAD_PERCENT = 15;

const pki = await getTestPki();
const serverProcess = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('./soap-server.ts', import.meta.url))],
  {
    env: { ...process.env, [TEST_PKI_DIR_ENV]: pki.directory },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const port = await new Promise<number>((resolve, reject) => {
  serverProcess.stdout?.once('data', (chunk: Buffer) => resolve(Number.parseInt(chunk.toString('utf8'), 10)));
  serverProcess.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
});
const origin = `https://127.0.0.1:${port}`;
const body = '<ns:anfrage xmlns:ns="urn:test"><ns:kennzeichen>MU-XY 123</ns:kennzeichen></ns:anfrage>';
const envelope = buildSoapEnvelope({ version: '1.1', body });
const context = { userId: 'MUS-4711', orgUnit: 'SG 31', deviceId: 'ws-31-07', reasonCode: 1 } as const;

// The bare client: same TLS parameters, same bytes, no SOAP, context or audit.
const bare = new Agent({
  connections: CONCURRENCY,
  pipelining: 1,
  connect: {
    ...presetConnectionOptions(getTlsPreset('bsi')),
    ca: pki.trustAnchorPem,
    pfx: pki.certificates.kbaClient.pkcs12,
    passphrase: pki.certificates.kbaClient.pkcs12Password,
    rejectUnauthorized: true,
  },
});
async function bareRequest(path: string): Promise<void> {
  const response = await bare.request({
    origin,
    path,
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"fahrzeugAuskunft"' },
    body: envelope,
  });
  await response.body.text();
  if (response.statusCode !== 200) throw new Error(`bare client got ${response.statusCode}`);
}

const auditDirectory = mkdtempSync(join(tmpdir(), 'kba-bench-'));
const sink = createJsonLinesAuditSink({ path: join(auditDirectory, 'audit.jsonl') });
const clientOptions = {
  endpoint: origin,
  services: { auskunft: { path: '/ws/auskunft' }, langsam: { path: '/slow/auskunft' } },
  trustAnchors: { caPem: pki.trustAnchorPem },
  clientCertificate: {
    pkcs12: pki.certificates.kbaClient.pkcs12,
    password: pki.certificates.kbaClient.pkcs12Password,
  },
  audit: { sinks: [sink] },
  connections: CONCURRENCY,
  maxConcurrentCalls: CONCURRENCY,
};
const client = await createKbaClient(clientOptions);
async function clientRequest(service: string): Promise<void> {
  await client.call(service, 'fahrzeugAuskunft', body, { context });
}
// The same client with an in-memory sink (events built, nothing written): separates the cost of the
// durable log from the rest of the client.
const memoryClient = await createKbaClient({
  ...clientOptions,
  audit: { sinks: [{ write: async () => {} }] },
});
async function memoryClientRequest(service: string): Promise<void> {
  await memoryClient.call(service, 'fahrzeugAuskunft', body, { context });
}

/** Requests per second and client CPU time per request for `total` requests with `concurrency` in flight. */
async function run(
  request: () => Promise<void>,
  total: number,
  concurrency: number,
): Promise<{ rate: number; cpuMicroseconds: number }> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await request();
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    rate: total / ((performance.now() - started) / 1000),
    cpuMicroseconds: (used.user + used.system) / total,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

interface ScenarioResult {
  bare: number[];
  client: number[];
  overhead: number[];
  bareCpu: number[];
  clientCpu: number[];
  /** Overhead of the client with an in-memory audit sink, when measured. */
  memoryOverhead: number[];
}

// Alternating rounds, so that drift on the machine hits both clients alike.
async function scenario(
  label: string,
  path: string,
  service: string,
  concurrency: number,
  requests: number,
  withMemorySink = false,
) {
  const result: ScenarioResult = {
    bare: [],
    client: [],
    overhead: [],
    bareCpu: [],
    clientCpu: [],
    memoryOverhead: [],
  };
  await run(() => bareRequest(path), WARM_UP, concurrency);
  await run(() => clientRequest(service), WARM_UP, concurrency);
  if (withMemorySink) await run(() => memoryClientRequest(service), WARM_UP, concurrency);
  for (let round = 0; round < ROUNDS; round += 1) {
    const bareRun = await run(() => bareRequest(path), requests, concurrency);
    const clientRun = await run(() => clientRequest(service), requests, concurrency);
    if (withMemorySink) {
      const memoryRun = await run(() => memoryClientRequest(service), requests, concurrency);
      result.memoryOverhead.push((1 - memoryRun.rate / bareRun.rate) * 100);
    }
    result.bare.push(bareRun.rate);
    result.client.push(clientRun.rate);
    result.overhead.push((1 - clientRun.rate / bareRun.rate) * 100);
    result.bareCpu.push(bareRun.cpuMicroseconds);
    result.clientCpu.push(clientRun.cpuMicroseconds);
    console.log(
      `${label} round ${round + 1}: bare undici ${bareRun.rate.toFixed(0)} req/s (${bareRun.cpuMicroseconds.toFixed(0)} µs CPU), ` +
        `kba-ws-client ${clientRun.rate.toFixed(0)} req/s (${clientRun.cpuMicroseconds.toFixed(0)} µs CPU)`,
    );
  }
  return result;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

try {
  const saturated = await scenario('saturated', '/ws/auskunft', 'auskunft', CONCURRENCY, REQUESTS_PER_ROUND);
  const slow = await scenario(
    '20 ms server',
    '/slow/auskunft',
    'langsam',
    SLOW_CONCURRENCY,
    SLOW_REQUESTS_PER_ROUND,
    true,
  );
  const overhead = round1(median(saturated.overhead));
  const report = {
    benchmark: 'kba-ws-client',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: (cpus()[0]?.model ?? 'unknown').split(' ').slice(0, 2).join(' '),
    },
    setup: {
      transport:
        'HTTPS with mutual TLS (TLS 1.3, RSA-3072 certificates), keep-alive, loopback, server in its own process',
      saturated: { concurrency: CONCURRENCY, requestsPerRound: REQUESTS_PER_ROUND, serverDelayMs: 0 },
      slowServer: {
        concurrency: SLOW_CONCURRENCY,
        requestsPerRound: SLOW_REQUESTS_PER_ROUND,
        serverDelayMs: 20,
      },
      rounds: ROUNDS,
      audit:
        'JSON-lines sink with hash chain and fdatasync (group commit), two events per call; the before-event is synced while the request is on its way (beforeEventDurable: before-result)',
    },
    results: [
      {
        name: `saturated, ${CONCURRENCY} in flight: bare undici`,
        unit: 'req/s',
        median: Math.round(median(saturated.bare)),
        max: Math.round(Math.max(...saturated.bare)),
        runs: ROUNDS,
      },
      {
        name: `saturated, ${CONCURRENCY} in flight: kba-ws-client (SOAP + context + audit)`,
        unit: 'req/s',
        median: Math.round(median(saturated.client)),
        max: Math.round(Math.max(...saturated.client)),
        runs: ROUNDS,
      },
      {
        name: 'saturated: kba-ws-client overhead versus bare undici',
        unit: '%',
        median: overhead,
        max: round1(Math.max(...saturated.overhead)),
        runs: ROUNDS,
        target: TARGET_OVERHEAD_PERCENT,
        meetsTarget: overhead <= TARGET_OVERHEAD_PERCENT,
      },
      {
        name: 'saturated: client CPU per request, bare undici',
        unit: 'µs',
        median: Math.round(median(saturated.bareCpu)),
        runs: ROUNDS,
      },
      {
        name: 'saturated: client CPU per request, kba-ws-client',
        unit: 'µs',
        median: Math.round(median(saturated.clientCpu)),
        runs: ROUNDS,
      },
      {
        name: `server answering after 20 ms, ${SLOW_CONCURRENCY} in flight: kba-ws-client overhead versus bare undici`,
        unit: '%',
        median: round1(median(slow.overhead)),
        max: round1(Math.max(...slow.overhead)),
        runs: ROUNDS,
      },
      {
        name: `server answering after 20 ms, ${SLOW_CONCURRENCY} in flight: overhead with an in-memory audit sink instead of the durable log`,
        unit: '%',
        median: round1(median(slow.memoryOverhead)),
        max: round1(Math.max(...slow.memoryOverhead)),
        runs: ROUNDS,
      },
    ],
  };
  const resultsDirectory = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, 'kba-ws-client.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`overhead ${overhead} % (target ≤ ${TARGET_OVERHEAD_PERCENT} %)`);
} finally {
  await client.close();
  await memoryClient.close();
  await sink.close();
  await bare.close();
  serverProcess.kill('SIGTERM');
  rmSync(auditDirectory, { recursive: true, force: true });
}
