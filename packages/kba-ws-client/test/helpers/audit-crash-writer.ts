// Child process of the crash test: writes events as fast as it can with several concurrent writers and
// prints `ack <n>` once the write of event n resolved. The parent kills it with SIGKILL.
import { createJsonLinesAuditSink } from '../../src/audit/json-lines-sink.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: audit-crash-writer.ts <log path>');
const sink = createJsonLinesAuditSink({ path });
process.stdout.write('ready\n');

let next = 0;
async function writer(): Promise<never> {
  for (;;) {
    const n = next++;
    await sink.write({
      'event.name': 'kba.call.after',
      'event.time': new Date().toISOString(),
      'event.outcome': 'success',
      'kba.test.index': n,
      'kba.case.reference': `AZ-${n}-${'x'.repeat(n % 50)}`,
    });
    process.stdout.write(`ack ${n}\n`);
  }
}

await Promise.all(Array.from({ length: 8 }, () => writer()));
