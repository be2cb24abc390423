import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceError,
  expandCommand,
  loadManifest,
  runConformance,
  shellQuote,
} from '../src/index.js';
import { FIXTURES, referenceServer, startServer, type TestServer } from './helpers.js';

const manifest = loadManifest(FIXTURES);
const total = manifest.cases.length;
const rejects = manifest.cases.filter((c) => c.verdict === 'reject');
const accepts = manifest.cases.filter((c) => c.verdict === 'accept');
const ONE_XHD = 'xhd/valid/rp-reisepass';
const BKZ = 'xhd/invalid/bkz-invalid';

describe('runConformance with a command', () => {
  it('reports every negative case as failed for an implementation that accepts everything', async () => {
    const report = await runConformance({ target: { command: 'true {file}' }, fixturesDir: FIXTURES });
    expect(report.passed).toBe(false);
    expect(report.summary).toMatchObject({
      total,
      passed: accepts.length,
      failed: rejects.length,
      errors: 0,
    });
    for (const result of report.cases) {
      expect(result.actual, result.id).toBe('accept');
      if (result.expected.verdict === 'reject') {
        expect(result.status, result.id).toBe('failed');
        expect(result.reason).toMatch(/^accepted a case that must be rejected/);
      } else expect(result.status, result.id).toBe('passed');
    }
    expect(report.suites.map((s) => s.suite)).toEqual(['osci', 'xhd', 'dvdv']);
    expect(report.suites.reduce((sum, s) => sum + s.total, 0)).toBe(total);
  });

  it('reports every valid case as failed for an implementation that rejects everything', async () => {
    const report = await runConformance({
      target: { command: 'exit 3' },
      suite: 'xhd',
      fixturesDir: FIXTURES,
    });
    const xhd = manifest.cases.filter((c) => c.suite === 'xhd');
    expect(report.cases).toHaveLength(xhd.length);
    for (const result of report.cases) {
      expect(result.exitCode).toBe(3);
      expect(result.status, result.id).toBe(result.expected.verdict === 'reject' ? 'passed' : 'failed');
    }
  });

  it('passes placeholders shell-quoted and the case in the environment', async () => {
    const report = await runConformance({
      target: {
        command:
          'test -f {file} && printf "%s|%s|%s|%s|%s|%s" {suite} {case} {kind} {check} "$EGOVKIT_CONFORMANCE_OPTIONS" "$EGOVKIT_CONFORMANCE_VALIDATION_TIME"; exit 1',
      },
      cases: ['osci/negative/oversize-part'],
      fixturesDir: FIXTURES,
    });
    expect(report.cases[0]).toMatchObject({
      status: 'passed',
      actual: 'reject',
      exitCode: 1,
      output: `osci|osci/negative/oversize-part|osci-mime|order|{"maxPartBytes":1024}|${manifest.suites.osci.validationTime}`,
    });
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(expandCommand('x {file} {unknown}', { file: '/a b/c' })).toBe("x '/a b/c' {unknown}");
  });

  it('compares JSON codes on stdout as a bonus, without changing the verdict', async () => {
    const run = (code: string) =>
      runConformance({
        target: { command: `echo '{"code":"${code}"}'; exit 1` },
        cases: [BKZ],
        fixturesDir: FIXTURES,
      });
    const match = (await run('SERIAL_NUMBER_INVALID')).cases[0];
    expect(match).toMatchObject({
      status: 'passed',
      reportedCodes: ['SERIAL_NUMBER_INVALID'],
      codeMatch: true,
    });
    const other = await run('VENDOR_E42');
    expect(other.cases[0]).toMatchObject({
      status: 'passed',
      reportedCodes: ['VENDOR_E42'],
      codeMatch: false,
    });
    expect(other.summary).toMatchObject({ passed: 1, codeMatches: 0, codeMismatches: 1 });
    expect(other.passed).toBe(true);
  });

  it('turns a time-out into a failed case with a reason and kills the whole process group', async () => {
    const started = Date.now();
    const report = await runConformance({
      target: { command: 'sleep 30; exit 0' },
      cases: [ONE_XHD, BKZ],
      timeoutMs: 300,
      fixturesDir: FIXTURES,
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    for (const result of report.cases) {
      expect(result).toMatchObject({ status: 'error', reason: 'timed out after 300 ms', signal: 'SIGKILL' });
      expect(result.actual).toBeUndefined();
    }
    expect(report.summary).toMatchObject({ errors: 2, passed: 0 });
  });

  it('reports the unfinished cases of an aborted run as errors', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runConformance({
      target: { command: 'sleep 30; exit 0' },
      cases: [ONE_XHD, BKZ],
      concurrency: 1,
      signal: controller.signal,
      fixturesDir: FIXTURES,
    });
    setTimeout(() => controller.abort(), 200);
    const report = await run;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report.cases.map((c) => [c.status, c.reason])).toEqual([
      ['error', 'the run was aborted'],
      ['error', 'the run was aborted'],
    ]);
  });

  it('turns crashes, missing commands and signals into failed cases with a reason', async () => {
    const one = async (command: string) =>
      (await runConformance({ target: { command }, cases: [BKZ], fixturesDir: FIXTURES })).cases[0];
    expect(await one('kill -9 $$')).toMatchObject({ status: 'error', reason: 'crashed: killed by SIGKILL' });
    expect(await one('exit 134')).toMatchObject({ status: 'error', reason: 'crashed: exit code 134' });
    expect(await one('egovkit-no-such-command-xyz {file}')).toMatchObject({
      status: 'error',
      reason: 'command not found (exit code 127)',
      exitCode: 127,
    });
    const crash = await one(`${JSON.stringify(process.execPath)} -e "throw new Error('vendor bug')"`);
    // An uncaught exception exits with 1: indistinguishable from a rejection, and reported with the output.
    expect(crash).toMatchObject({ status: 'passed', exitCode: 1 });
    expect(crash?.output).toContain('vendor bug');
    // A JSON verdict that contradicts the exit code guards against that.
    expect(await one(`echo '{"verdict":"accept"}'; exit 1`)).toMatchObject({
      status: 'error',
      reason: 'inconsistent answer: the exit code says reject, the JSON output accept',
    });
    // With requireVerdict, an answer without one is an error too.
    const strict = async (command: string) =>
      (
        await runConformance({
          target: { command },
          cases: [BKZ],
          requireVerdict: true,
          fixturesDir: FIXTURES,
        })
      ).cases[0];
    expect(await strict('exit 1')).toMatchObject({
      status: 'error',
      reason: 'no JSON verdict in the answer (a verdict is required)',
    });
    expect(await strict(`echo '{"verdict":"reject","code":"BKZ_INVALID"}'; exit 1`)).toMatchObject({
      status: 'passed',
      codeMatch: true,
    });
  });

  it('throws ConformanceError for misuse only', async () => {
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: ConformanceError) => error.code,
      );
    expect(await code(runConformance({ target: {} as never }))).toBe('CONFORMANCE_TARGET_INVALID');
    expect(await code(runConformance({ target: { command: ' ' } }))).toBe('CONFORMANCE_TARGET_INVALID');
    expect(await code(runConformance({ target: { url: 'ftp://x' } }))).toBe('CONFORMANCE_TARGET_INVALID');
    expect(await code(runConformance({ target: { command: 'true' }, suite: 'kba' as never }))).toBe(
      'CONFORMANCE_SUITE_UNKNOWN',
    );
    expect(await code(runConformance({ target: { command: 'true' }, cases: ['nope/'] }))).toBe(
      'CONFORMANCE_NO_CASES',
    );
    expect(await code(runConformance({ target: { command: 'true' }, timeoutMs: 0 }))).toBe(
      'CONFORMANCE_OPTION_INVALID',
    );
    expect(await code(runConformance({ target: { command: 'true' }, fixturesDir: '/nonexistent' }))).toBe(
      'CONFORMANCE_FIXTURES_MISSING',
    );
  });
});

