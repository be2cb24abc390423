import { describe, expect, it } from 'vitest';
import {
  type CaseResult,
  type ConformanceReport,
  escapeXmlAttribute,
  escapeXmlText,
  summarise,
  toJUnitXml,
  toMarkdown,
} from '../src/index.js';
import { assertWellFormedXml } from './helpers.js';

function result(overrides: Partial<CaseResult> & Pick<CaseResult, 'id' | 'status'>): CaseResult {
  return {
    suite: overrides.id.startsWith('xhd') ? 'xhd' : 'osci',
    kind: overrides.id.startsWith('xhd') ? 'xhd-xml' : 'osci-mime',
    file: `${overrides.id}.bin`,
    description: 'a case',
    expected: { verdict: 'reject', codes: ['SIGNATURE_INVALID'] },
    reportedCodes: [],
    durationMs: 1500,
    ...overrides,
  };
}

const cases: CaseResult[] = [
  result({ id: 'osci/negative/a', status: 'passed', actual: 'reject', exitCode: 1 }),
  result({
    id: 'osci/negative/b',
    status: 'failed',
    actual: 'accept',
    exitCode: 0,
    description: 'tag <x a="1"> & \'quote\'',
    reason: 'accepted a case that must be rejected (tag <x a="1"> & \'quote\')',
    output: 'stderr line 1\nbad\u0000byte ]]> <![CDATA[',
  }),
  result({
    id: 'xhd/invalid/c',
    status: 'error',
    expected: { verdict: 'reject', codes: ['BKZ_INVALID', 'SERIAL_NUMBER_INVALID'] },
    reason: 'timed out after 300 ms',
    signal: 'SIGKILL',
    durationMs: 300,
  }),
  result({
    id: 'xhd/valid/d',
    status: 'passed',
    actual: 'accept',
    expected: { verdict: 'accept', codes: [] },
    durationMs: 20,
  }),
  result({
    id: 'xhd/invalid/e',
    status: 'passed',
    actual: 'reject',
    expected: { verdict: 'reject', codes: ['BKZ_INVALID'] },
    reportedCodes: ['E42|x'],
    codeMatch: false,
    durationMs: 10,
  }),
];

const report: ConformanceReport = {
  target: 'my-tool validate {file} | tee "log"',
  targetType: 'command',
  startedAt: '2026-11-25T23:00:00.000Z',
  durationMs: 2345,
  passed: false,
  summary: summarise(cases),
  suites: [
    { suite: 'osci', ...summarise(cases.slice(0, 2)) },
    { suite: 'xhd', ...summarise(cases.slice(2)) },
  ],
  cases,
};

