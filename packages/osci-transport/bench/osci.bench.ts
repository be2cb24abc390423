/**
 * Benchmark of issue #6: build+sign+encrypt and parse+decrypt+verify of a storeDelivery with one 1 MB or
 * 100 MB attachment, side by side with raw node:crypto AES-256-GCM + SHA-256 + base64 over the same bytes.
 * Every case runs in its own child process, so that its peak RSS (resourceUsage().maxRSS) is its own;
 * RSS is reported above the child's baseline after start-up (test PKI included), measured in a child with a
 * single run; the attachment bytes themselves are part of it.
 *
 *   pnpm bench        (writes ../../bench/results/osci-transport.json)
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestPki } from '@egovkit/testkit';
import { serializeOsciMessage } from '../src/codec/index.js';
import {
  decryptContentContainerWithAttachments,
  encryptContentContainerWithAttachments,
  signContentContainer,
  signOrderData,
  verifyContentContainer,
  verifyOrderSignature,
} from '../src/layers/index.js';
import { buildMultipartRelated, parseMultipartRelated } from '../src/mime/index.js';
import type { StoreDelivery } from '../src/model/index.js';

type CaseName = 'send' | 'receive' | 'raw';
const MB = 1024 * 1024;

/** CPU milliseconds (user + system) since `before`. */
function cpuMs(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function child(name: CaseName, size: number, runs: number, file: string): Promise<void> {
  const pki = await getTestPki();
  // Baseline after start-up and test PKI, before any attachment byte exists.
  const baseline = process.memoryUsage().rss;
  const cert = pki.certificates;
  const author = {
    key: cert.passportAuthoritySignature.privateKeyPem,
    certificateChain: [cert.passportAuthoritySignature.chainPem],
  };
  const times: number[] = [];
  // CPU time (user + system) of each run beside the wall time: on a loaded machine the wall time also counts
  // the time other processes held the CPU.
  const cpuTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    let cpuBefore = process.cpuUsage();
    if (name === 'raw') {
      const data = randomBytes(size);
      const started = performance.now();
      cpuBefore = process.cpuUsage();
      const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
      const encrypted = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
      createHash('sha256').update(data).digest();
      const text = encrypted.toString('base64');
      times.push(performance.now() - started);
      cpuTimes.push(cpuMs(cpuBefore));
      if (text.length === 0) throw new Error('unreachable');
    } else if (name === 'send') {
      const data = randomBytes(size);
      const started = performance.now();
      cpuBefore = process.cpuUsage();
      const attachments = new Map([['anlage@egovkit', data]]);
      const container = await signContentContainer(
        { id: 'antrag', contents: [{ kind: 'attachment', id: 'antrag-anlage', href: 'cid:anlage@egovkit' }] },
        { author, attachments },
      );
      const encrypted = await encryptContentContainerWithAttachments(container, {
        recipients: [cert.documentProducerEncryption.certificatePem],
        attachments,
      });
      const parts = new Map(encrypted.attachments.map((a) => [a.contentId, a.data]));
      const message: StoreDelivery = {
        type: 'storeDelivery',
        controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: 'c1' },
        desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
        qualityOfTimestamp: {
          creation: { id: 'qot-creation', quality: 'plain' },
          reception: { id: 'qot-reception', quality: 'plain' },
        },
        storeDelivery: { id: 'storedelivery', messageId: 'YmVuY2g=', subject: 'bench' },
        nonIntermediaryCertificates: {
          id: 'nonintermediarycertificates',
          cipherCertificateAddressee: {
            certificateBase64: cert.documentProducerEncryption.certificateDer.toString('base64'),
          },
        },
        contentPackage: { encryptedData: [encrypted.encryptedData] },
        bodyId: 'body',
      };
      const signed = await signOrderData(message, { signer: author, attachments: parts });
      const built = buildMultipartRelated({
        soapXml: serializeOsciMessage(signed),
        attachments: [...parts].map(([contentId, bytes]) => ({ contentId, data: bytes })),
      });
      // Written chunk by chunk as a transport would: the package is never concatenated.
      const fd = openSync(file, 'w');
      writeSync(fd, built.entityHeaders);
      for (const chunk of built.bodyChunks) writeSync(fd, chunk);
      closeSync(fd);
      times.push(performance.now() - started);
      cpuTimes.push(cpuMs(cpuBefore));
      // getTestPki makes a new PKI per process: the receiving child needs this one's anchor and key.
      writeFileSync(`${file}.trust.pem`, pki.trustAnchorPem);
      writeFileSync(`${file}.key.pem`, cert.documentProducerEncryption.privateKeyPem);
    } else {
      const input = readFileSync(file);
      const trustAnchor = readFileSync(`${file}.trust.pem`, 'utf8');
      const privateKey = readFileSync(`${file}.key.pem`, 'utf8');
      const started = performance.now();
      cpuBefore = process.cpuUsage();
      const mime = parseMultipartRelated(input);
      const order = await verifyOrderSignature(input, { trustAnchors: [trustAnchor] });
      const encrypted = (order.message as StoreDelivery).contentPackage?.encryptedData?.[0] as string;
      const opened = await decryptContentContainerWithAttachments(encrypted, {
        privateKey,
        attachments: mime,
      });
      await verifyContentContainer(opened.container, {
        trustAnchors: [trustAnchor],
        attachments: opened.attachments,
      });
      times.push(performance.now() - started);
      cpuTimes.push(cpuMs(cpuBefore));
      if (opened.attachments.get('anlage@egovkit')?.length !== size) throw new Error('wrong attachment size');
    }
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ times, cpuTimes, peakAboveBaseline: maxRss - baseline, maxRss }));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const [, , mode, name, sizeText, runsText, file] = process.argv;
  if (mode === '--case') {
    await child(name as CaseName, Number(sizeText), Number(runsText), file as string);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const directory = mkdtempSync(join(tmpdir(), 'osci-bench-'));
  const results: Array<Record<string, unknown>> = [];
  try {
    for (const [label, size, runs] of [
      ['1 MB', MB, 15],
      ['100 MB', 100 * MB, 3],
    ] as const) {
      const file = join(directory, `message-${size}.mime`);
      const measured: Record<string, { times: number[]; cpuTimes: number[]; peakAboveBaseline: number }> = {};
      for (const name of ['raw', 'send', 'receive'] as const) {
        const output = execFileSync(
          process.execPath,
          ['--import', 'tsx', self, '--case', name, String(size), String(runs), file],
          { encoding: 'utf8', maxBuffer: 16 * MB },
        );
        const timed = JSON.parse(output) as { times: number[]; cpuTimes: number[] };
        // Peak RSS from a child of its own with a single run, so earlier runs' garbage does not count.
        const once = JSON.parse(
          execFileSync(process.execPath, ['--import', 'tsx', self, '--case', name, String(size), '1', file], {
            encoding: 'utf8',
            maxBuffer: 16 * MB,
          }),
        ) as { peakAboveBaseline: number };
        measured[name] = {
          times: timed.times,
          cpuTimes: timed.cpuTimes,
          peakAboveBaseline: once.peakAboveBaseline,
        };
      }
      const raw = median(measured.raw?.times ?? []);
      const rawCpu = median(measured.raw?.cpuTimes ?? []);
      for (const [name, what] of [
        ['raw', 'raw node:crypto AES-256-GCM + SHA-256 + base64'],
        ['send', 'build + sign + encrypt'],
        ['receive', 'parse + decrypt + verify'],
      ] as const) {
        const result = measured[name] as { times: number[]; cpuTimes: number[]; peakAboveBaseline: number };
        results.push({
          name: `${label}: ${what}, time`,
          unit: 'ms',
          median: round(median(result.times)),
          max: round(Math.max(...result.times)),
          runs,
        });
        results.push({
          name: `${label}: ${what}, CPU time (user + system)`,
          unit: 'ms',
          median: round(median(result.cpuTimes)),
          max: round(Math.max(...result.cpuTimes)),
          runs,
        });
        const peak = round(result.peakAboveBaseline / MB);
        results.push({
          name: `${label}: ${what}, peak RSS above baseline`,
          unit: 'MB',
          median: peak,
          runs: 1,
          ...(name === 'raw' ? {} : { target: round((3 * size) / MB), meetsTarget: peak <= (3 * size) / MB }),
        });
        if (name !== 'raw') {
          // Goal: at least 60 % of the raw throughput, i.e. at most 1/0.6 of its time.
          const factor = round(median(result.times) / raw);
          results.push({
            name: `${label}: ${what}, time relative to raw`,
            unit: '×',
            median: factor,
            runs,
            target: round(1 / 0.6),
            meetsTarget: factor <= 1 / 0.6,
          });
          // The same on CPU time, which other processes on a busy machine do not inflate as much.
          const cpuFactor = round(median(result.cpuTimes) / rawCpu);
          results.push({
            name: `${label}: ${what}, CPU time relative to raw`,
            unit: '×',
            median: cpuFactor,
            runs,
            target: round(1 / 0.6),
            meetsTarget: cpuFactor <= 1 / 0.6,
          });
        }
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const report = {
    benchmark: 'osci-transport',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      // Other processes compete for the CPUs when this is well above `cpus`; wall times then vary a lot.
      loadAverage: loadavg().map(round),
    },
    results,
  };
  const target = new URL('../../../bench/results/osci-transport.json', import.meta.url);
  writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
