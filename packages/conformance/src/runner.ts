import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ConformanceError } from './errors.js';
import {
  type ConformanceCase,
  type ConformanceManifest,
  defaultFixturesDir,
  fixturePath,
  loadManifest,
  parseSuite,
  type Suite,
  type Verdict,
} from './manifest.js';

/**
 * A command line run once per case through the shell (`/bin/sh -c`). Placeholders, replaced by shell-quoted
 * values: `{file}` (absolute path of the case file), `{suite}`, `{case}` (case id), `{kind}`, `{check}`
 * (OSCI layer of a negative case, else empty), `{fixtures}` (the fixtures directory). The same values, plus
 * the case options and the validation time, are in the environment (`EGOVKIT_CONFORMANCE_*`).
 * Exit code 0 = accept, 1–125 = reject; anything else (126, 127, above 125, a signal, a time-out) is an
 * error of the case. Optional JSON on stdout, `{ "verdict"?: "accept" | "reject", "code"?: string,
 * "codes"?: string[] }`: codes are compared with the expected ones as a bonus; a verdict that contradicts
 * the exit code makes the case an error (a crash that exits with 1 then does not pass as a rejection).
 */
export interface CommandTarget {
  readonly command: string;
  /** Working directory of the command (default: the current one). */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * An HTTP endpoint: every case is POSTed to it with the Content-Type of its kind and `X-Conformance-*` headers.
 * 2xx = accept, 4xx = reject; anything else (other statuses, connection errors, timeouts) is an error.
 * The response body may be the same JSON as a command's output.
 */
export interface HttpTarget {
  readonly url: string;
  /** Extra request headers, e.g. authorisation. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type ConformanceTarget = CommandTarget | HttpTarget;

export interface RunConformanceOptions {
  readonly target: ConformanceTarget;
  /** Only these suites (default: all). */
  readonly suite?: Suite | readonly Suite[];
  /** Only cases whose id equals or starts with one of these (e.g. `osci/negative/`). */
  readonly cases?: readonly string[];
  /** Fixtures directory (default: the package's own `fixtures/`). */
  readonly fixturesDir?: string;
  /** Time a case may take, in ms (default 30 000). */
  readonly timeoutMs?: number;
  /** Cases run at the same time (default: min(4, available parallelism)). */
  readonly concurrency?: number;
  /** Stops the run: cases not yet finished are reported as errors. */
  readonly signal?: AbortSignal;
  /**
   * Demand a JSON `verdict` in every answer (stdout or response body) that agrees with the exit code or
   * status; without it the case is an error. Use it when a crash of the implementation could exit with a
   * code in 1–125 (as Node.js and Python do) and so pass for a rejection.
   */
  readonly requireVerdict?: boolean;
  /** Called after each case, e.g. for progress output. */
  readonly onCase?: (result: CaseResult) => void;
}

/**
 * `passed`: the verdict is the expected one. `failed`: the implementation gave the other verdict.
 * `error`: no verdict (crash, timeout, unusable answer).
 */
export type CaseStatus = 'passed' | 'failed' | 'error';

export interface CaseResult {
  readonly id: string;
  readonly suite: Suite;
  readonly kind: ConformanceCase['kind'];
  readonly file: string;
  readonly description: string;
  readonly expected: { readonly verdict: Verdict; readonly codes: readonly string[] };
  readonly status: CaseStatus;
  /** The verdict the implementation gave, when it gave one. */
  readonly actual?: Verdict;
  /** Why the case did not pass. */
  readonly reason?: string;
  /** Codes the implementation reported (JSON `code`/`codes` in its output), if any. */
  readonly reportedCodes: readonly string[];
  /**
   * A bonus beyond the verdict, only when both sides name codes for a rejection: true when a reported code is
   * one of the expected ones. The expected codes are egovkit's own, so other implementations may differ.
   */
  readonly codeMatch?: boolean;
  readonly durationMs: number;
  /** Exit code (command) or HTTP status. */
  readonly exitCode?: number;
  readonly signal?: string;
  readonly httpStatus?: number;
  /** The end of the implementation's output (stderr, then stdout; or the response body), for diagnosis. */
  readonly output?: string;
}

export interface SuiteSummary {
  readonly suite: Suite;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly codeMatches: number;
  readonly codeMismatches: number;
  readonly durationMs: number;
}

export interface ConformanceReport {
  /** The target as text: the command template or the URL. */
  readonly target: string;
  readonly targetType: 'command' | 'http';
  readonly startedAt: string;
  readonly durationMs: number;
  /** True when every case passed. */
  readonly passed: boolean;
  readonly summary: Omit<SuiteSummary, 'suite'>;
  readonly suites: readonly SuiteSummary[];
  readonly cases: readonly CaseResult[];
}

const DEFAULT_TIMEOUT_MS = 30_000;
const OUTPUT_LIMIT = 64 * 1024;
const OUTPUT_TAIL = 2000;

/** Content-Type an HTTP target receives for each kind (MIME packages bring their own). */
export const KIND_CONTENT_TYPES: Readonly<Record<Exclude<ConformanceCase['kind'], 'osci-mime'>, string>> = {
  'osci-xml': 'text/xml; charset=utf-8',
  'xhd-xml': 'application/xml',
  'dvdv-ldif': 'text/plain; charset=utf-8',
};

/** Quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

const PLACEHOLDER = /\{(file|suite|case|kind|check|fixtures)\}/g;

/** The command line for one case: the template with its placeholders replaced by quoted values. */
export function expandCommand(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => shellQuote(values[name] ?? ''));
}

