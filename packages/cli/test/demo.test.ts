import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DVDV_LDAP_SCHEMA } from '@egovkit/dvdv-client';
import { startSlapd } from '@egovkit/testkit';
import { loadTestPki } from '@egovkit/testkit/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The demo as users run it: the built `egovkit` binary in a child process (built by the root test command,
// or by `pnpm turbo run build --filter @egovkit/cli...` before running this file alone).
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

interface DemoReport {
  ok: boolean;
  steps: {
    number: number;
    actor: string;
    title: string;
    ok: boolean;
    facts: string[];
    error?: { code: string };
  }[];
}

async function demo(args: string[]): Promise<{ exitCode: number; report: DemoReport }> {
  try {
    const { stdout } = await run(process.execPath, [cli, 'demo', '--json', ...args], { timeout: 120_000 });
    return { exitCode: 0, report: JSON.parse(stdout) as DemoReport };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { exitCode: failed.code ?? -1, report: JSON.parse(failed.stdout ?? '{}') as DemoReport };
  }
}

const EXPECTED_STEPS = [
  'Throwaway PKI',
  'Staff login under the KBA password preset',
  'XhD passport application built and validated',
  'Local OSCI intermediary started',
  'DVDV directory opened',
  'Document producer looked up in the DVDV',
  'Application sent',
  'Delivery fetched, decrypted, author signature and chain verified',
  'Sender verified in the DVDV as a passport authority',
  'XhD application validated',
  'Receipt (XhD Auftragsinformation) sent back',
  'Receipt fetched and verified',
  'Process card (Laufzettel) of the application read',
];

describe('egovkit demo', () => {
  it('runs the PassDEÜV flow on embedded defaults, every step passing', async () => {
    const { exitCode, report } = await demo([]);
    expect(report.steps.map((step) => [step.ok, step.error])).toEqual(
      EXPECTED_STEPS.map(() => [true, undefined]),
    );
    expect(report.steps.map((step) => step.title)).toEqual(
      EXPECTED_STEPS.map((title) => expect.stringContaining(title)),
    );
    expect(exitCode).toBe(0);
    expect(report.ok).toBe(true);
    const facts = report.steps.flatMap((step) => step.facts).join('\n');
    expect(facts).toMatch(/refused "Passwort2024!": PASSWORD_COMMON/);
    expect(facts).toMatch(/psb:05315000_00 is a passbehoerde/);
    expect(facts).toMatch(/received \d{4}-\d{2}-\d{2}T/);
  });

  describe('against a real LDAP server (slapd) loaded with the prepared directory', () => {
    let directory: string;
    let slapd: Awaited<ReturnType<typeof startSlapd>>;
    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), 'egovkit-demo-test-'));
      await run(process.execPath, [cli, 'demo', '--prepare', directory]);
      const pki = loadTestPki(directory);
      slapd = await startSlapd({
        suffix: 'dc=dvdv,dc=demo',
        schemas: [DVDV_LDAP_SCHEMA],
        ldif: readFileSync(join(directory, 'dvdv.ldif'), 'utf8'),
        tls: {
          chainPem: pki.certificates.ldapServer.chainPem,
          privateKeyPem: pki.certificates.ldapServer.privateKeyPem,
          caPem: pki.trustAnchorPem,
        },
      });
    });
    afterAll(async () => {
      await slapd?.stop();
      rmSync(directory, { recursive: true, force: true });
    });

    it('looks the parties up over LDAP with StartTLS and passes', async () => {
      const { exitCode, report } = await demo(['--ldap', slapd.url, '--pki-dir', directory]);
      expect(report.steps.filter((step) => !step.ok)).toEqual([]);
      expect(exitCode).toBe(0);
      expect(report.steps.find((step) => step.title === 'DVDV directory opened')?.facts).toEqual([
        `LDAP server ${slapd.url}`,
      ]);
    });

    it('fails the lookup step, exit code 1, when the directory lacks the producer', async () => {
      const { exitCode, report } = await demo([
        '--ldap',
        slapd.url,
        '--pki-dir',
        directory,
        '--ldap-base-dn',
        'dc=other,dc=demo',
      ]);
      expect(exitCode).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.steps.at(-1)).toMatchObject({
        ok: false,
        title: 'Document producer looked up in the DVDV',
      });
    });
  });

  it('refuses --ldap without a prepared directory as a usage error', async () => {
    const { exitCode } = await demo(['--ldap', 'ldap://127.0.0.1:1']);
    expect(exitCode).toBe(2);
  });
});
