import { describe, expect, it } from 'vitest';
import { DvdvError, isBehoerdenkennung, parseBehoerdenkennung } from '../src/index.js';

describe('parseBehoerdenkennung', () => {
  it('reads the TR-03132 § 5.3.2 forms with their Land', () => {
    expect(parseBehoerdenkennung('psb:04011300_00')).toEqual({
      value: 'psb:04011300_00',
      prefix: 'psb',
      organisationId: '04011300_00',
      state: '04',
    });
    expect(parseBehoerdenkennung('PAB:AA_00000999')).toMatchObject({
      organisationId: 'aa_00000999',
      state: undefined,
    });
    expect(parseBehoerdenkennung('azr:09_022100')).toMatchObject({ prefix: 'azr', state: '09' });
    expect(parseBehoerdenkennung('dbs:490030010000')).toMatchObject({ prefix: 'dbs', state: '49' });
    expect(parseBehoerdenkennung('psw:1234')).toMatchObject({ organisationId: '1234', state: undefined });
  });

  it('refuses everything else with DVDV_INVALID_KENNUNG', () => {
    for (const input of [
      'psb:04011300_0',
      'psb:0401130_00',
      'psb:aa_0000099',
      'psb:_00',
      'psb:04011300__00',
      'ps:1',
    ]) {
      expect(isBehoerdenkennung(input)).toBe(false);
      expect(() => parseBehoerdenkennung(input)).toThrow(
        expect.objectContaining({ code: 'DVDV_INVALID_KENNUNG', constructor: DvdvError }),
      );
    }
  });
});
