import type { CaseResult, ConformanceReport } from './runner.js';

/** Replaces what XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) with U+FFFD. */
function xmlChars(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding the characters XML 1.0 forbids is the point
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/** Escapes character data. */
export function escapeXmlText(text: string): string {
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (double-quoted); keeps tabs and line breaks as character references. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function expectation(result: CaseResult): string {
  const codes = result.expected.codes.length > 0 ? ` (${result.expected.codes.join(', ')})` : '';
  return `${result.expected.verdict}${codes}`;
}

function testcase(result: CaseResult): string {
  const group = result.id.split('/').slice(0, -1).join('.');
  const head = `    <testcase${attributes({
    classname: `conformance.${group}`,
    name: result.id,
    file: result.file,
    time: seconds(result.durationMs),
  })}`;
  const body: string[] = [];
  const details = [
    `case: ${result.description}`,
    `expected: ${expectation(result)}`,
    ...(result.actual === undefined ? [] : [`actual: ${result.actual}`]),
    ...(result.reportedCodes.length > 0 ? [`reported codes: ${result.reportedCodes.join(', ')}`] : []),
    ...(result.exitCode === undefined ? [] : [`exit code: ${result.exitCode}`]),
    ...(result.signal === undefined ? [] : [`signal: ${result.signal}`]),
    ...(result.httpStatus === undefined ? [] : [`HTTP status: ${result.httpStatus}`]),
  ].join('\n');
  if (result.status === 'failed') {
    body.push(
      `      <failure${attributes({ message: result.reason ?? 'wrong verdict', type: 'WrongVerdict' })}>${escapeXmlText(details)}</failure>`,
    );
  } else if (result.status === 'error') {
    body.push(
      `      <error${attributes({ message: result.reason ?? 'no verdict', type: 'NoVerdict' })}>${escapeXmlText(details)}</error>`,
    );
  }
  if (result.codeMatch !== undefined || (result.status !== 'passed' && result.output !== undefined)) {
    const lines = [
      ...(result.codeMatch === undefined
        ? []
        : [
            `code match: ${result.codeMatch ? 'yes' : 'no'} (expected ${result.expected.codes.join(', ')}; reported ${result.reportedCodes.join(', ')})`,
          ]),
      ...(result.status !== 'passed' && result.output !== undefined ? [result.output] : []),
    ];
    body.push(`      <system-out>${escapeXmlText(lines.join('\n'))}</system-out>`);
  }
  return body.length === 0 ? `${head}/>` : `${head}>\n${body.join('\n')}\n    </testcase>`;
}

/**
 * The report as JUnit XML: one `<testsuite>` per suite, one `<testcase>` per case; a wrong verdict is a
 * `<failure>`, a case without a verdict (crash, time-out) an `<error>`. Code matches go to `<system-out>`.
 */
export function toJUnitXml(report: ConformanceReport): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: 'egovkit conformance',
      tests: report.summary.total,
      failures: report.summary.failed,
      errors: report.summary.errors,
      skipped: 0,
      time: seconds(report.durationMs),
      timestamp: report.startedAt,
    })}>`,
  ];
  for (const suite of report.suites) {
    lines.push(
      `  <testsuite${attributes({
        name: suite.suite,
        tests: suite.total,
        failures: suite.failed,
        errors: suite.errors,
        skipped: 0,
        time: seconds(suite.durationMs),
        timestamp: report.startedAt,
      })}>`,
      '    <properties>',
      `      <property${attributes({ name: 'target', value: report.target })}/>`,
      `      <property${attributes({ name: 'targetType', value: report.targetType })}/>`,
      `      <property${attributes({ name: 'codeMatches', value: suite.codeMatches })}/>`,
      `      <property${attributes({ name: 'codeMismatches', value: suite.codeMismatches })}/>`,
      '    </properties>',
    );
    for (const result of report.cases.filter((c) => c.suite === suite.suite)) lines.push(testcase(result));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, '<br>');
}

const STATUS_MARK = { passed: '✅ passed', failed: '❌ failed', error: '💥 error' } as const;

/** The report as Markdown: a verdict line, a table per suite, and the cases that did not pass. */
export function toMarkdown(report: ConformanceReport): string {
  const s = report.summary;
  const out: string[] = [
    '# egovkit conformance report',
    '',
    `**${report.passed ? 'PASSED' : 'FAILED'}**: ${s.passed} of ${s.total} cases passed, ${s.failed} failed, ${s.errors} errors.`,
    '',
    `- target (${report.targetType}): \`${report.target.replace(/`/g, "'")}\``,
    `- started: ${report.startedAt}, took ${seconds(report.durationMs)} s`,
    `- codes (bonus, egovkit's own codes): ${s.codeMatches} matched, ${s.codeMismatches} differed`,
    '',
    '## Summary',
    '',
    '| suite | cases | passed | failed | errors | code matches |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.suites.map(
      (x) =>
        `| ${x.suite} | ${x.total} | ${x.passed} | ${x.failed} | ${x.errors} | ${x.codeMatches} of ${x.codeMatches + x.codeMismatches} |`,
    ),
    `| **all** | ${s.total} | ${s.passed} | ${s.failed} | ${s.errors} | ${s.codeMatches} of ${s.codeMatches + s.codeMismatches} |`,
    '',
  ];
  const notPassed = report.cases.filter((c) => c.status !== 'passed');
  out.push('## Cases that did not pass', '');
  if (notPassed.length === 0) out.push('None.', '');
  else {
    out.push('| case | status | expected | actual | reason |', '| --- | --- | --- | --- | --- |');
    for (const c of notPassed) {
      out.push(
        `| \`${c.id}\` | ${STATUS_MARK[c.status]} | ${cell(expectation(c))} | ${c.actual ?? '—'} | ${cell(c.reason ?? '')} |`,
      );
    }
    out.push('');
  }
  out.push('## All cases', '', '| case | status | expected | actual | codes reported | time |');
  out.push('| --- | --- | --- | --- | --- | ---: |');
  for (const c of report.cases) {
    const codes =
      c.reportedCodes.length === 0
        ? '—'
        : `${cell(c.reportedCodes.join(', '))}${c.codeMatch === undefined ? '' : c.codeMatch ? ' ✓' : ' ✗'}`;
    out.push(
      `| \`${c.id}\` | ${STATUS_MARK[c.status]} | ${cell(expectation(c))} | ${c.actual ?? '—'} | ${codes} | ${c.durationMs} ms |`,
    );
  }
  out.push('');
  return out.join('\n');
}
