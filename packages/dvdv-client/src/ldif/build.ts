import { type CertificateInput, parseCertificate } from '../certificate.js';
import { parseBehoerdenkennung } from '../kennung.js';
import { formatDn, parseDn } from '../ldap/dn.js';
import { ORGANISATIONS_RDN, Schema } from '../schema.js';
import { formatLdif, type LdifRecord } from './ldif.js';

/** A service to register, for `createDvdvLdif`. */
export interface DvdvServiceInput {
  readonly uri: string;
  readonly name?: string;
  readonly description?: string;
  readonly intermediaryUrl: string;
  /** Default: the organisation's Behördenkennung. */
  readonly addressee?: string;
  readonly encryptionCertificates?: readonly CertificateInput[];
  readonly signatureCertificates?: readonly CertificateInput[];
  readonly intermediaryCertificate?: CertificateInput;
  /** WSDL text. */
  readonly serviceDescription?: string;
}

/** An organisation to register, for `createDvdvLdif`. */
export interface DvdvOrganisationInput {
  readonly kennung: string;
  readonly name: string;
  readonly categories: readonly string[];
  readonly state?: string;
  readonly district?: string;
  readonly county?: string;
  readonly locality?: string;
  readonly postalAddress?: string;
  readonly description?: string;
  readonly mail?: string;
  readonly signatureCertificates?: readonly CertificateInput[];
  readonly services?: readonly DvdvServiceInput[];
}

export interface CreateDvdvLdifOptions {
  /** Default `dc=dvdv,dc=example`. */
  readonly baseDn?: string;
  readonly organisations: readonly DvdvOrganisationInput[];
  /** Include the base and `ou=organisations` entries (default true). */
  readonly includeContainers?: boolean;
}

export const DEFAULT_BASE_DN = 'dc=dvdv,dc=example';

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

function certificates(inputs: readonly CertificateInput[] | undefined) {
  return (inputs ?? []).map((input) => parseCertificate(input));
}

/**
 * Writes DVDV entries in this package's data model as LDIF, for slapd (`slapadd`) or the embedded
 * directory: the demo and tests use it to register certificates generated at run time.
 */
export function createDvdvLdif(options: CreateDvdvLdifOptions): string {
  const baseDn = options.baseDn ?? DEFAULT_BASE_DN;
  const base = parseDn(baseDn);
  const container = formatDn([...parseDn(ORGANISATIONS_RDN), ...base]);
  const records: LdifRecord[] = [];
  if (options.includeContainers !== false) {
    const first = base[0]?.[0];
    if (first?.attribute.toLowerCase() === 'dc') {
      records.push({
        dn: formatDn(base),
        attributes: { objectClass: ['top', 'dcObject', 'organization'], dc: first.value, o: first.value },
      });
    } else if (first?.attribute.toLowerCase() === 'o') {
      records.push({
        dn: formatDn(base),
        attributes: { objectClass: ['top', 'organization'], o: first.value },
      });
    }
    records.push({
      dn: container,
      attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'organisations' },
    });
  }
  for (const organisation of options.organisations) {
    const kennung = parseBehoerdenkennung(organisation.kennung).value;
    const organisationDn = formatDn([[{ attribute: Schema.kennung, value: kennung }], ...parseDn(container)]);
    const signature = certificates(organisation.signatureCertificates);
    records.push({
      dn: organisationDn,
      attributes: {
        objectClass: ['top', Schema.organisationClass],
        [Schema.kennung]: kennung,
        [Schema.name]: organisation.name,
        [Schema.category]: [...organisation.categories],
        ...optional(Schema.state, organisation.state),
        ...optional(Schema.district, organisation.district),
        ...optional(Schema.county, organisation.county),
        ...optional(Schema.locality, organisation.locality),
        ...optional(Schema.postalAddress, organisation.postalAddress),
        ...optional(Schema.description, organisation.description),
        ...optional(Schema.mail, organisation.mail),
        [Schema.signatureCertificate]: signature.map((certificate) => certificate.der),
        [Schema.certificateSha256]: signature.map((certificate) => certificate.sha256),
      },
    });
    for (const service of organisation.services ?? []) {
      const encryption = certificates(service.encryptionCertificates);
      const serviceSignature = certificates(service.signatureCertificates);
      const intermediary =
        service.intermediaryCertificate === undefined ? [] : certificates([service.intermediaryCertificate]);
      const all = [...encryption, ...serviceSignature];
      records.push({
        dn: formatDn([[{ attribute: Schema.serviceUri, value: service.uri }], ...parseDn(organisationDn)]),
        attributes: {
          objectClass: ['top', Schema.serviceClass],
          [Schema.serviceUri]: service.uri,
          ...optional(Schema.serviceName, service.name),
          ...optional(Schema.description, service.description),
          [Schema.intermediaryUrl]: service.intermediaryUrl,
          [Schema.addressee]: service.addressee ?? kennung,
          [Schema.encryptionCertificate]: encryption.map((certificate) => certificate.der),
          [Schema.signatureCertificate]: serviceSignature.map((certificate) => certificate.der),
          [Schema.intermediaryCertificate]: intermediary.map((certificate) => certificate.der),
          [Schema.certificateSha256]: [...new Set(all.map((certificate) => certificate.sha256))],
          ...optional(Schema.serviceDescription, service.serviceDescription),
        },
      });
    }
  }
  return formatLdif(records);
}
