import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError, EXIT, runCli } from '../src/index.js';
import { assertBuilt, egovkit, PACKAGE, XHD_FIXTURES } from './helpers.js';

const version = (JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string })
  .version;

beforeAll(assertBuilt);

describe('egovkit: help, version and usage errors', () => {
  it('prints help with the exit codes, and the version, with exit code 0', async () => {
    const help = await egovkit(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['xhd', 'osci', 'dvdv', 'kba', 'password', 'demo']) {
      expect(help.stdout).toMatch(new RegExp(`\\n {2}${command}\\b`));
    }
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('2  usage error');
    const sub = await egovkit(['osci', 'inspect', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--trust <pem>');
    const versionRun = await egovkit(['--version']);
    expect(versionRun.code).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);
  });

  it('exits with 2 and a readable message on stderr for usage errors', async () => {
    const none = await egovkit([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('egovkit: USAGE: a command is missing');
    const unknown = await egovkit(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("egovkit: USAGE: unknown command 'frobnicate' (see --help)\n");
    expect(unknown.stdout).toBe('');
    const option = await egovkit(['xhd', 'validate', 'x.xml', '--strict']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("egovkit: USAGE: unknown option '--strict'");
    const group = await egovkit(['kba']);
    expect(group.code).toBe(2);
  });

  it('gives usage errors as one JSON document with --json', async () => {
    const run = await egovkit(['dvdv', 'lookup', '--json']);
    expect(run.code).toBe(2);
    expect(run.json()).toEqual({
      ok: false,
      error: {
        name: 'CliError',
        code: 'USAGE',
        message: expect.stringContaining("missing required argument 'kennung'"),
      },
    });
  });
});

describe('egovkit demo', () => {
  // The demo itself is tested in demo.test.ts; here only its wiring.
  it('is a command with --ldap and --json', async () => {
    const help = await egovkit(['demo', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--ldap <url>');
    expect(help.stdout).toContain('--json');
  });
});

describe('runCli (in-process)', () => {
  function streams(input?: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const stdin = new PassThrough();
    if (input !== undefined) stdin.end(input);
    return { io: { stdout, stderr, stdin }, out: () => out, err: () => err };
  }

  it('returns the exit code instead of exiting and writes to the given streams', async () => {
    const valid = streams();
    const code = await runCli(
      ['xhd', 'validate', join(XHD_FIXTURES, 'valid', 'rp-reisepass.xml'), '--json'],
      valid.io,
    );
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(valid.out())).toMatchObject({ ok: true, valid: true });

    const password = streams('kurz\n');
    expect(await runCli(['password', 'check'], password.io)).toBe(EXIT.FAILED);
    expect(password.out()).toContain('PASSWORD_TOO_SHORT');

    const usage = streams();
    expect(await runCli(['nope'], usage.io)).toBe(EXIT.USAGE);
    expect(usage.err()).toContain('egovkit: USAGE: ');
  });

  it('exports CliError with stable codes', () => {
    const error = new CliError('USAGE', 'bad');
    expect(error.toJSON()).toEqual({ name: 'CliError', code: 'USAGE', message: 'bad' });
    expect(EXIT).toEqual({ OK: 0, FAILED: 1, USAGE: 2, UNEXPECTED: 3 });
  });
});
