import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID_PKCS8_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

export interface Pkcs12Input {
  readonly privateKeyPkcs8Der: Uint8Array;
  /** End-entity certificate first, then the intermediates. */
  readonly certificatesDer: readonly Uint8Array[];
  readonly password: string;
  readonly friendlyName: string;
  /** PBKDF2 and MAC iterations; 2048 is OpenSSL's default and keeps generation fast. */
  readonly iterations?: number;
}

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];
const cryptoEngine = new pkijs.CryptoEngine({
  name: 'node-webcrypto',
  crypto: webcrypto as unknown as EngineCrypto,
});

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Builds a password-protected PKCS#12 file as current OpenSSL writes it: PBES2 (PBKDF2-HMAC-SHA256,
 * AES-256-CBC) for the key and the certificates, and an HMAC-SHA256 integrity MAC.
 */
export async function createPkcs12(input: Pkcs12Input): Promise<Buffer> {
  const [leafDer] = input.certificatesDer;
  if (leafDer === undefined) throw new TypeError('createPkcs12 needs at least the end-entity certificate');
  const iterations = input.iterations ?? 2048;
  const password = toArrayBuffer(new TextEncoder().encode(input.password));
  const bagAttributes = [
    new pkijs.Attribute({
      type: OID_FRIENDLY_NAME,
      values: [new asn1js.BmpString({ value: input.friendlyName })],
    }),
    new pkijs.Attribute({
      type: OID_LOCAL_KEY_ID,
      values: [new asn1js.OctetString({ valueHex: createHash('sha1').update(leafDer).digest() })],
    }),
  ];
  const encryption = {
    password,
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 },
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: iterations,
  };

  const keyBag = new pkijs.PKCS8ShroudedKeyBag({
    parsedValue: pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(input.privateKeyPkcs8Der)),
  });
  await keyBag.makeInternalValues(encryption, cryptoEngine);

  const certificateBags = input.certificatesDer.map(
    (der, index) =>
      new pkijs.SafeBag({
        bagId: OID_CERT_BAG,
        bagValue: new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(toArrayBuffer(der)) }),
        ...(index === 0 ? { bagAttributes } : {}),
      }),
  );

  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: {
      safeContents: [
        {
          privacyMode: 0,
          value: new pkijs.SafeContents({
            safeBags: [
              new pkijs.SafeBag({ bagId: OID_PKCS8_SHROUDED_KEY_BAG, bagValue: keyBag, bagAttributes }),
            ],
          }),
        },
        { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: certificateBags }) },
      ],
    },
  });
  await authenticatedSafe.makeInternalValues({ safeContents: [{}, encryption] }, cryptoEngine);

  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues(
    { password, iterations, pbkdf2HashAlgorithm: 'SHA-256', hmacHashAlgorithm: 'SHA-256' },
    cryptoEngine,
  );
  return Buffer.from(pfx.toSchema().toBER(false));
}
