import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, egovkit, inBatches, type Run, temporaryDirectory, XHD_FIXTURES } from './helpers.js';

interface Issue {
  code: string;
  path: string;
  message: string;
}

const manifest = JSON.parse(readFileSync(join(XHD_FIXTURES, 'manifest.json'), 'utf8')) as {
  fixtures: { file: string; valid: boolean; expected: string[] }[];
};

beforeAll(assertBuilt);

describe('egovkit xhd validate', () => {
  it('accepts a valid passport order with exit code 0', async () => {
    const run = await egovkit(['xhd', 'validate', join(XHD_FIXTURES, 'valid', 'rp-reisepass.xml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid BestellungDokument (profile RP)');
    expect(run.stderr).toBe('');
  });

  it('reports every issue with code, XPath and message, and exits with 1', async () => {
    const file = join(XHD_FIXTURES, 'invalid', 'fingerprint-quality.xml');
    const text = await egovkit(['xhd', 'validate', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('invalid, 1 issue');
    expect(text.stdout).toMatch(
      /FINGERPRINT_QUALITY_TOO_LOW \/xhd:BestellungDokument\/.*\/xhd:Fingerabdruck\[1\]\/xhd:Qualitaetswert\n {2}NFIQ-2-Wert 5 für Finger 2/,
    );
    const json = await egovkit(['xhd', 'validate', file, '--json', '--lang', 'en']);
    expect(json.code).toBe(1);
    const document = json.json<{ ok: boolean; valid: boolean; issues: Issue[] }>();
    expect(document.ok).toBe(false);
    expect(document.valid).toBe(false);
    expect(document.issues).toEqual([
      expect.objectContaining({
        code: 'FINGERPRINT_QUALITY_TOO_LOW',
        path: expect.stringMatching(/\/xhd:Qualitaetswert$/),
        message: 'NFIQ 2 score 5 for finger 2 is below the threshold 30.',
      }),
    ]);
  });

  // One fixture of each kind (valid order and answer, not well-formed, DOCTYPE, schema, business rules); the
  // whole corpus is the job of @egovkit/xhd's own tests, each run here starts a process.
  const sample = manifest.fixtures.filter((fixture) =>
    [
      'valid/rp-reisepass.xml',
      'valid/pa-personalausweis.xml',
      'valid/fehlerinformation.xml',
      'invalid/xml-malformed.xml',
      'invalid/doctype.xml',
      'invalid/schema-groesse.xml',
      'invalid/validity-too-long-for-age.xml',
      'invalid/sender-prefix.xml',
    ].includes(fixture.file),
  );

  it('gives the verdict and the codes of the manifest for XhD fixtures of every kind', {
    timeout: 180_000,
  }, async () => {
    expect(sample).toHaveLength(8);
    const runs = await inBatches(sample, 4, (fixture) =>
      egovkit(['xhd', 'validate', join(XHD_FIXTURES, fixture.file), '--json']),
    );
    for (const [index, fixture] of sample.entries()) {
      const run = runs[index] as Run;
      const document = run.json<{ ok: boolean; valid: boolean; issues: Issue[] }>();
      expect(run.code, fixture.file).toBe(fixture.valid ? 0 : 1);
      expect(document.valid, fixture.file).toBe(fixture.valid);
      expect(document.ok, fixture.file).toBe(fixture.valid);
      expect(document.issues.map((issue) => issue.code).sort(), fixture.file).toEqual(
        [...fixture.expected].sort(),
      );
      for (const issue of document.issues) expect(issue.path, fixture.file).toMatch(/^\//);
    }
  });

  it('reports a missing file as FILE_UNREADABLE (exit 1) and a bad --lang as a usage error (exit 2)', async () => {
    const missing = await egovkit(['xhd', 'validate', 'no-such-file.xml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^egovkit: FILE_UNREADABLE: cannot read the XhD message no-such-file\.xml/,
    );
    const missingJson = await egovkit(['xhd', 'validate', 'no-such-file.xml', '--json']);
    expect(missingJson.json()).toMatchObject({ ok: false, error: { code: 'FILE_UNREADABLE' } });
    const lang = await egovkit([
      'xhd',
      'validate',
      join(XHD_FIXTURES, 'valid', 'rp-reisepass.xml'),
      '--lang',
      'fr',
    ]);
    expect(lang.code).toBe(2);
    expect(lang.stderr).toMatch(/^egovkit: USAGE: .*'fr' is invalid/);
    expect((await egovkit(['xhd', 'validate'])).code).toBe(2);
  });
});

describe('egovkit xhd build --example', () => {
  it('prints an example order that `xhd validate` accepts', async () => {
    const run = await egovkit(['xhd', 'build', '--example']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<xhd:BestellungDokument /);
    expect(run.stdout).toContain('<xhd:Testnachricht>1</xhd:Testnachricht>');
    const directory = temporaryDirectory('xhd');
    const file = join(directory, 'example.xml');
    writeFileSync(file, run.stdout);
    const validation = await egovkit(['xhd', 'validate', file, '--json']);
    expect(validation.code).toBe(0);
    expect(validation.json()).toMatchObject({ ok: true, valid: true, profile: 'RP', issues: [] });
  });

  it('writes the file with --output and gives the XML in --json', async () => {
    const file = join(temporaryDirectory('xhd'), 'out.xml');
    const written = await egovkit(['xhd', 'build', '--example', '--output', file]);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`wrote ${file}`);
    const json = await egovkit(['xhd', 'build', '--example', '--json']);
    const document = json.json<{ ok: boolean; xml: string; valid: boolean; profile: string }>();
    expect(document).toMatchObject({ ok: true, valid: true, profile: 'RP' });
    expect(document.xml).toBe(readFileSync(file, 'utf8'));
    const unwritable = await egovkit([
      'xhd',
      'build',
      '--example',
      '--output',
      join(file, 'no-such-dir', 'x.xml'),
    ]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^egovkit: FILE_UNWRITABLE: cannot write /);
  });

  it('is a usage error without --example', async () => {
    const run = await egovkit(['xhd', 'build']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('egovkit: USAGE: xhd build needs --example');
    expect(run.stdout).toBe('');
  });
});
