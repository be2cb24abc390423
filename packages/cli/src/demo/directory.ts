import { createDvdvLdif, DvdvCategory } from '@egovkit/dvdv-client';
import type { TestPki } from '@egovkit/testkit/pki';

/** The fictional parties of the demo, with keys in the form BSI TR-03132 § 5.3.2 gives. */
export const DEMO_PARTIES = {
  authority: { kennung: 'psb:05315000_00', name: 'Stadt Köln, Bürgeramt (Demo)' },
  producer: { kennung: 'dbs:990000000001', name: 'Dokumentenhersteller (Demo)' },
} as const;

/** The service the producer receives XhD orders on (TR-03132 § 5.3.3 names it `xhd17Beh2DhServiceOsci`). */
export const PRODUCER_SERVICE = 'xhd17Beh2DhServiceOsci';
/** The service the authority receives the producer's answers on. */
export const AUTHORITY_SERVICE = 'xhd17Dh2BehServiceOsci';

export const DEMO_BASE_DN = 'dc=dvdv,dc=demo';

/**
 * The demo's DVDV entries: the passport authority and the document producer, each with the certificates of this
 * run's PKI and a service whose OSCI endpoint is the local intermediary.
 */
export function demoDirectoryLdif(pki: TestPki, intermediaryUrl: string): string {
  const certificate = (name: keyof TestPki['certificates']) => pki.certificates[name].certificatePem;
  const intermediaryCertificate = certificate('osciIntermediaryEncryption');
  return createDvdvLdif({
    baseDn: DEMO_BASE_DN,
    includeContainers: true,
    organisations: [
      {
        kennung: DEMO_PARTIES.authority.kennung,
        name: DEMO_PARTIES.authority.name,
        categories: [DvdvCategory.passportAuthority],
        state: '05',
        signatureCertificates: [certificate('passportAuthoritySignature')],
        services: [
          {
            uri: AUTHORITY_SERVICE,
            intermediaryUrl,
            addressee: DEMO_PARTIES.authority.kennung,
            encryptionCertificates: [certificate('passportAuthorityEncryption')],
            signatureCertificates: [certificate('passportAuthoritySignature')],
            intermediaryCertificate,
          },
        ],
      },
      {
        kennung: DEMO_PARTIES.producer.kennung,
        name: DEMO_PARTIES.producer.name,
        categories: [DvdvCategory.documentProducer],
        signatureCertificates: [certificate('documentProducerSignature')],
        services: [
          {
            uri: PRODUCER_SERVICE,
            intermediaryUrl,
            addressee: DEMO_PARTIES.producer.kennung,
            encryptionCertificates: [certificate('documentProducerEncryption')],
            signatureCertificates: [certificate('documentProducerSignature')],
            intermediaryCertificate,
          },
        ],
      },
    ],
  });
}
