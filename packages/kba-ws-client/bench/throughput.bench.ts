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
async function bareRequest(): Promise<void> {
  const response = await bare.request({
    origin,
    path: '/ws/auskunft',
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"fahrzeugAuskunft"' },
    body: envelope,
  });
  await response.body.text();
  if (response.statusCode !== 200) throw new Error(`bare client got ${response.statusCode}`);
}

const auditDirectory = mkdtempSync(join(tmpdir(), 'kba-bench-'));
const sink = createJsonLinesAuditSink({ path: join(auditDirectory, 'audit.jsonl') });
const client = await createKbaClient({
  endpoint: origin,
  services: { auskunft: { path: '/ws/auskunft' } },
  trustAnchors: { caPem: pki.trustAnchorPem },
  clientCertificate: {
    pkcs12: pki.certificates.kbaClient.pkcs12,
    password: pki.certificates.kbaClient.pkcs12Password,
  },
  audit: { sinks: [sink] },
  connections: CONCURRENCY,
  maxConcurrentCalls: CONCURRENCY,
});
async function clientRequest(): Promise<void> {
  await client.call('auskunft', 'fahrzeugAuskunft', body, { context });
}

async function run(request: () => Promise<void>, total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next += 1;
        await request();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

try {
  await run(bareRequest, WARM_UP);
  await run(clientRequest, WARM_UP);
  const bareRates: number[] = [];
  const clientRates: number[] = [];
  const overheads: number[] = [];
  // Alternating rounds, so that drift on the machine hits both clients alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    const bareRate = await run(bareRequest, REQUESTS_PER_ROUND);
    const clientRate = await run(clientRequest, REQUESTS_PER_ROUND);
    bareRates.push(bareRate);
    clientRates.push(clientRate);
    overheads.push((1 - clientRate / bareRate) * 100);
    console.log(
      `round ${round + 1}: bare undici ${bareRate.toFixed(0)} req/s, kba-ws-client ${clientRate.toFixed(0)} req/s`,
    );
  }
  const overhead = Math.round(median(overheads) * 10) / 10;
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
      concurrency: CONCURRENCY,
      requestsPerRound: REQUESTS_PER_ROUND,
      rounds: ROUNDS,
      audit: 'JSON-lines sink with hash chain and fsync (group commit), two events per call',
    },
    results: [
      {
        name: 'bare undici client: requests per second',
        unit: 'req/s',
        median: Math.round(median(bareRates)),
        max: Math.round(Math.max(...bareRates)),
        runs: ROUNDS,
      },
      {
        name: 'kba-ws-client (SOAP + context + audit): requests per second',
        unit: 'req/s',
        median: Math.round(median(clientRates)),
        max: Math.round(Math.max(...clientRates)),
        runs: ROUNDS,
      },
      {
        name: 'kba-ws-client overhead versus bare undici',
        unit: '%',
        median: overhead,
        max: Math.round(Math.max(...overheads) * 10) / 10,
        runs: ROUNDS,
        target: TARGET_OVERHEAD_PERCENT,
        meetsTarget: overhead <= TARGET_OVERHEAD_PERCENT,
      },
    ],
  };
  const resultsDirectory = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, 'kba-ws-client.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`overhead ${overhead} % (target ≤ ${TARGET_OVERHEAD_PERCENT} %)`);
} finally {
  await client.close();
  await sink.close();
  await bare.close();
  serverProcess.kill('SIGTERM');
  rmSync(auditDirectory, { recursive: true, force: true });
}
