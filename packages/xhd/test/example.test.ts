import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildXhd, examplePassportOrder, parseXhd, validateXhd } from '../src/index.js';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

describe('examplePassportOrder', () => {
  it('builds an order that validates without issues', async () => {
    const { xml } = buildXhd(
      examplePassportOrder({ now: new Date('2026-11-25T09:30:00Z'), bestellnummer: 'B-7' }),
    );
    const result = await validateXhd(xml);
    expect(result.issues).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.profile).toBe('RP');
  });

  it.each([
    ['an ordinary day', '2026-11-25T09:30:00.250Z'],
    ['the first of a month', '2027-03-01T00:00:00Z'],
    ['a leap day', '2028-02-29T12:00:00Z'],
  ])('is valid for 10 years minus one day from now (PassG § 5 (1)) on %s', async (_, at) => {
    const now = new Date(at);
    const expected = new Date(now);
    expected.setUTCFullYear(now.getUTCFullYear() + 10);
    expected.setUTCDate(expected.getUTCDate() - 1);
    const { xml } = buildXhd(examplePassportOrder({ now, bestellnummer: 'B-1' }));
    const antrag = parseXhd(xml).antraege[0];
    expect(antrag?.dokumentendaten.gueltigVon).toBe(isoDate(now));
    expect(antrag?.dokumentendaten.gueltigBis).toBe(isoDate(expected));
    expect((await validateXhd(xml)).issues).toEqual([]);
  });

  it('uses the Bestellnummer, ids and test flag as given', () => {
    const options = {
      now: new Date('2026-11-25T09:30:00Z'),
      bestellnummer: 'B-2026-000999',
      nachrichtenId: 'N-X',
      senderkennung: 'psb:05315000_00',
      empfaengerkennung: 'dbs:490030010001',
      verfahrenskennung: 'Fachverfahren 9',
      testnachricht: 1,
    };
    const { kopf } = parseXhd(buildXhd(examplePassportOrder(options)).xml);
    expect(kopf).toMatchObject({
      bestellnummer: options.bestellnummer,
      nachrichtenId: options.nachrichtenId,
      senderkennung: options.senderkennung,
      empfaengerkennung: options.empfaengerkennung,
      verfahrenskennung: options.verfahrenskennung,
      testnachricht: options.testnachricht,
    });
  });

  it('derives the message id from the Bestellnummer and replaces applicant fields', () => {
    const order = examplePassportOrder({
      now: new Date('2026-11-25T09:30:00Z'),
      bestellnummer: 'B-3',
      person: { vornamen: 'Max', geschlecht: '002' },
    });
    expect(order.kopf.nachrichtenId).toBe('N-B-3');
    expect(order.kopf.testnachricht).toBeUndefined();
    expect(order.antraege[0].person).toMatchObject({ vornamen: 'Max', geschlecht: '002' });
  });

  it('works as shown in the README', async () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const source = /<!-- checked by test\/example\.test\.ts -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(source).toBeDefined();
    // .mts: an ES module outside the package; tsx resolves @egovkit/xhd to src via the package's tsconfig (cwd).
    const directory = mkdtempSync(join(tmpdir(), 'xhd-readme-'));
    try {
      const file = join(directory, 'quick.mts');
      writeFileSync(file, source ?? '');
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: packageRoot,
        timeout: 60_000,
      });
      expect(stdout).toBe('gültig: true\n');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