/**
 * What an HTTP target receives for a case: the file bytes, except that a MIME package's entity headers
 * (MIME-Version, Content-Type) become HTTP headers, as OSCI over HTTP sends them.
 */
export function httpPayload(kase: ConformanceCase, data: Buffer): { contentType: string; body: Buffer } {
  if (kase.kind !== 'osci-mime') return { contentType: KIND_CONTENT_TYPES[kase.kind], body: data };
  const end = data.indexOf('\r\n\r\n');
  const headers = end < 0 ? '' : data.toString('latin1', 0, end).replace(/\r\n[ \t]+/g, ' ');
  const contentType = /^content-type:[ \t]*(.+)$/im.exec(headers)?.[1]?.trim();
  // A package without usable entity headers goes as is: that is the defect the case is about.
  if (contentType === undefined) return { contentType: 'application/octet-stream', body: data };
  return { contentType, body: data.subarray(end + 4) };
}

interface Answer {
  verdict?: Verdict;
  /** The verdict the JSON output named, if any. */
  jsonVerdict?: Verdict;
  reason?: string;
  reportedCodes: string[];
  exitCode?: number;
  signal?: string;
  httpStatus?: number;
  output?: string;
}

/** `verdict` and `code`/`codes` of a JSON answer, if the output is one. */
function jsonAnswer(text: string): { verdict?: Verdict; codes: string[] } {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return { codes: [] };
  try {
    const json = JSON.parse(trimmed) as { verdict?: unknown; code?: unknown; codes?: unknown };
    const codes = new Set<string>();
    if (typeof json.code === 'string' && json.code !== '') codes.add(json.code);
    if (Array.isArray(json.codes)) {
      for (const code of json.codes) if (typeof code === 'string' && code !== '') codes.add(code);
    }
    const verdict = json.verdict === 'accept' || json.verdict === 'reject' ? json.verdict : undefined;
    return { ...(verdict === undefined ? {} : { verdict }), codes: [...codes] };
  } catch {
    return { codes: [] };
  }
}

const codesOf = (text: string) => jsonAnswer(text).codes;

