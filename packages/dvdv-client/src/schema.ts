/**
 * The LDAP schema this package reads (slapd.conf syntax). The real DVDV's LDAP schema is not public; these
 * object classes, attributes and OIDs are this package's assumption (see README, "Data model and sources").
 * The OIDs sit under 1.3.6.1.4.1.32473, the enterprise number IANA reserves for documentation (RFC 5612),
 * so they cannot collide with a registered schema. `data/dvdv.schema` holds the same text.
 */
export const DVDV_LDAP_SCHEMA = `# egovkit DVDV-like LDAP schema (assumed model, see README of @egovkit/dvdv-client)
attributetype ( 1.3.6.1.4.1.32473.5.1.1 NAME 'dvdvBehoerdenkennung'
  DESC 'Behoerdenkennung (Organisationsschluessel): prefix and Organisations-ID, e.g. psw:053150000001'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.2 NAME 'dvdvCategory'
  DESC 'Organisationskategorie, e.g. passbehoerde'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.3.6.1.4.1.32473.5.1.3 NAME 'dvdvState'
  DESC 'Bundesland: the first two digits of the Regionalschluessel'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.4 NAME 'dvdvDistrict'
  DESC 'Regierungsbezirk: the first three digits of the Regionalschluessel'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.5 NAME 'dvdvCounty'
  DESC 'Kreis: the first five digits of the Regionalschluessel'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.6 NAME 'dvdvServiceUri'
  DESC 'URI that identifies the service (Dienst)'
  EQUALITY caseExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.7 NAME 'dvdvIntermediaryUrl'
  DESC 'URL of the OSCI intermediary that delivers to this service'
  EQUALITY caseExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.8 NAME 'dvdvAddressee'
  DESC 'OSCI addressee (Empfaenger) of the service'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.9 NAME 'dvdvEncryptionCertificate'
  DESC 'DER X.509 certificate to encrypt content data for the addressee'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )
attributetype ( 1.3.6.1.4.1.32473.5.1.10 NAME 'dvdvSignatureCertificate'
  DESC 'DER X.509 certificate the organisation signs with'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )
attributetype ( 1.3.6.1.4.1.32473.5.1.11 NAME 'dvdvIntermediaryCertificate'
  DESC 'DER X.509 certificate of the OSCI intermediary (outer envelope)'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.5.1.12 NAME 'dvdvCertificateSha256'
  DESC 'Lower-case hex SHA-256 of each certificate of the entry; a search index only'
  EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )
attributetype ( 1.3.6.1.4.1.32473.5.1.13 NAME 'dvdvServiceDescription'
  DESC 'Service description (Dienstbeschreibung): WSDL 1.1 with DVDV extension elements'
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.5.2.1 NAME 'dvdvOrganisation'
  DESC 'An organisation (Behoerde) registered in the DVDV'
  SUP top STRUCTURAL
  MUST ( dvdvBehoerdenkennung $ o $ dvdvCategory )
  MAY ( dvdvState $ dvdvDistrict $ dvdvCounty $ l $ postalAddress $ description $ mail $
        dvdvSignatureCertificate $ dvdvCertificateSha256 ) )
objectclass ( 1.3.6.1.4.1.32473.5.2.2 NAME 'dvdvService'
  DESC 'A service (Dienst) offered by the parent organisation'
  SUP top STRUCTURAL
  MUST ( dvdvServiceUri $ dvdvIntermediaryUrl $ dvdvAddressee )
  MAY ( cn $ description $ dvdvEncryptionCertificate $ dvdvSignatureCertificate $
        dvdvIntermediaryCertificate $ dvdvCertificateSha256 $ dvdvServiceDescription ) )
`;

/** Attribute and object class names, in one place for the query and mapping code. */
export const Schema = {
  organisationClass: 'dvdvOrganisation',
  serviceClass: 'dvdvService',
  kennung: 'dvdvBehoerdenkennung',
  name: 'o',
  category: 'dvdvCategory',
  state: 'dvdvState',
  district: 'dvdvDistrict',
  county: 'dvdvCounty',
  locality: 'l',
  postalAddress: 'postalAddress',
  description: 'description',
  mail: 'mail',
  serviceUri: 'dvdvServiceUri',
  serviceName: 'cn',
  intermediaryUrl: 'dvdvIntermediaryUrl',
  addressee: 'dvdvAddressee',
  encryptionCertificate: 'dvdvEncryptionCertificate',
  signatureCertificate: 'dvdvSignatureCertificate',
  intermediaryCertificate: 'dvdvIntermediaryCertificate',
  certificateSha256: 'dvdvCertificateSha256',
  serviceDescription: 'dvdvServiceDescription',
} as const;

/** Certificate attributes, returned as bytes by the LDAP backend. */
export const BINARY_ATTRIBUTES: readonly string[] = [
  Schema.encryptionCertificate,
  Schema.signatureCertificate,
  Schema.intermediaryCertificate,
];

/** The container of organisation entries below the base DN (this package's DN layout, assumed). */
export const ORGANISATIONS_RDN = 'ou=organisations';
