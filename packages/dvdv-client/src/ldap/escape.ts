/**
 * Escapes a value for an LDAP search filter (RFC 4515 § 3): `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`,
 * `\29`, `\5c` and `\00`. Everything else, including non-ASCII, stays as UTF-8 text, which RFC 4515 allows
 * and which keeps multi-byte characters intact in parsers that decode `\xx` to one character.
 */
export function escapeFilterValue(value: string): string {
  let escaped = '';
  for (const character of value) {
    switch (character) {
      case '*':
        escaped += '\\2a';
        break;
      case '(':
        escaped += '\\28';
        break;
      case ')':
        escaped += '\\29';
        break;
      case '\\':
        escaped += '\\5c';
        break;
      case '\0':
        escaped += '\\00';
        break;
      default:
        escaped += character;
    }
  }
  return escaped;
}

/**
 * Escapes an attribute value for a distinguished name (RFC 4514 § 2.4): `"`, `+`, `,`, `;`, `<`, `>` and `\`
 * get a backslash, a leading space or `#` and a trailing space too; NUL becomes `\00`. `=` is escaped as
 * well although the RFC does not require it, because some parsers split RDNs on the first unescaped `=`.
 */
export function escapeDnValue(value: string): string {
  let escaped = '';
  const characters = [...value];
  characters.forEach((character, index) => {
    if (character === '\0') {
      escaped += '\\00';
    } else if ('"+,;<>\\='.includes(character)) {
      escaped += `\\${character}`;
    } else if (index === 0 && (character === ' ' || character === '#')) {
      escaped += `\\${character}`;
    } else if (index === characters.length - 1 && character === ' ') {
      escaped += '\\ ';
    } else {
      escaped += character;
    }
  });
  return escaped;
}
