import { describe, expect, it } from 'vitest';
import { createPasswordPolicy } from '../src/index.js';
import { createZxcvbnEstimator } from '../src/zxcvbn.js';

describe('createZxcvbnEstimator (zxcvbn-ts with the German language pack)', () => {
  const estimator = createZxcvbnEstimator();

  it('scores German words and QWERTZ walks low and random passwords high', async () => {
    expect(await estimator.score('Schmetterling', [])).toBeLessThanOrEqual(2);
    expect(await estimator.score('qwertzuiop', [])).toBeLessThanOrEqual(1);
    expect(await estimator.score('Kx7#vR2!mQp9wZ', [])).toBe(4);
  });

  it('uses the context as user inputs', async () => {
    expect(await estimator.score('Hinterhuber2026', ['Hinterhuber'])).toBeLessThan(
      await estimator.score('Hinterhuber2026', []),
    );
  });

  it('serves as the strength rule of a policy', async () => {
    const engine = createPasswordPolicy(
      { id: 'strength', rules: [{ type: 'strength', minScore: 3 }] },
      { strengthEstimator: estimator },
    );
    const result = await engine.evaluate('qwertzuiop', { locale: 'en' });
    expect(result.failures[0]).toMatchObject({ code: 'PASSWORD_TOO_WEAK', params: { minScore: 3 } });
    expect((await engine.evaluate('Kx7#vR2!mQp9wZ')).ok).toBe(true);
    expect(() => createPasswordPolicy({ id: 's', rules: [{ type: 'strength', minScore: 3 }] })).toThrow(
      expect.objectContaining({ code: 'DEPENDENCY_MISSING' }),
    );
  });
});
