import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_LDIF_PATH, DVDV_LDAP_SCHEMA, DvdvError, formatLdif, parseLdif } from '../src/index.js';

function code(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof DvdvError ? error.code : 'not a DvdvError';
  }
  return undefined;
}

describe('parseLdif', () => {
  it('reads folded lines, base64 values, comments, a version line and several entries', () => {
    const entries = parseLdif(
      [
        'version: 1',
        '# a comment',
        'dn: cn=first,dc=exa',
        ' mple',
        'objectClass: top',
        'cn: first',
        'description:: WsO8cmljaA==',
        '',
        '',
        'dn: cn=second,dc=example',
        'cn;binary:: AAEC',
        'cn: two',
        '',
      ].join('\n'),
    );
    expect(entries.map((entry) => entry.dn)).toEqual(['cn=first,dc=example', 'cn=second,dc=example']);
    expect(entries[0]?.attributes.get('description')).toEqual([Buffer.from('Zürich')]);
    expect(entries[0]?.attributes.get('objectclass')).toEqual(['top']);
    expect(entries[1]?.attributes.get('cn')).toEqual([Buffer.from([0, 1, 2]), 'two']);
  });

  it('rejects URL values, change records, attributes before dn and bad base64', () => {
    expect(code(() => parseLdif('dn: cn=x\njpegPhoto:< file:///etc/passwd\n'))).toBe('DVDV_LDIF_INVALID');
    expect(code(() => parseLdif('dn: cn=x\nchangetype: delete\n'))).toBe('DVDV_LDIF_INVALID');
    expect(code(() => parseLdif('cn: x\n'))).toBe('DVDV_LDIF_INVALID');
    expect(code(() => parseLdif('dn: cn=x\ncn:: ***\n'))).toBe('DVDV_LDIF_INVALID');
    expect(code(() => parseLdif('dn: cn=x\nno colon\n'))).toBe('DVDV_LDIF_INVALID');
  });

  it('round-trips values that need base64 through formatLdif', () => {
    const values = [
      'plain',
      ' leading space',
      ':colon',
      '<angle',
      'trailing ',
      'Zürich',
      'line\nbreak',
      'x'.repeat(200),
    ];
    const text = formatLdif([
      { dn: 'cn=Zürich,dc=example', attributes: { description: values, cn: new Uint8Array([0, 255]) } },
    ]);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(76);
    const [entry] = parseLdif(text);
    expect(entry?.dn).toBe('cn=Zürich,dc=example');
    const read = entry?.attributes.get('description')?.map((value) => value.toString());
    expect(read).toEqual(values);
    expect(entry?.attributes.get('cn')).toEqual([Buffer.from([0, 255])]);
  });
});

describe('shipped data', () => {
  it('data/dvdv.schema is the exported schema', () => {
    const file = readFileSync(join(import.meta.dirname, '..', 'data', 'dvdv.schema'), 'utf8');
    expect(file).toBe(DVDV_LDAP_SCHEMA);
  });

  it('the demo LDIF holds several organisations and services', () => {
    const entries = parseLdif(readFileSync(DEMO_LDIF_PATH, 'utf8'));
    const classes = entries.flatMap((entry) => entry.attributes.get('objectclass') ?? []);
    expect(classes.filter((value) => value === 'dvdvOrganisation')).toHaveLength(6);
    expect(classes.filter((value) => value === 'dvdvService').length).toBeGreaterThanOrEqual(5);
  });
});