/** A JSON `verdict` that contradicts the exit code or status makes the answer unusable. */
function confirmed(answer: Answer, json: { verdict?: Verdict }, via: string): Answer {
  if (json.verdict === undefined) return answer;
  if (answer.verdict === undefined || json.verdict === answer.verdict)
    return { ...answer, jsonVerdict: json.verdict };
  const { verdict: _, ...rest } = answer;
  return {
    ...rest,
    reason: `inconsistent answer: ${via} says ${answer.verdict}, the JSON output ${json.verdict}`,
  };
}

const tail = (text: string) => (text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text);

function caseEnvironment(kase: ConformanceCase, manifest: ConformanceManifest, fixturesDir: string) {
  return {
    EGOVKIT_CONFORMANCE_SUITE: kase.suite,
    EGOVKIT_CONFORMANCE_CASE: kase.id,
    EGOVKIT_CONFORMANCE_KIND: kase.kind,
    EGOVKIT_CONFORMANCE_FILE: fixturePath(fixturesDir, kase.file),
    EGOVKIT_CONFORMANCE_CHECK: kase.check ?? '',
    EGOVKIT_CONFORMANCE_OPTIONS: JSON.stringify(kase.options ?? {}),
    EGOVKIT_CONFORMANCE_VALIDATION_TIME: manifest.suites.osci.validationTime,
    EGOVKIT_CONFORMANCE_FIXTURES: fixturesDir,
  };
}

function runCommand(
  target: CommandTarget,
  kase: ConformanceCase,
  manifest: ConformanceManifest,
  fixturesDir: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  const env = caseEnvironment(kase, manifest, fixturesDir);
  const line = expandCommand(target.command, {
    file: env.EGOVKIT_CONFORMANCE_FILE,
    suite: kase.suite,
    case: kase.id,
    kind: kase.kind,
    check: kase.check ?? '',
    fixtures: fixturesDir,
  });
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timedOut = false;
    let aborted = false;
    const child = spawn(line, {
      shell: true,
      cwd: target.cwd,
      env: { ...process.env, ...target.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that a timeout ends the shell and whatever it started.
      detached: process.platform !== 'win32',
    });
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (which: 'out' | 'err') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (which === 'out') stdout = (stdout + text).slice(-OUTPUT_LIMIT);
      else stderr = (stderr + text).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect('out'));
    child.stderr.on('data', collect('err'));
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const output = [stderr.trim(), stdout.trim()].filter((part) => part !== '').join('\n');
      resolve(output === '' ? answer : { ...answer, output: tail(output) });
    };
    child.on('error', (error) => {
      finish({ reason: `the command could not be started: ${error.message}`, reportedCodes: [] });
    });
    child.on('close', (code, killedBy) => {
      const reportedCodes = codesOf(stdout);
      if (timedOut) {
        finish({ reason: `timed out after ${timeoutMs} ms`, reportedCodes, signal: 'SIGKILL' });
      } else if (aborted) {
        finish({ reason: 'the run was aborted', reportedCodes });
      } else if (killedBy !== null) {
        finish({ reason: `crashed: killed by ${killedBy}`, reportedCodes, signal: killedBy });
      } else if (code === 0) {
        finish(
          confirmed({ verdict: 'accept', reportedCodes, exitCode: 0 }, jsonAnswer(stdout), 'the exit code'),
        );
      } else if (code !== null && code >= 1 && code <= 125) {
        finish(
          confirmed(
            { verdict: 'reject', reportedCodes, exitCode: code },
            jsonAnswer(stdout),
            'the exit code',
          ),
        );
      } else {
        const why =
          code === 127
            ? 'command not found (exit code 127)'
            : code === 126
              ? 'command not executable (exit code 126)'
              : `crashed: exit code ${code ?? 'unknown'}`;
        finish({ reason: why, reportedCodes, ...(code === null ? {} : { exitCode: code }) });
      }
    });
  });
}

