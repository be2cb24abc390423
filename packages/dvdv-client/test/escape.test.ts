import { describe, expect, it } from 'vitest';
import {
  and,
  contains,
  equals,
  escapeDnValue,
  escapeFilterValue,
  or,
  present,
  renderFilter,
} from '../src/index.js';
import { formatDn, normaliseDn, parentDn, parseDn } from '../src/ldap/dn.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the five characters RFC 4515 requires and nothing else', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue(')(')).toBe('\\29\\28');
    expect(escapeFilterValue('plain text: = , + ; < > "')).toBe('plain text: = , + ; < > "');
  });

  it('keeps non-ASCII as UTF-8 text', () => {
    expect(escapeFilterValue('Zürich-Straße ✓')).toBe('Zürich-Straße ✓');
  });

  it('neutralises classic injection payloads', () => {
    const payload = '*)(objectClass=*';
    const filter = renderFilter(and(equals('objectClass', 'dvdvOrganisation'), equals('o', payload)));
    expect(filter).toBe('(&(objectClass=dvdvOrganisation)(o=\\2a\\29\\28objectClass=\\2a))');
    // Balanced parentheses: the payload cannot close or open a filter component.
    const unescaped = filter.replace(/\\[0-9a-f]{2}/g, '');
    expect(unescaped.split('(').length).toBe(unescaped.split(')').length);
  });
});

describe('renderFilter', () => {
  it('renders nested filters and escapes every value', () => {
    expect(renderFilter(or(contains('o', 'a*'), present('mail'), equals('dvdvState', '05')))).toBe(
      '(|(o=*a\\2a*)(mail=*)(dvdvState=05))',
    );
    expect(renderFilter(contains('o', ''))).toBe('(o=*)');
  });

  it('refuses attribute names that are not names', () => {
    expect(() => renderFilter(equals('o)(x', 'y'))).toThrow(TypeError);
  });
});

describe('escapeDnValue (RFC 4514)', () => {
  it('escapes special characters, a leading space or # and a trailing space', () => {
    expect(escapeDnValue('a,b+c"d\\e<f>g;h=i')).toBe('a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i');
    expect(escapeDnValue(' #x ')).toBe('\\ #x\\ ');
    expect(escapeDnValue('#x')).toBe('\\#x');
    expect(escapeDnValue('a\0b')).toBe('a\\00b');
    expect(escapeDnValue('Zürich')).toBe('Zürich');
  });

  it('round-trips through parseDn', () => {
    const values = [
      'urn:x:a,b=c+d;e',
      ' leading',
      'trailing ',
      '#hash',
      'quote"back\\slash',
      'NUL\0in',
      'Straße *)(',
    ];
    for (const value of values) {
      const dn = formatDn([[{ attribute: 'cn', value }], [{ attribute: 'dc', value: 'example' }]]);
      expect(parseDn(dn)[0]).toEqual([{ attribute: 'cn', value }]);
    }
  });
});

describe('parseDn', () => {
  it('decodes hex escapes as UTF-8 and splits multi-valued RDNs', () => {
    expect(parseDn('cn=Z\\C3\\BCrich+sn=x,dc=example')).toEqual([
      [
        { attribute: 'cn', value: 'Zürich' },
        { attribute: 'sn', value: 'x' },
      ],
      [{ attribute: 'dc', value: 'example' }],
    ]);
  });

  it('rejects malformed DNs', () => {
    expect(() => parseDn('no equals sign')).toThrow(TypeError);
    expect(() => parseDn('cn=x\\')).toThrow(TypeError);
    expect(() => parseDn('c n=x')).toThrow(TypeError);
  });

  it('normalises for comparison and finds the parent', () => {
    expect(normaliseDn('CN=Foo,  DC=Example')).toBe(normaliseDn('cn=foo,dc=example'));
    expect(normaliseDn('dvdvServiceUri=URN:A,dc=x')).not.toBe(normaliseDn('dvdvServiceUri=urn:a,dc=x'));
    expect(parentDn('cn=a\\,b,dc=example,dc=test')).toBe('dc=example,dc=test');
  });
});
