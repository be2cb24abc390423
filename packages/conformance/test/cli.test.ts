import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceCase, type ConformanceReport, loadManifest, shellQuote } from '../src/index.js';
import { assertWellFormedXml, CLI, FIXTURES, referenceServer, runCli, type TestServer } from './helpers.js';

const manifest = loadManifest(FIXTURES);
const scratch = mkdtempSync(join(tmpdir(), 'conformance-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const reference = `${shellQuote(process.execPath)} ${shellQuote(CLI)} reference {suite} {file}`;
const fixture = (file: string) => join(FIXTURES, file);

describe('egovkit-conformance (built binary)', () => {
  it('run: every case passes against the reference adapter; JUnit, Markdown and JSON reports; exit 0', async () => {
    const junit = join(scratch, 'reports', 'conformance.xml');
    const markdown = join(scratch, 'reports', 'conformance.md');
    const result = await runCli([
      'run',
      '--command',
      reference,
      '--junit',
      junit,
      '--markdown',
      markdown,
      '--json',
      '--timeout',
      '120000',
    ]);
    const report = JSON.parse(result.stdout) as ConformanceReport;
    const notPassed = report.cases
      .filter((c) => c.status !== 'passed')
      .map((c) => `${c.id}: ${c.reason} ${c.output ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.summary.total).toBe(manifest.cases.length);
    // The reference adapter reports egovkit's codes: every expected code is met, none differs.
    expect(report.summary.codeMismatches).toBe(0);
    expect(report.summary.codeMatches).toBe(manifest.cases.filter((c) => c.verdict === 'reject').length);
    const xml = readFileSync(junit, 'utf8');
    assertWellFormedXml(xml);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.match(/<testcase /g)).toHaveLength(manifest.cases.length);
    expect(xml).not.toMatch(/<failure|<error/);
    expect(readFileSync(markdown, 'utf8')).toContain(
      `**PASSED**: ${manifest.cases.length} of ${manifest.cases.length} cases passed, 0 failed, 0 errors.`,
    );
  }, 600_000);

  it('run: exit 1 with the failures named when an implementation accepts everything', async () => {
    const result = await runCli([
      'run',
      '--command',
      'true',
      '--suite',
      'xhd,dvdv',
      '--markdown',
      join(scratch, 'x.md'),
    ]);
    expect(result.code).toBe(1);
    const rejects = manifest.cases.filter((c) => c.suite === 'xhd' && c.verdict === 'reject');
    for (const c of rejects)
      expect(result.stderr).toContain(`FAIL  ${c.id}: accepted a case that must be rejected`);
    expect(result.stdout).toContain(
      `FAILED: ${manifest.cases.filter((c) => c.suite !== 'osci').length - rejects.length} of`,
    );
    expect(readFileSync(join(scratch, 'x.md'), 'utf8')).toContain('**FAILED**');
  });

  describe('run --url', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await referenceServer();
    });
    afterAll(() => server.close());

    it('passes the OSCI suite against an HTTP endpoint and exits 0', async () => {
      const result = await runCli([
        'run',
        '--url',
        server.url,
        '--suite',
        'osci',
        '--header',
        'X-Vendor: acme',
        '--json',
      ]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as ConformanceReport;
      expect(report.summary.total).toBe(manifest.cases.filter((c) => c.suite === 'osci').length);
      expect(report.passed).toBe(true);
      expect(server.requests.every((r) => r.headers['x-vendor'] === 'acme')).toBe(true);
    });
  });

  it('run: usage errors exit 2', async () => {
    for (const args of [
      ['run'],
      ['run', '--command', 'true', '--url', 'http://127.0.0.1:1/'],
      ['run', '--command', 'true', '--suite', 'kba'],
      ['run', '--command', 'true', '--timeout', 'soon'],
      ['run', '--command', 'true', '--case', 'nothing/'],
      ['run', '--url', 'not a url'],
      ['frobnicate'],
      [],
    ]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toBe('');
    }
    expect((await runCli(['--help'])).code).toBe(0);
    expect((await runCli(['run', '--help'])).stdout).toContain('--command <template>');
  });

  it('reference: JSON verdict, exit 0 for accept and 1 for reject, the layer hint from the environment', async () => {
    const valid = await runCli(['reference', 'xhd', fixture('xhd/valid/rp-reisepass.xml')]);
    expect(valid).toMatchObject({ code: 0 });
    expect(JSON.parse(valid.stdout)).toEqual({ verdict: 'accept', codes: [] });
    const invalid = await runCli(['reference', 'xhd', fixture('xhd/invalid/bkz-invalid.xml')]);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({
      verdict: 'reject',
      code: 'BKZ_INVALID',
      codes: ['BKZ_INVALID', 'SERIAL_NUMBER_INVALID'],
    });
    const tampered = fixture('osci/negative/tampered-encrypted-attachment.mime');
    const whole = await runCli(['reference', 'osci', tampered]);
    expect(JSON.parse(whole.stdout)).toMatchObject({ verdict: 'reject', code: 'SIGNATURE_INVALID' });
    const layer = await runCli(['reference', 'osci', tampered], {
      env: { EGOVKIT_CONFORMANCE_CHECK: 'decrypt' },
    });
    expect(JSON.parse(layer.stdout)).toMatchObject({ verdict: 'reject', code: 'DECRYPTION_FAILED' });
    const oversize = fixture('osci/negative/oversize-part.mime');
    expect((await runCli(['reference', 'osci', oversize])).code).toBe(0);
    const limited = await runCli(['reference', 'osci', oversize, '--max-part-bytes', '1024']);
    expect(limited.code).toBe(1);
    expect(JSON.parse(limited.stdout)).toMatchObject({ code: 'MIME_PART_TOO_LARGE' });
    expect((await runCli(['reference', 'dvdv', fixture('dvdv/dvdv-demo.ldif')])).code).toBe(0);
    expect((await runCli(['reference', 'kba', tampered])).code).toBe(2);
    expect((await runCli(['reference', 'xhd', join(scratch, 'missing.xml')])).code).toBe(2);
    expect((await runCli(['reference', 'osci', tampered, '--check', 'everything'])).code).toBe(2);
  });

  it('pki: writes the test PKI into a directory', async () => {
    const dir = join(scratch, 'vendor-pki');
    const result = await runCli(['pki', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`test PKI written to ${dir}`);
    const index = JSON.parse(readFileSync(join(dir, 'pki.json'), 'utf8')) as {
      trustAnchorFile: string;
      certificates: Record<string, { files: Record<string, string>; pkcs12Password: string }>;
    };
    expect(index.trustAnchorFile).toBe(join(dir, 'root-ca.crt.pem'));
    const producer = index.certificates.documentProducerEncryption;
    for (const file of Object.values(producer?.files ?? {})) expect(existsSync(file), file).toBe(true);
    expect(readFileSync(producer?.files.certificatePem ?? '', 'utf8')).toMatch(
      /^-----BEGIN CERTIFICATE-----/,
    );
    expect(readFileSync(producer?.files.privateKeyPem ?? '', 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await runCli(['pki'])).code).toBe(2);
  });

  it('list: the cases as JSON', async () => {
    const result = await runCli(['list', '--suite', 'dvdv', '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ConformanceCase[]).map((c) => c.id)).toEqual([
      'dvdv/directory/demo',
    ]);
  });
});