async function runHttp(
  target: HttpTarget,
  kase: ConformanceCase,
  manifest: ConformanceManifest,
  data: Buffer,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  const { contentType, body } = httpPayload(kase, data);
  const headers: Record<string, string> = {
    ...target.headers,
    'content-type': contentType,
    'x-conformance-suite': kase.suite,
    'x-conformance-case': kase.id,
    'x-conformance-kind': kase.kind,
    'x-conformance-validation-time': manifest.suites.osci.validationTime,
  };
  if (kase.check !== undefined) headers['x-conformance-check'] = kase.check;
  if (kase.options !== undefined) headers['x-conformance-options'] = JSON.stringify(kase.options);
  if (kase.kind === 'osci-mime' && contentType.startsWith('multipart/')) headers['mime-version'] = '1.0';
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
  let response: Response;
  let text: string;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      signal: combined,
      redirect: 'manual',
    });
    text = await response.text();
  } catch (error) {
    if (timeout.aborted) return { reason: `timed out after ${timeoutMs} ms`, reportedCodes: [] };
    if (signal?.aborted) return { reason: 'the run was aborted', reportedCodes: [] };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { reason: `request failed: ${detail}`, reportedCodes: [] };
  }
  const status = response.status;
  const base = {
    reportedCodes: codesOf(text),
    httpStatus: status,
    ...(text.trim() === '' ? {} : { output: tail(text.trim()) }),
  };
  if (status >= 200 && status < 300)
    return confirmed({ ...base, verdict: 'accept' }, jsonAnswer(text), 'the status');
  if (status >= 400 && status < 500)
    return confirmed({ ...base, verdict: 'reject' }, jsonAnswer(text), 'the status');
  return { ...base, reason: `HTTP status ${status} is neither 2xx (accept) nor 4xx (reject)` };
}

function assertTarget(target: ConformanceTarget | undefined): asserts target is ConformanceTarget {
  const t = target as Partial<CommandTarget & HttpTarget> | undefined;
  const hasCommand = typeof t?.command === 'string';
  const hasUrl = typeof t?.url === 'string';
  if (hasCommand === hasUrl) {
    throw new ConformanceError('CONFORMANCE_TARGET_INVALID', 'the target needs either a command or a url');
  }
  if (hasCommand && (t?.command ?? '').trim() === '') {
    throw new ConformanceError('CONFORMANCE_TARGET_INVALID', 'the command is empty');
  }
  if (hasUrl) {
    let url: URL;
    try {
      url = new URL(t?.url ?? '');
    } catch (cause) {
      throw new ConformanceError('CONFORMANCE_TARGET_INVALID', `not a URL: ${t?.url}`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConformanceError('CONFORMANCE_TARGET_INVALID', `not an http(s) URL: ${t?.url}`);
    }
  }
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConformanceError('CONFORMANCE_OPTION_INVALID', `${name} must be a positive integer`, {
      details: { [name]: value },
    });
  }
  return value;
}

/** The cases a run would execute, after the suite and case filters. */
export function selectCases(
  manifest: ConformanceManifest,
  filter: Pick<RunConformanceOptions, 'suite' | 'cases'> = {},
): ConformanceCase[] {
  const suites =
    filter.suite === undefined
      ? undefined
      : (typeof filter.suite === 'string' ? [filter.suite] : filter.suite).map((s) => parseSuite(s));
  const prefixes = filter.cases;
  return manifest.cases.filter(
    (kase) =>
      (suites === undefined || suites.includes(kase.suite)) &&
      (prefixes === undefined || prefixes.some((p) => kase.id === p || kase.id.startsWith(p))),
  );
}

