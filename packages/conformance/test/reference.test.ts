import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpPayload, loadManifest, referenceCheck } from '../src/index.js';
import { FIXTURES } from './helpers.js';

const manifest = loadManifest(FIXTURES);
const read = (file: string) => readFileSync(join(FIXTURES, file));

describe('reference checks (egovkit itself) over every case', () => {
  for (const c of manifest.cases) {
    it(`${c.id}: ${c.verdict}${c.codes.length > 0 ? ` with ${c.codes.join(', ')}` : ''}`, async () => {
      const outcome = await referenceCheck({
        suite: c.suite,
        data: read(c.file),
        ...(c.check === undefined ? {} : { check: c.check }),
        ...(c.options === undefined ? {} : { options: c.options }),
        fixturesDir: FIXTURES,
      });
      expect({ verdict: outcome.verdict, codes: outcome.codes }).toEqual({
        verdict: c.verdict,
        codes: c.codes,
      });
      if (c.verdict === 'reject') expect(c.codes).toContain(outcome.code);
    });
  }

  it('rejects every negative OSCI case also when it checks the whole receiving side (no layer hint)', async () => {
    const negative = manifest.cases.filter((c) => c.suite === 'osci' && c.verdict === 'reject');
    expect(negative.length).toBeGreaterThan(20);
    const accepted: string[] = [];
    for (const c of negative) {
      const outcome = await referenceCheck({
        suite: 'osci',
        data: read(c.file),
        ...(c.options === undefined ? {} : { options: c.options }),
      });
      if (outcome.verdict !== 'reject') accepted.push(c.id);
    }
    expect(accepted).toEqual([]);
  });

  it('reads a MIME package as HTTP delivers it: entity headers as Content-Type, body without them', async () => {
    const control = manifest.cases.find((c) => c.id === 'osci/negative/control-valid');
    const tampered = manifest.cases.find((c) => c.id === 'osci/negative/tampered-order');
    if (control === undefined || tampered === undefined) throw new Error('cases missing');
    const valid = httpPayload(control, read(control.file));
    expect(valid.contentType).toMatch(/^multipart\/related; boundary=/);
    expect(valid.body.toString('latin1', 0, 2)).toBe('--');
    await expect(
      referenceCheck({ suite: 'osci', data: valid.body, contentType: valid.contentType }),
    ).resolves.toEqual({
      verdict: 'accept',
      codes: [],
    });
    const bad = httpPayload(tampered, read(tampered.file));
    await expect(
      referenceCheck({ suite: 'osci', data: bad.body, contentType: bad.contentType, check: 'order' }),
    ).resolves.toMatchObject({ verdict: 'reject', code: 'SIGNATURE_INVALID' });
  });

  it('rejects garbage in every suite with a code instead of throwing', async () => {
    for (const suite of ['osci', 'xhd', 'dvdv'] as const) {
      const outcome = await referenceCheck({ suite, data: 'not a message\n' });
      expect(outcome.verdict, suite).toBe('reject');
      expect(outcome.code, suite).toMatch(/^[A-Z_]+$/);
    }
  });
});
