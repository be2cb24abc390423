/**
 * Benchmark of issue #7: deliveries through the local intermediary over HTTP on loopback.
 *
 * - throughput: storeDelivery (getMessageId + storeDelivery, each signed, encrypted, checked and fsynced)
 *   of messages with 10 KB of content, 8 at a time, deliveries per second;
 * - one 100 MB attachment end to end: seal (sign + encrypt) → storeDelivery → fetchDelivery → open
 *   (decrypt + verify), time and peak RSS above the baseline of the process (client and intermediary run in
 *   the same process, so the RSS counts both).
 *
 * Each case runs in its own child process. Results are merged into bench/results/osci-transport.json at
 * the repository root (entries named `delivery: …`; part 1's entries are kept).
 *
 *   pnpm bench
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestPki } from '@egovkit/testkit';
import { median, roundToTenth } from '@egovkit/testkit/bench-stats';
import { createOsciClient, type OsciClientOptions, sealContent, startIntermediary } from '../src/index.js';
import { cpuMs } from './stats.js';

const MB = 1024 * 1024;
type CaseName = 'throughput' | 'large';

async function child(name: CaseName, runs: number): Promise<void> {
  const pki = await getTestPki();
  const cert = pki.certificates;
  const directory = mkdtempSync(join(tmpdir(), 'osci-delivery-bench-'));
  const baseline = process.memoryUsage().rss;
  const intermediary = await startIntermediary({
    dataDir: directory,
    signer: {
      key: cert.osciIntermediarySignature.privateKeyPem,
      certificateChain: [cert.osciIntermediarySignature.chainPem],
    },
    decryption: {
      key: cert.osciIntermediaryEncryption.privateKeyPem,
      certificate: cert.osciIntermediaryEncryption.certificatePem,
    },
    trustAnchors: [pki.trustAnchorPem],
    intermediates: [cert.subCa.certificatePem],
  });
  const options = (signature: keyof typeof cert, encryption: keyof typeof cert): OsciClientOptions => ({
    url: intermediary.url,
    intermediaryCertificates: {
      signature: cert.osciIntermediarySignature.certificatePem,
      encryption: cert.osciIntermediaryEncryption.certificatePem,
    },
    signer: { key: cert[signature].privateKeyPem, certificateChain: [cert[signature].chainPem] },
    decryption: { key: cert[encryption].privateKeyPem, certificate: cert[encryption].certificatePem },
    trustAnchors: [pki.trustAnchorPem],
  });
  const author = createOsciClient(options('passportAuthoritySignature', 'passportAuthorityEncryption'));
  const producer = createOsciClient(options('documentProducerSignature', 'documentProducerEncryption'));
  const addressee = cert.documentProducerEncryption.certificatePem;
  const seal = (data: Uint8Array) =>
    sealContent(
      { id: 'antrag', contents: [{ kind: 'attachment', href: 'cid:anlage@egovkit' }] },
      {
        author: {
          key: cert.passportAuthoritySignature.privateKeyPem,
          certificateChain: [cert.passportAuthoritySignature.chainPem],
        },
        readers: [addressee],
        attachments: [{ contentId: 'anlage@egovkit', data }],
      },
    );
  const times: number[] = [];
  const rates: number[] = [];
  // CPU time (user + system) beside the wall time: on a loaded machine the wall time also counts the time
  // other processes held the CPU. Client and intermediary share this process, so it is the CPU of both.
  const cpuTimes: number[] = [];
  try {
    if (name === 'throughput') {
      const count = 40;
      const concurrency = 8;
      for (let run = 0; run < runs; run++) {
        const contents = await Promise.all(
          Array.from({ length: count }, () => seal(Buffer.alloc(10 * 1024, run + 1))),
        );
        let next = 0;
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            for (let index = next++; index < count; index = next++) {
              await author.storeDelivery({
                addresseeCipherCertificate: addressee,
                content: contents[index] as never,
              });
            }
          }),
        );
        const elapsed = performance.now() - started;
        cpuTimes.push(cpuMs(cpuBefore) / count);
        times.push(elapsed);
        rates.push((count * 1000) / elapsed);
      }
    } else {
      for (let run = 0; run < runs; run++) {
        const data = Buffer.alloc(100 * MB, 0x5a);
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const content = await seal(data);
        const receipt = await author.storeDelivery({ addresseeCipherCertificate: addressee, content });
        const fetched = await producer.fetchDelivery({ messageId: receipt.messageId });
        const [opened] = (await fetched?.open()) ?? [];
        times.push(performance.now() - started);
        cpuTimes.push(cpuMs(cpuBefore));
        if (opened?.attachments.get('anlage@egovkit')?.byteLength !== data.byteLength) {
          throw new Error('the attachment did not arrive whole');
        }
      }
    }
  } finally {
    await author.close();
    await producer.close();
    await intermediary.close();
    rmSync(directory, { recursive: true, force: true });
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ times, rates, cpuTimes, peakAboveBaseline: maxRss - baseline }));
}

async function main(): Promise<void> {
  const [, , mode, name, runsText] = process.argv;
  if (mode === '--case') {
    await child(name as CaseName, Number(runsText));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const run = (caseName: CaseName, runs: number) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', self, '--case', caseName, String(runs)], {
        encoding: 'utf8',
        maxBuffer: 16 * MB,
      }),
    ) as { times: number[]; rates: number[]; cpuTimes: number[]; peakAboveBaseline: number };
  const results: Array<Record<string, unknown>> = [];
  const throughput = run('throughput', 3);
  results.push({
    name: 'delivery: storeDelivery of 10 KB messages through the local intermediary (8 concurrent), throughput',
    unit: 'deliveries/s',
    median: roundToTenth(median(throughput.rates)),
    max: roundToTenth(Math.max(...throughput.rates)),
    runs: throughput.rates.length,
  });
  results.push({
    name: 'delivery: storeDelivery of 10 KB messages, CPU time per delivery (client and intermediary)',
    unit: 'ms',
    median: roundToTenth(median(throughput.cpuTimes)),
    max: roundToTenth(Math.max(...throughput.cpuTimes)),
    runs: throughput.cpuTimes.length,
  });
  const large = run('large', 1);
  results.push({
    name: 'delivery: one 100 MB attachment end to end (seal, store, fetch, open), time',
    unit: 'ms',
    median: roundToTenth(median(large.times)),
    max: roundToTenth(Math.max(...large.times)),
    runs: large.times.length,
  });
  results.push({
    name: 'delivery: one 100 MB attachment end to end, CPU time',
    unit: 'ms',
    median: roundToTenth(median(large.cpuTimes)),
    runs: large.cpuTimes.length,
  });
  results.push({
    name: 'delivery: one 100 MB attachment end to end, peak RSS above baseline (client and intermediary in one process)',
    unit: 'MB',
    median: roundToTenth(large.peakAboveBaseline / MB),
    runs: 1,
  });
  const target = new URL('../../../bench/results/osci-transport.json', import.meta.url);
  let previous: { results?: Array<{ name?: string }> } = {};
  try {
    previous = JSON.parse(readFileSync(target, 'utf8')) as typeof previous;
  } catch {
    // no results yet
  }
  const kept = (previous.results ?? []).filter((entry) => !String(entry.name).startsWith('delivery: '));
  const report = {
    ...previous,
    benchmark: 'osci-transport',
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
    results: [...kept, ...results],
  };
  writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

await main();
