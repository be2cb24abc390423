import { escapeFilterValue } from './escape.js';

/**
 * A search filter as data. The LDAP backend renders it to an RFC 4515 string (every value escaped in one
 * place); the LDIF backend evaluates it in memory. Values are never spliced into filter text anywhere else.
 */
export type Filter =
  | { readonly type: 'and'; readonly filters: readonly Filter[] }
  | { readonly type: 'or'; readonly filters: readonly Filter[] }
  | { readonly type: 'equals'; readonly attribute: string; readonly value: string }
  /** Substring match `*value*`. */
  | { readonly type: 'contains'; readonly attribute: string; readonly value: string }
  | { readonly type: 'present'; readonly attribute: string };

export const and = (...filters: Filter[]): Filter => ({ type: 'and', filters });
export const or = (...filters: Filter[]): Filter => ({ type: 'or', filters });
export const equals = (attribute: string, value: string): Filter => ({ type: 'equals', attribute, value });
export const contains = (attribute: string, value: string): Filter => ({
  type: 'contains',
  attribute,
  value,
});
export const present = (attribute: string): Filter => ({ type: 'present', attribute });

/** Attribute names come from this package's schema only; the check guards against a programming error. */
function attributeName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new TypeError(`not an attribute name: ${name}`);
  return name;
}

/** Renders a filter as an RFC 4515 string. */
export function renderFilter(filter: Filter): string {
  switch (filter.type) {
    case 'and':
      return `(&${filter.filters.map(renderFilter).join('')})`;
    case 'or':
      return `(|${filter.filters.map(renderFilter).join('')})`;
    case 'equals':
      return `(${attributeName(filter.attribute)}=${escapeFilterValue(filter.value)})`;
    case 'contains':
      // `(a=**)` is not a valid filter; an empty fragment matches every value anyway.
      return filter.value === ''
        ? `(${attributeName(filter.attribute)}=*)`
        : `(${attributeName(filter.attribute)}=*${escapeFilterValue(filter.value)}*)`;
    case 'present':
      return `(${attributeName(filter.attribute)}=*)`;
  }
}
