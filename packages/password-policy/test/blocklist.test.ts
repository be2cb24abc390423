import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  combineBlocklists,
  contextTokens,
  createBlocklist,
  findContextWord,
  keysTouch,
  loadBlocklistFile,
  loadDefaultBlocklist,
  longestKeyboardWalk,
  normalisedCandidates,
} from '../src/blocklist/index.js';

const blocklist = loadDefaultBlocklist();
const kind = (password: string) => blocklist.check(password)?.kind;

describe('the built-in blocklist', () => {
  it('holds at least 100,000 common passwords plus the German additions', () => {
    expect(blocklist.size).toBeGreaterThanOrEqual(100_000);
    for (const word of [
      '123456',
      'password',
      'dragon',
      'passwort',
      'schalke04',
      'bvb09',
      'qwertz',
      'mueller',
      'zulassungsstelle',
    ]) {
      expect(blocklist.has(word), word).toBe(true);
    }
  });

  it('is loaded once and shared', () => {
    expect(loadDefaultBlocklist()).toBe(blocklist);
  });

  it('finds a common password as typed, in any case', () => {
    expect(kind('password')).toBe('exact');
    expect(kind('PASSWORT')).toBe('exact');
    expect(kind('Müller')).toBe('exact');
  });

  it('finds common passwords dressed up for composition rules: "P@ssw0rt2024!" is "passwort"', () => {
    for (const password of [
      'P@ssw0rt2024!',
      '!Sommer2025',
      'Hallo123!!',
      'Schalke04!',
      'Bayern1900!',
      'Fr€ih€it1989',
      '$ommer2024',
      '4dmin1strator!',
      'P.a.s.s.w.o.r.t.1',
    ]) {
      expect(kind(password), password).toBe('normalised');
    }
  });

  it('finds QWERTZ keyboard walks, including diagonals and the shifted number row', () => {
    for (const password of [
      'Qwertz987!X',
      'Ölkjhgf#72X',
      '3e4r5t6z7u!X',
      'qayxsw#2024Z',
      'Xy!"§$%&Ab9',
      'Mnbvcxy-7Q',
    ]) {
      expect(kind(password), password).toBe('keyboardWalk');
    }
    // A walk that is also a listed password is reported as the listed password.
    expect(kind('Asdfghjkl1!')).toBe('normalised');
    expect(longestKeyboardWalk('1q2w3e4r')).toBe(8);
    expect(keysTouch('z', 'u')).toBe(true); // QWERTZ, not QWERTY
    expect(keysTouch('y', 'x')).toBe(true);
    expect(keysTouch('y', 't')).toBe(false);
  });

  it('finds passwords that merely wrap a common word', () => {
    for (const password of ['MeinPasswort!2024', 'Sommer!Sonne99', 'XxSchalkexX#1', 'DasGeheimnis!7']) {
      expect(kind(password), password).toBe('contains');
    }
  });

  it('lets strong passwords and passphrases through', () => {
    for (const password of [
      'Kx7#vR2!mQp9',
      'Lampe-Gurke-Wolke-47',
      'gR8%teW0lf!x',
      'correct horse battery staple',
      'X7$kd9!Qmw2p',
      'Tr0mp3te.Haus-Blau',
    ]) {
      expect(blocklist.check(password), password).toBeUndefined();
    }
  });

  it('never puts the password or a part of it into a match', () => {
    expect(JSON.stringify(blocklist.check('MeinPasswort!2024'))).toBe('{"kind":"contains"}');
  });

  it('survives hostile input without throwing or running away', () => {
    for (const password of [
      '',
      'x',
      '\u0000\u0000',
      '\ud800abc\udfff',
      '1!|'.repeat(3000),
      'ä'.repeat(10_000),
      '🙂'.repeat(500),
    ]) {
      expect(() => blocklist.check(password)).not.toThrow();
    }
    expect(blocklist.check(undefined as unknown as string)).toBeUndefined();
    expect(normalisedCandidates('1!|'.repeat(3000)).normalised.length).toBeLessThanOrEqual(20);
  });
});