describe('toJUnitXml', () => {
  it('writes one testsuite per suite, failures and errors, everything escaped', () => {
    const xml = toJUnitXml(report);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="egovkit conformance" tests="5" failures="1" errors="1" skipped="0" time="2.345" timestamp="2026-11-25T23:00:00.000Z">',
        '  <testsuite name="osci" tests="2" failures="1" errors="0" skipped="0" time="3.000" timestamp="2026-11-25T23:00:00.000Z">',
        '    <properties>',
        '      <property name="target" value="my-tool validate {file} | tee &quot;log&quot;"/>',
        '      <property name="targetType" value="command"/>',
        '      <property name="codeMatches" value="0"/>',
        '      <property name="codeMismatches" value="0"/>',
        '    </properties>',
        '    <testcase classname="conformance.osci.negative" name="osci/negative/a" file="osci/negative/a.bin" time="1.500"/>',
        '    <testcase classname="conformance.osci.negative" name="osci/negative/b" file="osci/negative/b.bin" time="1.500">',
        '      <failure message="accepted a case that must be rejected (tag &lt;x a=&quot;1&quot;&gt; &amp; &apos;quote&apos;)" type="WrongVerdict">case: tag &lt;x a="1"&gt; &amp; \'quote\'',
        'expected: reject (SIGNATURE_INVALID)',
        'actual: accept',
        'exit code: 0</failure>',
        '      <system-out>stderr line 1',
        'bad\uFFFDbyte ]]&gt; &lt;![CDATA[</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="xhd" tests="3" failures="0" errors="1" skipped="0" time="0.330" timestamp="2026-11-25T23:00:00.000Z">',
        '    <properties>',
        '      <property name="target" value="my-tool validate {file} | tee &quot;log&quot;"/>',
        '      <property name="targetType" value="command"/>',
        '      <property name="codeMatches" value="0"/>',
        '      <property name="codeMismatches" value="1"/>',
        '    </properties>',
        '    <testcase classname="conformance.xhd.invalid" name="xhd/invalid/c" file="xhd/invalid/c.bin" time="0.300">',
        '      <error message="timed out after 300 ms" type="NoVerdict">case: a case',
        'expected: reject (BKZ_INVALID, SERIAL_NUMBER_INVALID)',
        'signal: SIGKILL</error>',
        '    </testcase>',
        '    <testcase classname="conformance.xhd.valid" name="xhd/valid/d" file="xhd/valid/d.bin" time="0.020"/>',
        '    <testcase classname="conformance.xhd.invalid" name="xhd/invalid/e" file="xhd/invalid/e.bin" time="0.010">',
        '      <system-out>code match: no (expected BKZ_INVALID; reported E42|x)</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    assertWellFormedXml(xml);
  });

  it('stays well-formed whatever an implementation prints', () => {
    const nasty = [
      '<',
      '>',
      '&',
      '"',
      "'",
      '\u0001',
      '\uD800',
      '\uFFFF',
      ']]>',
      '&amp;',
      '\r\n',
      '\t',
      'ü€😀',
    ].join('');
    const xml = toJUnitXml({
      ...report,
      target: nasty,
      cases: report.cases.map((c) => ({ ...c, reason: nasty, output: nasty, description: nasty })),
    });
    assertWellFormedXml(xml);
    expect(xml).toContain('ü€😀');
    expect(escapeXmlAttribute('a\n"b"\t')).toBe('a&#10;&quot;b&quot;&#9;');
    expect(escapeXmlText('\u0000<&>')).toBe('\uFFFD&lt;&amp;&gt;');
    expect(() => assertWellFormedXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a>')).toThrow();
    expect(() => assertWellFormedXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" x="2"/>')).toThrow();
    expect(() => assertWellFormedXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>&nbsp;</a>')).toThrow();
  });
});

describe('toMarkdown', () => {
  it('has the verdict, the summary per suite, and the cases that did not pass', () => {
    const md = toMarkdown(report);
    expect(md).toContain('**FAILED**: 3 of 5 cases passed, 1 failed, 1 errors.');
    expect(md).toContain('| osci | 2 | 1 | 1 | 0 | 0 of 0 |');
    expect(md).toContain('| xhd | 3 | 2 | 0 | 1 | 0 of 1 |');
    expect(md).toContain('| **all** | 5 | 3 | 1 | 1 | 0 of 1 |');
    expect(md).toContain(
      '| `osci/negative/b` | ❌ failed | reject (SIGNATURE_INVALID) | accept | accepted a case that must be rejected (tag &lt;x a="1"> & \'quote\') |',
    );
    expect(md).toContain(
      '| `xhd/invalid/c` | 💥 error | reject (BKZ_INVALID, SERIAL_NUMBER_INVALID) | — | timed out after 300 ms |',
    );
    expect(md).toContain(
      '| `xhd/invalid/e` | ✅ passed | reject (BKZ_INVALID) | reject | E42\\|x ✗ | 10 ms |',
    );
    expect(md).toContain('- target (command): `my-tool validate {file} | tee "log"`');
    const passing = toMarkdown({
      ...report,
      passed: true,
      cases: [cases[0] as CaseResult],
      summary: summarise([cases[0] as CaseResult]),
    });
    expect(passing).toContain('**PASSED**: 1 of 1 cases passed');
    expect(passing).toContain('## Cases that did not pass\n\nNone.');
  });
});
