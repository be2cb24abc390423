import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getTestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, egovkit, PACKAGE, temporaryDirectory } from './helpers.js';

beforeAll(assertBuilt);

async function credentials(): Promise<string[]> {
  const pki = await getTestPki();
  const c = pki.certificates;
  return [
    '--signature-key',
    c.osciIntermediarySignature.files.privateKeyPem,
    '--signature-cert',
    c.osciIntermediarySignature.files.chainPem,
    '--encryption-key',
    c.osciIntermediaryEncryption.files.privateKeyPem,
    '--encryption-cert',
    c.osciIntermediaryEncryption.files.certificatePem,
    '--trust',
    pki.trustAnchorFile,
  ];
}

/** Starts the binary and resolves with the child once stdout is `ready`. */
function start(
  args: readonly string[],
  ready: (stdout: string) => boolean = (stdout) => {
    try {
      JSON.parse(stdout);
      return true;
    } catch {
      return false;
    }
  },
): Promise<{
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: PACKAGE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (ready(out)) resolve({ child, stdout: () => out, stderr: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before starting: ${err}`)));
  });
}

describe('egovkit osci intermediary', () => {
  it('starts the local intermediary, answers OSCI requests, and stops on SIGTERM with exit code 0', async () => {
    const dataDir = join(temporaryDirectory('intermediary'), 'mailbox');
    const running = await start([
      'osci',
      'intermediary',
      ...(await credentials()),
      '--data-dir',
      dataDir,
      '--json',
    ]);
    try {
      const info = JSON.parse(running.stdout()) as {
        ok: boolean;
        url: string;
        port: number;
        dataDir: string;
      };
      expect(info).toMatchObject({ ok: true, dataDir });
      expect(info.url).toBe(`http://127.0.0.1:${info.port}/`);
      expect(existsSync(dataDir)).toBe(true);
      // A request that is no OSCI message is refused with a SOAP fault carrying an OSCI feedback code.
      const response = await fetch(info.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: '<not-osci/>',
      });
      const body = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(body).toContain('Fault');
      expect(body).toMatch(/<osci:Code>9\d{3}<\/osci:Code>|9\d{3}/);
      await expect.poll(running.stderr).toMatch(/^egovkit: refused 9\d{3}: /m);
    } finally {
      running.child.kill('SIGTERM');
    }
    expect(await running.exited).toBe(0);
  });

  it('prints where it listens as text and stops on SIGINT', async () => {
    const running = await start(['osci', 'intermediary', ...(await credentials())], (stdout) =>
      stdout.includes('stop with Ctrl-C'),
    );
    expect(running.stdout()).toMatch(
      /^OSCI intermediary listening on http:\/\/127\.0\.0\.1:\d+\/\nmailbox: .*egovkit-intermediary-/,
    );
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(running.stdout()).toContain('intermediary stopped');
  });

  it('needs its keys, certificates and trust anchors (usage errors, exit 2)', async () => {
    const none = await egovkit(['osci', 'intermediary']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^egovkit: USAGE: required option '--signature-key <pem>' not specified/);
    const withoutTrust = (await credentials()).slice(0, -2);
    const trust = await egovkit(['osci', 'intermediary', ...withoutTrust]);
    expect(trust.code).toBe(2);
    expect(trust.stderr).toContain('egovkit: USAGE: the intermediary needs --trust <pem>');
    const port = await egovkit(['osci', 'intermediary', ...(await credentials()), '--port', 'http']);
    expect(port.code).toBe(2);
    const key = await egovkit([
      'osci',
      'intermediary',
      ...(await credentials()).slice(2),
      '--signature-key',
      'no-such.pem',
    ]);
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/^egovkit: FILE_UNREADABLE: /);
  });
});