describe('runConformance with an HTTP endpoint on 127.0.0.1', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await referenceServer();
  });
  afterAll(() => server.close());

  it('passes every case against an endpoint that wraps the reference checks, codes included', async () => {
    const report = await runConformance({
      target: { url: server.url },
      fixturesDir: FIXTURES,
      concurrency: 4,
      requireVerdict: true,
    });
    const notPassed = report.cases
      .filter((c) => c.status !== 'passed')
      .map((c) => `${c.id}: ${c.reason} ${c.output ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.targetType).toBe('http');
    expect(report.summary.codeMismatches).toBe(0);
    expect(report.summary.codeMatches).toBe(rejects.length);
    for (const result of report.cases) {
      expect(result.httpStatus, result.id).toBe(result.expected.verdict === 'accept' ? 200 : 422);
    }
    const byCase = new Map(server.requests.map((r) => [r.headers['x-conformance-case'], r.headers]));
    expect(byCase.size).toBe(total);
    expect(byCase.get('xhd/valid/rp-reisepass')).toMatchObject({
      'content-type': 'application/xml',
      'x-conformance-suite': 'xhd',
      'x-conformance-kind': 'xhd-xml',
    });
    expect(byCase.get('osci/negative/oversize-part')).toMatchObject({
      'content-type': expect.stringMatching(/^multipart\/related; boundary=/),
      'mime-version': '1.0',
      'x-conformance-check': 'order',
      'x-conformance-options': '{"maxPartBytes":1024}',
      'x-conformance-validation-time': manifest.suites.osci.validationTime,
    });
    expect(byCase.get('osci/message/soapFault')?.['content-type']).toBe('text/xml; charset=utf-8');
    expect(byCase.get('dvdv/directory/demo')?.['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('counts 5xx answers, refused connections and time-outs as errors, and honours the concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const flaky = await startServer(async (request, _body, response) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 150));
      inFlight--;
      if (request.headers['x-conformance-case'] === BKZ) {
        response.writeHead(500).end('{"code":"INTERNAL"}');
      } else if (request.headers['x-conformance-case'] === ONE_XHD) {
        response.writeHead(302, { location: '/elsewhere' }).end();
      } else response.writeHead(200).end();
    });
    try {
      const report = await runConformance({
        target: { url: flaky.url, headers: { authorization: 'Bearer t' } },
        suite: 'xhd',
        concurrency: 3,
        fixturesDir: FIXTURES,
      });
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThan(1);
      expect(flaky.requests.every((r) => r.headers.authorization === 'Bearer t')).toBe(true);
      const byId = new Map(report.cases.map((c) => [c.id, c]));
      expect(byId.get(BKZ)).toMatchObject({
        status: 'error',
        httpStatus: 500,
        reason: 'HTTP status 500 is neither 2xx (accept) nor 4xx (reject)',
        reportedCodes: ['INTERNAL'],
      });
      expect(byId.get(ONE_XHD)).toMatchObject({ status: 'error', httpStatus: 302 });
    } finally {
      await flaky.close();
    }

    const hanging = await startServer(() => undefined);
    const closed = await startServer(() => undefined);
    await closed.close();
    try {
      const slow = await runConformance({ target: { url: hanging.url }, cases: [ONE_XHD], timeoutMs: 300 });
      expect(slow.cases[0]).toMatchObject({ status: 'error', reason: 'timed out after 300 ms' });
      const refused = await runConformance({ target: { url: closed.url }, cases: [ONE_XHD] });
      expect(refused.cases[0]).toMatchObject({ status: 'error', reason: 'request failed: ECONNREFUSED' });
    } finally {
      await hanging.close();
    }
  });
});
