import { webcrypto, X509Certificate } from 'node:crypto';

/** Key types the test PKI can issue certificates for. */
export type TestKeySpec =
  | { readonly type: 'rsa'; readonly bits: 1024 | 2048 | 3072 | 4096 }
  | { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' | 'P-521' };

export interface TestKeyPair {
  readonly spec: TestKeySpec;
  readonly keys: webcrypto.CryptoKeyPair;
}

const RSA_PUBLIC_EXPONENT = new Uint8Array([1, 0, 1]);

/** The WebCrypto algorithm a CA with this key signs certificates and CRLs with. */
export function signingAlgorithmFor(
  spec: TestKeySpec,
): webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams {
  return spec.type === 'rsa'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    : { name: 'ECDSA', hash: spec.curve === 'P-256' ? 'SHA-256' : 'SHA-384' };
}

/** Generates an extractable key pair (the private key is exported as PKCS#8 for PEM and PKCS#12 output). */
export async function generateTestKeyPair(spec: TestKeySpec): Promise<TestKeyPair> {
  const algorithm =
    spec.type === 'rsa'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          hash: 'SHA-256',
          modulusLength: spec.bits,
          publicExponent: RSA_PUBLIC_EXPONENT,
        }
      : { name: 'ECDSA', namedCurve: spec.curve };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  return { spec, keys };
}

/** Imports a PKCS#8 private key and the public key of its certificate back into WebCrypto. */
export async function importTestKeyPair(
  spec: TestKeySpec,
  privateKeyPkcs8Der: Uint8Array,
  certificateDer: Uint8Array,
): Promise<TestKeyPair> {
  const algorithm =
    spec.type === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: spec.curve };
  const spki = new X509Certificate(certificateDer).publicKey.export({ type: 'spki', format: 'der' });
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', privateKeyPkcs8Der, algorithm, true, ['sign']),
    webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
  ]);
  return { spec, keys: { privateKey, publicKey } };
}

export function describeKeySpec(spec: TestKeySpec): string {
  return spec.type === 'rsa' ? `RSA-${spec.bits}` : `EC ${spec.curve}`;
}