describe('findContextWord', () => {
  const erika = ['m.mustermann@stadt-musterstadt.de', 'Erika Mustermann', 'Landratsamt Musterkreis', 'eAkte'];

  it('finds the user id, the name and the authority, also in leet and reversed', () => {
    expect(findContextWord('Mustermann#2026', erika)).toBe(true);
    expect(findContextWord('Mu$t3rm4nn!26', erika)).toBe(true);
    expect(findContextWord('nnamretsum!26X', erika)).toBe(true);
    expect(findContextWord('ERIKA!1987xy', erika)).toBe(true);
    expect(findContextWord('Musterkreis+7q', erika)).toBe(true);
    expect(findContextWord('Kx7#vR2!mQp9', erika)).toBe(false);
  });

  it('splits user ids, e-mail addresses and camelCase, and ignores short tokens', () => {
    expect(contextTokens('ErikaMustermann4711')).toEqual(
      expect.arrayContaining(['erika', 'mustermann', '4711']),
    );
    expect(contextTokens('m.mustermann@stadt-musterstadt.de')).toEqual([
      'm',
      'mustermann',
      'stadt',
      'musterstadt',
      'de',
    ]);
    expect(findContextWord('Dm!x8Qz#pL2v', ['de', 'm'])).toBe(false);
    expect(findContextWord('Hallo4711!xx', ['user4711'])).toBe(true);
    expect(findContextWord('Kx7#vR2!mQp9', ['ab'], 4)).toBe(false);
  });
});

describe('custom blocklists and files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'egovkit-blocklist-test-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('builds a list from your own words and combines it with the built-in one', () => {
    const own = createBlocklist(['Kfz-Portal', 'iKfz'], { containable: ['zulassungsportal'] });
    expect(own.check('kfz-portal')?.kind).toBe('exact');
    expect(own.check('Zulassungsportal#1')?.kind).toBe('normalised');
    expect(own.check('MeinZulassungsportal!1')?.kind).toBe('contains');
    const both = combineBlocklists(blocklist, own);
    expect(both.size).toBe(blocklist.size + own.size);
    expect(both.check('P@ssw0rt2024!')?.kind).toBe('normalised');
    expect(both.check('iKfz!2026')?.kind).toBe('normalised');
  });

  it('reads gzip and plain files in the package format', () => {
    const text = '# egovkit blocklist v1\n[contains]\nbehoerdenfunk\n[exact]\ngeheim\n';
    writeFileSync(join(directory, 'plain.txt'), text);
    writeFileSync(join(directory, 'packed.txt.gz'), gzipSync(text));
    for (const file of ['plain.txt', 'packed.txt.gz']) {
      const list = loadBlocklistFile(join(directory, file));
      expect(list.size).toBe(2);
      expect(list.check('Geheim!1')?.kind).toBe('normalised');
    }
  });

  it('refuses missing, foreign, corrupt and empty files with BLOCKLIST_INVALID', () => {
    writeFileSync(join(directory, 'foreign.txt'), 'password\n123456\n');
    writeFileSync(join(directory, 'corrupt.txt.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]));
    writeFileSync(join(directory, 'empty.txt'), '# egovkit blocklist v1\n[exact]\n');
    writeFileSync(join(directory, 'orphan.txt'), '# egovkit blocklist v1\norphan\n');
    for (const file of ['missing.txt', 'foreign.txt', 'corrupt.txt.gz', 'empty.txt', 'orphan.txt']) {
      expect(() => loadBlocklistFile(join(directory, file)), file).toThrow(
        expect.objectContaining({ code: 'BLOCKLIST_INVALID' }),
      );
    }
  });

  it('refuses nonsense options', () => {
    expect(() => createBlocklist([], { minContainedLength: 1 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    expect(() => createBlocklist([], { minContainedShare: 2 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
  });
});
