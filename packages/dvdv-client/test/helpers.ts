import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SlapdOptions, type SlapdServer, startSlapd } from '@egovkit/testkit';
import { DEMO_LDIF_PATH, DVDV_LDAP_SCHEMA } from '../src/index.js';

export const BASE_DN = 'dc=dvdv,dc=example';
export const DEMO_LDIF = readFileSync(DEMO_LDIF_PATH, 'utf8');
export const XHD_STATUS = 'urn:egovkit-demo:dvdv:xhd-status';
export const XHD_PASSANTRAG = 'urn:egovkit-demo:dvdv:xhd-passantrag';
export const SPECIAL_URI = 'urn:egovkit-demo:dvdv:test,dienst=1+2;x';

/** A demo certificate from data/certificates (PEM). */
export function demoCertificate(name: string): string {
  return readFileSync(join(import.meta.dirname, '..', 'data', 'certificates', `${name}.pem`), 'utf8');
}

/** slapd with the DVDV schema and, by default, the shipped demo LDIF. */
export function startDvdvSlapd(options: SlapdOptions = {}): Promise<SlapdServer> {
  return startSlapd({ suffix: BASE_DN, schemas: [DVDV_LDAP_SCHEMA], ldif: DEMO_LDIF, ...options });
}
