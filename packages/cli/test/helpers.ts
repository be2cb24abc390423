import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(PACKAGE, 'dist', 'cli.js');
export const XHD_FIXTURES = join(PACKAGE, '..', 'xhd', 'fixtures');
export const OSCI_FIXTURES = join(PACKAGE, '..', 'osci-transport', 'fixtures');
export const TRUST_ANCHOR = join(OSCI_FIXTURES, 'pki', 'trust-anchor.pem');
export const PRODUCER_KEY = join(OSCI_FIXTURES, 'pki', 'producer-encryption.key.pem');
export const INTERMEDIARY_KEY = join(OSCI_FIXTURES, 'pki', 'intermediary-encryption.key.pem');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The tests run the built binary, as a user would. Fail loudly instead of testing a missing or stale build:
 * `pnpm turbo run build --filter @egovkit/cli...` builds it with its dependencies.
 */
export function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: run \`pnpm turbo run build --filter @egovkit/cli...\` first`);
  }
  if (statSync(BIN).mtimeMs < newestSource(join(PACKAGE, 'src'))) {
    throw new Error(`${BIN} is older than src/: run \`pnpm --filter @egovkit/cli build\` first`);
  }
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (throws when it is not exactly one JSON document). */
  json<T = Record<string, unknown>>(): T;
}

/** Runs `node dist/cli.js …args`, optionally writing `input` to its stdin. */
export function egovkit(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? PACKAGE,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T }));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

export function temporaryDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `egovkit-cli-${prefix}-`));
}

/** Maps over items with at most `size` runs at a time; results in input order. */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  }
  return results;
}
