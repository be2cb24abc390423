import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { readPemFile } from '../input.js';
import { type CliIo, lines, type Reporter } from '../output.js';

const KEY_LABEL = '(?:RSA |EC |ENCRYPTED )?PRIVATE KEY';

export interface IntermediaryCommandOptions {
  /** Key and certificate chain (leaf first) that sign responses and forwarded orders. */
  readonly signatureKey: string;
  readonly signatureCert: string;
  /** Key and certificate that open orders encrypted for the intermediary. */
  readonly encryptionKey: string;
  readonly encryptionCert: string;
  /** Trust anchors every client, addressee and recipient certificate must chain to. */
  readonly trust: readonly string[];
  readonly intermediate: readonly string[];
  /** Mailbox directory; a new temporary directory by default. */
  readonly dataDir?: string;
  readonly host?: string;
  readonly port?: string;
}

function port(value: string | undefined): number {
  if (value === undefined) return 0;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(number) || number > 65_535) {
    throw new CliError('USAGE', `--port must be a port number 0–65535 (got ${value})`);
  }
  return number;
}

/** Resolves when the signal fires: the io's, or SIGINT/SIGTERM of this process. */
function stopped(signal: AbortSignal | undefined): Promise<string> {
  if (signal !== undefined) {
    return new Promise((done) => {
      if (signal.aborted) done('abort');
      else signal.addEventListener('abort', () => done('abort'), { once: true });
    });
  }
  return new Promise((done) => {
    const stop = (name: string) => {
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
      done(name);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/**
 * `egovkit osci intermediary`: starts the local OSCI intermediary of @egovkit/osci-transport and runs until
 * SIGINT/SIGTERM. Prints its URL and mailbox directory first (one JSON document with --json); refusals go to
 * stderr.
 */
export async function osciIntermediary(
  options: IntermediaryCommandOptions,
  io: CliIo,
  reporter: Reporter,
): Promise<ExitCode> {
  if (options.trust.length === 0) throw new CliError('USAGE', 'the intermediary needs --trust <pem>');
  const listenPort = port(options.port);
  const signatureKey = await readPemFile(options.signatureKey, KEY_LABEL, 'signature key file');
  const signatureCert = await readPemFile(options.signatureCert, 'CERTIFICATE', 'signature certificate file');
  const encryptionKey = await readPemFile(options.encryptionKey, KEY_LABEL, 'encryption key file');
  const encryptionCert = await readPemFile(
    options.encryptionCert,
    'CERTIFICATE',
    'encryption certificate file',
  );
  const trustAnchors: string[] = [];
  for (const path of options.trust)
    trustAnchors.push(await readPemFile(path, 'CERTIFICATE', 'trust anchor file'));
  const intermediates: string[] = [];
  for (const path of options.intermediate) {
    intermediates.push(await readPemFile(path, 'CERTIFICATE', 'intermediate certificate file'));
  }
  const dataDir =
    options.dataDir === undefined
      ? await mkdtemp(join(tmpdir(), 'egovkit-intermediary-'))
      : resolve(options.dataDir);

  const { startIntermediary } = await import('@egovkit/osci-transport');
  const intermediary = await startIntermediary({
    dataDir,
    signer: { key: signatureKey, certificateChain: [signatureCert] },
    decryption: { key: encryptionKey, certificate: encryptionCert },
    trustAnchors,
    ...(intermediates.length === 0 ? {} : { intermediates }),
    ...(options.host === undefined ? {} : { host: options.host }),
    port: listenPort,
    onRefusal: (refusal) => {
      io.stderr.write(`egovkit: refused ${refusal.code}: ${refusal.reason}\n`);
    },
  });
  // Listen for the signals before saying we are ready: a signal sent right after the message must stop us cleanly.
  const stop = stopped(io.signal);
  try {
    reporter.result({
      exitCode: EXIT.OK,
      json: { url: intermediary.url, host: intermediary.host, port: intermediary.port, dataDir },
      text: lines(
        `OSCI intermediary listening on ${intermediary.url}`,
        `mailbox: ${dataDir}`,
        'stop with Ctrl-C (SIGINT) or SIGTERM',
      ),
    });
    await stop;
  } finally {
    await intermediary.close();
  }
  if (!reporter.json) io.stdout.write('intermediary stopped\n');
  return EXIT.OK;
}
