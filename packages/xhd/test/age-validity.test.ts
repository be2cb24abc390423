import { describe, expect, it } from 'vitest';
import {
  type BestellungInput,
  buildXhd,
  checkRules,
  DEFAULT_PROFILES,
  type PassAntragInput,
  validateXhd,
  type XhdProfile,
} from '../src/index.js';
import { ausweisBestellung, bestellung, passAntrag } from './helpers.js';

// PassG § 5 (1) and PAuswG § 6 (3): under 24 on the application date → at most 6 years.
const TEN_YEARS = { gueltigVon: '2026-11-25', gueltigBis: '2036-11-24' };
const SIX_YEARS = { gueltigVon: '2026-11-25', gueltigBis: '2032-11-24' };

function pass(geburtsdatum: string, gueltig: { gueltigVon: string; gueltigBis: string }): BestellungInput {
  const antrag: PassAntragInput = {
    ...passAntrag,
    person: { ...passAntrag.person, geburtsdatum },
    dokument: { ...passAntrag.dokument, ...gueltig },
  };
  return { ...bestellung, antraege: [antrag] };
}

async function codes(input: BestellungInput): Promise<string[]> {
  return (await validateXhd(buildXhd(input).xml)).issues.map((issue) => issue.code);
}

describe('age-dependent validity (rule age-validity)', () => {
  it('allows 6 years for an applicant of 21 and refuses 10', async () => {
    expect(await codes(pass('2005-08-12', SIX_YEARS))).toEqual([]);
    const result = await validateXhd(buildXhd(pass('2005-08-12', TEN_YEARS)).xml);
    expect(result.valid).toBe(false);
    expect(result.issues).toHaveLength(1);
    const [issue] = result.issues;
    expect(issue?.code).toBe('VALIDITY_TOO_LONG_FOR_AGE');
    expect(issue?.path).toBe(
      '/xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[1]/xhd:Dokumentendaten/xhd:GueltigBis',
    );
    expect(issue?.params).toEqual({ years: 10, max: 6, underAge: 24, age: 21, application: '2026-11-25' });
    expect(issue?.message.de).toBe(
      'Die Gültigkeit von 10 Jahren überschreitet 6 Jahre, die für Antragsteller unter 24 Jahren gelten (Alter am 2026-11-25: 21).',
    );
    expect(issue?.message.en).toBe(
      'A validity of 10 years exceeds the 6 years allowed for applicants under 24 (age on 2026-11-25: 21).',
    );
  });

  it('counts the 24th birthday itself as 24', async () => {
    expect(await codes(pass('2002-11-25', TEN_YEARS))).toEqual([]);
    expect(await codes(pass('2002-11-26', TEN_YEARS))).toEqual(['VALIDITY_TOO_LONG_FOR_AGE']);
    // One day over six years is too long.
    expect(await codes(pass('2005-08-12', { gueltigVon: '2026-11-25', gueltigBis: '2032-11-26' }))).toEqual([
      'VALIDITY_TOO_LONG_FOR_AGE',
    ]);
  });

  it('takes unknown birth month and day as the earliest possible birthday', async () => {
    expect(await codes(pass('2002-00-00', TEN_YEARS))).toEqual([]);
    expect(await codes(pass('2003-00-00', TEN_YEARS))).toEqual(['VALIDITY_TOO_LONG_FOR_AGE']);
  });

  it('applies to ID cards too', async () => {
    const [antrag] = (ausweisBestellung as Extract<BestellungInput, { produktart: 'PA' }>).antraege;
    const young: BestellungInput = {
      ...ausweisBestellung,
      produktart: 'PA',
      antraege: [{ ...antrag, person: { ...antrag.person, geburtsdatum: '2010-01-01' } }],
    };
    expect(await codes(young)).toEqual(['VALIDITY_TOO_LONG_FOR_AGE']);
  });

  it('leaves impossible dates to the dates rule, and is switched by profile data', async () => {
    expect(await codes(pass('2027-01-01', TEN_YEARS))).toEqual(['BIRTH_NOT_BEFORE_APPLICATION']);
    const { message } = buildXhd(pass('2005-08-12', TEN_YEARS));
    const rp = DEFAULT_PROFILES[0] as XhdProfile;
    expect(checkRules(message, rp).map((issue) => issue.code)).toEqual(['VALIDITY_TOO_LONG_FOR_AGE']);
    const without: XhdProfile = { ...rp, rules: rp.rules.filter((rule) => rule !== 'age-validity') };
    expect(checkRules(message, without)).toEqual([]);
    const { reducedValidity: _, ...limits } = rp.limits;
    expect(checkRules(message, { ...rp, limits })).toEqual([]);
    const stricter: XhdProfile = {
      ...rp,
      limits: { ...rp.limits, reducedValidity: { underAge: 26, maxYears: 5 } },
    };
    expect(checkRules(buildXhd(pass('2001-01-01', SIX_YEARS)).message, stricter)[0]?.params).toMatchObject({
      max: 5,
      underAge: 26,
      age: 25,
    });
  });
});
