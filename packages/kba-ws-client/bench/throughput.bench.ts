// Requests per second over keep-alive mutual TLS against a loopback SOAP server: @egovkit/kba-ws-client
// (SOAP building and parsing, request context, hash-chained audit log with fsync) side by side with a bare
// undici client sending the same bytes. Goal: overhead ≤ 15 %. Results: bench/results/kba-ws-client.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestPki, TEST_PKI_DIR_ENV } from '@egovkit/testkit';
import { median, roundToTenth } from '@egovkit/testkit/bench-stats';
import { Agent } from 'undici';
import {
  buildSoapEnvelope,
  createJsonLinesAuditSink,
  createKbaClient,
  getTlsPreset,
  presetConnectionOptions,
} from '../src/index.js';

const ROUNDS = 5;
const WARM_UP = 500;
const TARGET_OVERHEAD_PERCENT = 15;

interface Scenario {
  /** Milliseconds the server waits before it answers. */
  readonly serverDelayMs: number;
  readonly concurrency: number;
  readonly requestsPerRound: number;
}
// From CPU-bound (the server answers at once) to a register lookup that takes 100 ms behind the service.
const SCENARIOS: readonly Scenario[] = [
  { serverDelayMs: 0, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 128), requestsPerRound: 3000 },
  { serverDelayMs: 20, concurrency: 32, requestsPerRound: 1000 },
  { serverDelayMs: 50, concurrency: 32, requestsPerRound: 800 },
  { serverDelayMs: 100, concurrency: 32, requestsPerRound: 640 },
];
const MAX_CONCURRENCY = Math.max(...SCENARIOS.map((scenario) => scenario.concurrency));
const servicePath = (delayMs: number) => `/delay/${delayMs}/auskunft`;

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
  connections: MAX_CONCURRENCY,
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
  services: Object.fromEntries(
    SCENARIOS.map(({ serverDelayMs }) => [`delay${serverDelayMs}`, { path: servicePath(serverDelayMs) }]),
  ),
  trustAnchors: { caPem: pki.trustAnchorPem },
  clientCertificate: {
    pkcs12: pki.certificates.kbaClient.pkcs12,
    password: pki.certificates.kbaClient.pkcs12Password,
  },
  audit: { sinks: [sink] },
  connections: MAX_CONCURRENCY,
  maxConcurrentCalls: MAX_CONCURRENCY,
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

interface ScenarioResult {
  bare: number[];
  client: number[];
  /** Overhead versus the bare client in the same round, with the durable log and with the in-memory sink. */
  overhead: number[];
  memoryOverhead: number[];
  bareCpu: number[];
  clientCpu: number[];
  memoryClientCpu: number[];
}

// Alternating rounds, so that drift on the machine hits all three clients alike.
async function measure({ serverDelayMs, concurrency, requestsPerRound }: Scenario): Promise<ScenarioResult> {
  const path = servicePath(serverDelayMs);
  const service = `delay${serverDelayMs}`;
  const clients = [
    () => bareRequest(path),
    () => clientRequest(service),
    () => memoryClientRequest(service),
  ] as const;
  for (const request of clients) await run(request, WARM_UP, concurrency);
  const result: ScenarioResult = {
    bare: [],
    client: [],
    overhead: [],
    memoryOverhead: [],
    bareCpu: [],
    clientCpu: [],
    memoryClientCpu: [],
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    const [bareRun, clientRun, memoryRun] = [
      await run(clients[0], requestsPerRound, concurrency),
      await run(clients[1], requestsPerRound, concurrency),
      await run(clients[2], requestsPerRound, concurrency),
    ];
    result.bare.push(bareRun.rate);
    result.client.push(clientRun.rate);
    result.overhead.push((1 - clientRun.rate / bareRun.rate) * 100);
    result.memoryOverhead.push((1 - memoryRun.rate / bareRun.rate) * 100);
    result.bareCpu.push(bareRun.cpuMicroseconds);
    result.clientCpu.push(clientRun.cpuMicroseconds);
    result.memoryClientCpu.push(memoryRun.cpuMicroseconds);
    console.log(
      `server delay ${serverDelayMs} ms, ${concurrency} in flight, round ${round + 1}: ` +
        `bare undici ${bareRun.rate.toFixed(0)} req/s (${bareRun.cpuMicroseconds.toFixed(0)} µs CPU), ` +
        `kba-ws-client ${clientRun.rate.toFixed(0)} req/s (${clientRun.cpuMicroseconds.toFixed(0)} µs CPU), ` +
        `with an in-memory sink ${memoryRun.rate.toFixed(0)} req/s`,
    );
  }
  return result;
}

function resultRows({ serverDelayMs, concurrency }: Scenario, result: ScenarioResult) {
  const label =
    serverDelayMs === 0
      ? `saturated, ${concurrency} in flight`
      : `server answering after ${serverDelayMs} ms, ${concurrency} in flight`;
  const overhead = roundToTenth(median(result.overhead));
  const rate = (name: string, values: number[]) => ({
    name: `${label}: ${name}`,
    unit: 'req/s',
    median: Math.round(median(values)),
    max: Math.round(Math.max(...values)),
    runs: ROUNDS,
  });
  const cpu = (name: string, values: number[]) => ({
    name: `${label}: client CPU per request, ${name}`,
    unit: 'µs',
    median: Math.round(median(values)),
    runs: ROUNDS,
  });
  const overheadRows = [
    {
      name: `${label}: kba-ws-client overhead versus bare undici`,
      unit: '%',
      median: overhead,
      max: roundToTenth(Math.max(...result.overhead)),
      runs: ROUNDS,
      target: TARGET_OVERHEAD_PERCENT,
      meetsTarget: overhead <= TARGET_OVERHEAD_PERCENT,
    },
    {
      name: `${label}: overhead with an in-memory audit sink instead of the durable log`,
      unit: '%',
      median: roundToTenth(median(result.memoryOverhead)),
      max: roundToTenth(Math.max(...result.memoryOverhead)),
      runs: ROUNDS,
    },
  ];
  if (serverDelayMs > 0) return overheadRows;
  // Saturated, the client is CPU-bound: rates and CPU time per request explain the overhead.
  return [
    rate('bare undici', result.bare),
    rate('kba-ws-client (SOAP + context + durable audit log)', result.client),
    ...overheadRows,
    cpu('bare undici', result.bareCpu),
    cpu('kba-ws-client', result.clientCpu),
    cpu('with an in-memory audit sink', result.memoryClientCpu),
  ];
}

try {
  const results = [];
  for (const scenario of SCENARIOS) results.push(...resultRows(scenario, await measure(scenario)));
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
      scenarios: SCENARIOS,
      rounds: ROUNDS,
      audit:
        'JSON-lines sink with hash chain and fdatasync (group commit), two events per call, each acknowledged before the result is returned; the before-event is synced while the request is on its way (beforeEventDurable: before-result)',
    },
    results,
  };
  const resultsDirectory = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, 'kba-ws-client.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const row of results.filter((candidate) => 'target' in candidate))
    console.log(`${row.name}: ${row.median} %`);
} finally {
  await client.close();
  await memoryClient.close();
  await sink.close();
  await bare.close();
  serverProcess.kill('SIGTERM');
  rmSync(auditDirectory, { recursive: true, force: true });
}
