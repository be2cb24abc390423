import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureManifest, invalidFixtures, validFixtures } from '../scripts/fixtures.js';
import { NACHRICHTEN, parseXhdMessage, serializeXhd, validateXhd } from '../src/index.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as ReturnType<
  typeof fixtureManifest
>;
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('fixture corpus', () => {
  it('is what scripts/generate-fixtures.ts writes (run `pnpm fixtures` after changes)', () => {
    expect(manifest).toEqual(fixtureManifest());
    for (const fixture of validFixtures()) expect(read(`valid/${fixture.file}`)).toBe(fixture.xml);
    for (const fixture of invalidFixtures()) expect(read(`invalid/${fixture.file}`)).toBe(fixture.xml);
    const onDisk = ['valid', 'invalid'].flatMap((d) => readdirSync(join(root, d)).map((f) => `${d}/${f}`));
    expect(onDisk.sort()).toEqual(manifest.fixtures.map((f) => f.file).sort());
  });

  it('covers every document type and passport kind in the valid corpus, and every other message', () => {
    const messages = validFixtures().map((f) => parseXhdMessage(f.xml));
    expect(messages.filter((m) => m.nachricht === 'Fehlerinformation')).toHaveLength(1);
    expect(new Set(messages.map((m) => m.nachricht))).toEqual(new Set(NACHRICHTEN));
    const orders = messages.filter((m) => m.nachricht === 'BestellungDokument');
    expect(new Set(orders.map((o) => o.kopf.produktart))).toEqual(new Set(['RP', 'PA', 'AT', 'RA', 'UB']));
    const passarten = orders.flatMap((o) => o.antraege.map((a) => ('passart' in a ? a.passart : a.typ)));
    expect(new Set(passarten)).toEqual(
      new Set(['P', 'PD', 'PO', 'Personalausweis', 'Aufenthaltstitel', 'Reiseausweis', 'EIDKarteUB']),
    );
  });

  it.each(manifest.fixtures.map((f) => [f.file, f] as const))('%s', async (file, fixture) => {
    const xml = read(file);
    const result = await validateXhd(xml);
    expect([...new Set(result.issues.map((i) => i.code))].sort()).toEqual(fixture.expected);
    expect(result.valid).toBe(fixture.valid);
    if (fixture.valid) expect(serializeXhd(parseXhdMessage(xml))).toBe(xml);
  });
});
