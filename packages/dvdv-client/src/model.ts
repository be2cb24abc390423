import { type DvdvCertificate, parseCertificate } from './certificate.js';
import type { DirectoryEntry } from './directory/types.js';
import { DvdvError } from './errors.js';
import { parseBehoerdenkennung } from './kennung.js';
import { Schema } from './schema.js';
import {
  parseServiceDescription,
  type ServiceDescription,
} from './service-description/service-description.js';

/** Where an organisation works: keys of the Regionalschlüssel and the place name. */
export interface DvdvRegion {
  /** Bundesland, e.g. `05`. */
  readonly state: string | undefined;
  /** Regierungsbezirk, e.g. `053`. */
  readonly district: string | undefined;
  /** Kreis, e.g. `05315`. */
  readonly county: string | undefined;
  readonly locality: string | undefined;
}

/** An organisation (Behörde) registered in the DVDV. */
export interface DvdvOrganisation {
  readonly dn: string;
  /** Behördenkennung, lower case, e.g. `psw:053150000001`. */
  readonly kennung: string;
  readonly name: string;
  /** Organisation categories, lower case, e.g. `passbehoerde`. */
  readonly categories: readonly string[];
  readonly region: DvdvRegion;
  /** `$`-separated lines as in the LDAP postalAddress syntax, joined with newlines. */
  readonly postalAddress: string | undefined;
  readonly description: string | undefined;
  readonly mail: string | undefined;
  /** Certificates the organisation itself signs with. */
  readonly signatureCertificates: readonly DvdvCertificate[];
}

/** How to reach a service: the OSCI intermediary and the addressee there. */
export interface DvdvEndpoint {
  readonly intermediaryUrl: string;
  readonly addressee: string;
  /** The intermediary's certificate for the outer OSCI envelope, when listed. */
  readonly intermediaryCertificate: DvdvCertificate | undefined;
}

/** A service (Dienst) an organisation offers. */
export interface DvdvService {
  readonly dn: string;
  readonly uri: string;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly endpoint: DvdvEndpoint;
  /** Certificates to encrypt content data for the addressee (several during a key rollover). */
  readonly encryptionCertificates: readonly DvdvCertificate[];
  /** Certificates the service signs its answers with. */
  readonly signatureCertificates: readonly DvdvCertificate[];
  readonly serviceDescription: ServiceDescription | undefined;
}

function values(entry: DirectoryEntry, attribute: string): readonly (string | Buffer)[] {
  return entry.attributes.get(attribute.toLowerCase()) ?? [];
}

function texts(entry: DirectoryEntry, attribute: string): string[] {
  return values(entry, attribute).map((value) =>
    typeof value === 'string' ? value : value.toString('utf8'),
  );
}

function single(entry: DirectoryEntry, attribute: string): string | undefined {
  return texts(entry, attribute)[0];
}

function mandatory(entry: DirectoryEntry, attribute: string): string {
  const value = single(entry, attribute)?.trim();
  if (value === undefined || value === '') {
    throw new DvdvError('DVDV_ENTRY_INVALID', `${entry.dn} lacks ${attribute}`, {
      details: { dn: entry.dn, attribute },
    });
  }
  return value;
}

function certificates(entry: DirectoryEntry, attribute: string): DvdvCertificate[] {
  return values(entry, attribute).map((value) => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
    try {
      return parseCertificate(new Uint8Array(bytes));
    } catch (error) {
      throw new DvdvError('DVDV_CERTIFICATE_INVALID', `${entry.dn}: ${attribute} is not a certificate`, {
        cause: error,
        details: { dn: entry.dn, attribute },
      });
    }
  });
}

export function hasObjectClass(entry: DirectoryEntry, objectClass: string): boolean {
  const wanted = objectClass.toLowerCase();
  return texts(entry, 'objectClass').some((value) => value.toLowerCase() === wanted);
}

export function toOrganisation(entry: DirectoryEntry): DvdvOrganisation {
  let kennung: string;
  try {
    kennung = parseBehoerdenkennung(mandatory(entry, Schema.kennung)).value;
  } catch (error) {
    if (error instanceof DvdvError && error.code === 'DVDV_INVALID_KENNUNG') {
      throw new DvdvError('DVDV_ENTRY_INVALID', `${entry.dn} has an invalid Behördenkennung`, {
        cause: error,
        details: { dn: entry.dn, attribute: Schema.kennung },
      });
    }
    throw error;
  }
  const postal = single(entry, Schema.postalAddress);
  return {
    dn: entry.dn,
    kennung,
    name: mandatory(entry, Schema.name),
    categories: texts(entry, Schema.category).map((category) => category.trim().toLowerCase()),
    region: {
      state: single(entry, Schema.state),
      district: single(entry, Schema.district),
      county: single(entry, Schema.county),
      locality: single(entry, Schema.locality),
    },
    postalAddress: postal?.split('$').join('\n'),
    description: single(entry, Schema.description),
    mail: single(entry, Schema.mail),
    signatureCertificates: certificates(entry, Schema.signatureCertificate),
  };
}

export function toService(entry: DirectoryEntry): DvdvService {
  const intermediaryUrl = mandatory(entry, Schema.intermediaryUrl);
  let url: URL;
  try {
    url = new URL(intermediaryUrl);
  } catch (error) {
    throw new DvdvError('DVDV_ENTRY_INVALID', `${entry.dn}: the intermediary URL is not a URL`, {
      cause: error,
      details: { dn: entry.dn, attribute: Schema.intermediaryUrl },
    });
  }
  if (url.protocol !== 'https:') {
    // OSCI intermediaries are reached over HTTPS; anything else in the directory is a data error.
    throw new DvdvError('DVDV_ENTRY_INVALID', `${entry.dn}: the intermediary URL is not https`, {
      details: { dn: entry.dn, attribute: Schema.intermediaryUrl },
    });
  }
  const description = single(entry, Schema.serviceDescription);
  return {
    dn: entry.dn,
    uri: mandatory(entry, Schema.serviceUri),
    name: single(entry, Schema.serviceName),
    description: single(entry, Schema.description),
    endpoint: {
      intermediaryUrl,
      addressee: mandatory(entry, Schema.addressee),
      intermediaryCertificate: certificates(entry, Schema.intermediaryCertificate)[0],
    },
    encryptionCertificates: certificates(entry, Schema.encryptionCertificate),
    signatureCertificates: certificates(entry, Schema.signatureCertificate),
    serviceDescription: description === undefined ? undefined : parseServiceDescription(description),
  };
}