function judge(kase: ConformanceCase, answer: Answer, durationMs: number): CaseResult {
  const expected = { verdict: kase.verdict, codes: kase.codes };
  const common = {
    id: kase.id,
    suite: kase.suite,
    kind: kase.kind,
    file: kase.file,
    description: kase.description,
    expected,
    reportedCodes: answer.reportedCodes,
    durationMs,
    ...(answer.exitCode === undefined ? {} : { exitCode: answer.exitCode }),
    ...(answer.signal === undefined ? {} : { signal: answer.signal }),
    ...(answer.httpStatus === undefined ? {} : { httpStatus: answer.httpStatus }),
    ...(answer.output === undefined ? {} : { output: answer.output }),
  };
  if (answer.verdict === undefined) {
    return { ...common, status: 'error', reason: answer.reason ?? 'no verdict' };
  }
  const codeMatch =
    answer.verdict === 'reject' && kase.codes.length > 0 && answer.reportedCodes.length > 0
      ? answer.reportedCodes.some((code) => kase.codes.includes(code))
      : undefined;
  const withCodes = codeMatch === undefined ? common : { ...common, codeMatch };
  if (answer.verdict === kase.verdict) return { ...withCodes, status: 'passed', actual: answer.verdict };
  return {
    ...withCodes,
    status: 'failed',
    actual: answer.verdict,
    reason:
      kase.verdict === 'reject'
        ? `accepted a case that must be rejected (${kase.description})`
        : 'rejected a case that must be accepted',
  };
}

/** Totals over some case results. */
export function summarise(results: readonly CaseResult[]): Omit<SuiteSummary, 'suite'> {
  return {
    total: results.length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errors: results.filter((r) => r.status === 'error').length,
    codeMatches: results.filter((r) => r.codeMatch === true).length,
    codeMismatches: results.filter((r) => r.codeMatch === false).length,
    durationMs: results.reduce((sum, r) => sum + r.durationMs, 0),
  };
}

/**
 * Runs the cases against an implementation and reports which pass. Throws `ConformanceError` only for misuse
 * (bad target or options, missing fixtures); whatever the implementation does (wrong verdicts, crashes,
 * time-outs, refused connections) ends up in the report.
 */
export async function runConformance(options: RunConformanceOptions): Promise<ConformanceReport> {
  assertTarget(options.target);
  const target = options.target;
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const concurrency = positiveInteger(
    'concurrency',
    options.concurrency,
    Math.min(4, availableParallelism()),
  );
  const fixturesDir = options.fixturesDir ?? defaultFixturesDir();
  const manifest = loadManifest(fixturesDir);
  const cases = selectCases(manifest, options);
  if (cases.length === 0) {
    throw new ConformanceError('CONFORMANCE_NO_CASES', 'no case matches the suite and case filters');
  }
  const startedAt = new Date();
  const started = performance.now();
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const kase = cases[index] as ConformanceCase;
      const t0 = performance.now();
      let answer: Answer;
      if (options.signal?.aborted) {
        answer = { reason: 'the run was aborted', reportedCodes: [] };
      } else if ('command' in target) {
        answer = await runCommand(target, kase, manifest, fixturesDir, timeoutMs, options.signal);
      } else {
        let data: Buffer;
        try {
          data = readFileSync(fixturePath(fixturesDir, kase.file));
        } catch (cause) {
          throw new ConformanceError('CONFORMANCE_FIXTURES_MISSING', `cannot read ${kase.file}`, { cause });
        }
        answer = await runHttp(target, kase, manifest, data, timeoutMs, options.signal);
      }
      if (
        options.requireVerdict === true &&
        answer.verdict !== undefined &&
        answer.jsonVerdict === undefined
      ) {
        const { verdict: _, ...rest } = answer;
        answer = { ...rest, reason: 'no JSON verdict in the answer (a verdict is required)' };
      }
      const result = judge(kase, answer, Math.round(performance.now() - t0));
      results[index] = result;
      options.onCase?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  const suites = [...new Set(cases.map((c) => c.suite))].map((suite) => ({
    suite,
    ...summarise(results.filter((r) => r.suite === suite)),
  }));
  const summary = summarise(results);
  return {
    target: 'command' in target ? target.command : target.url,
    targetType: 'command' in target ? 'command' : 'http',
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    passed: summary.passed === summary.total,
    summary,
    suites,
    cases: results,
  };
}
