import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectFixtures, PACKAGES_DIR } from '../scripts/collect.js';
import { loadManifest, validateManifest } from '../src/index.js';
import { FIXTURES } from './helpers.js';

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [relative(FIXTURES, path).split('\\').join('/')];
  });
}

const manifest = loadManifest(FIXTURES);
const source = <T>(path: string) => JSON.parse(readFileSync(join(PACKAGES_DIR, path), 'utf8')) as T;

describe('collected fixtures', () => {
  it('are what scripts/collect-fixtures.ts makes of the sources today (run `pnpm --filter @egovkit/conformance fixtures`)', () => {
    const collected = collectFixtures();
    const expected = collected.files.map((file) => file.path).sort();
    expect(filesBelow(FIXTURES).sort()).toEqual(expected);
    const stale = collected.files
      .filter((file) => !readFileSync(join(FIXTURES, file.path)).equals(file.data))
      .map((file) => file.path);
    expect(stale).toEqual([]);
  });

  it('have one consistent manifest: unique ids, existing files, codes only for rejections', () => {
    expect(validateManifest(JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')))).toEqual(
      manifest,
    );
    const ids = manifest.cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of manifest.cases) {
      expect(statSync(join(FIXTURES, c.file)).isFile(), c.file).toBe(true);
      expect(c.id.startsWith(`${c.suite}/`), c.id).toBe(true);
      if (c.verdict === 'accept') expect(c.codes, c.id).toEqual([]);
      else expect(c.codes.length, c.id).toBeGreaterThan(0);
      expect(c.kind.startsWith(c.suite), c.id).toBe(true);
      expect(c.kind === 'osci-mime', c.id).toBe(c.file.endsWith('.mime'));
    }
    const osci = manifest.suites.osci;
    for (const file of [
      osci.trustAnchor,
      ...Object.values(osci.decryptionKeys),
      ...Object.values(osci.certificates),
    ]) {
      expect(statSync(join(FIXTURES, file)).isFile(), file).toBe(true);
    }
    expect(statSync(join(FIXTURES, manifest.suites.dvdv.schema)).isFile()).toBe(true);
    expect(Number.isNaN(Date.parse(osci.validationTime))).toBe(false);
  });

  it('hold every OSCI message type, the whole negative corpus, and its checks and codes', () => {
    const golden = source<{ generatedAt: string; messages: Record<string, unknown> }>(
      'osci-transport/fixtures/manifest.json',
    );
    expect(manifest.suites.osci.validationTime).toBe(golden.generatedAt);
    const types = manifest.cases.filter((c) => c.id.startsWith('osci/message/')).map((c) => c.messageType);
    expect(types.sort()).toEqual(Object.keys(golden.messages).sort());
    expect(types).toContain('storeDelivery');
    expect(types).toContain('soapMessageEncrypted');
    const negative = source<Record<string, { check: string; code: string; defect: string }>>(
      'osci-transport/fixtures/negative/manifest.json',
    );
    for (const [file, entry] of Object.entries(negative)) {
      const c = manifest.cases.find((x) => x.file === `osci/negative/${file}`);
      expect(c, file).toMatchObject({
        verdict: 'reject',
        codes: [entry.code],
        check: entry.check,
        description: entry.defect,
      });
    }
    const control = manifest.cases.find((c) => c.id === 'osci/negative/control-valid');
    expect(control).toMatchObject({ verdict: 'accept', kind: 'osci-mime', codes: [] });
    expect(manifest.cases.find((c) => c.id === 'osci/negative/oversize-part')?.options).toEqual({
      maxPartBytes: 1024,
    });
  });

  it('hold every XhD fixture with its expected issue codes', () => {
    const xhd = source<{ fixtures: { file: string; valid: boolean; expected: string[] }[] }>(
      'xhd/fixtures/manifest.json',
    );
    const cases = manifest.cases.filter((c) => c.suite === 'xhd');
    expect(cases).toHaveLength(xhd.fixtures.length);
    for (const fixture of xhd.fixtures) {
      const c = cases.find((x) => x.file === `xhd/${fixture.file}`);
      expect(c, fixture.file).toMatchObject({
        verdict: fixture.valid ? 'accept' : 'reject',
        codes: [...fixture.expected].sort(),
      });
    }
    expect(cases.filter((c) => c.verdict === 'accept').length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.verdict === 'reject').length).toBeGreaterThan(0);
  });

  it('hold the DVDV demo directory byte for byte', () => {
    const dvdv = manifest.cases.filter((c) => c.suite === 'dvdv');
    expect(dvdv.map((c) => [c.id, c.kind, c.verdict])).toEqual([
      ['dvdv/directory/demo', 'dvdv-ldif', 'accept'],
    ]);
    expect(readFileSync(join(FIXTURES, 'dvdv/dvdv-demo.ldif'))).toEqual(
      readFileSync(join(PACKAGES_DIR, 'dvdv-client/data/dvdv-demo.ldif')),
    );
  });

  it('refuses a manifest with a duplicate id or an accepted case with codes', () => {
    const first = manifest.cases[0];
    expect(() => validateManifest({ ...manifest, cases: [first, first] })).toThrow(/duplicate case id/);
    expect(() =>
      validateManifest({ ...manifest, cases: [{ ...first, verdict: 'accept', codes: ['X'] }] }),
    ).toThrow(expect.objectContaining({ code: 'CONFORMANCE_MANIFEST_INVALID' }));
    expect(() => validateManifest({ ...manifest, version: 2 })).toThrow(/version/);
  });
});
