import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PasswordPolicyError } from '../errors.js';

/** Turns passwords into slow salted hashes and checks a password against one. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time with respect to the stored hash's content. */
  verify(password: string, encoded: string): Promise<boolean>;
}

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. Default 17 (N = 131072, 128 MiB with r = 8): OWASP's recommendation. */
  readonly logCost?: number;
  /** Block size r. Default 8. */
  readonly blockSize?: number;
  /** Parallelisation p. Default 1. */
  readonly parallelization?: number;
}

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds on parameters read back from storage, so that a tampered hash cannot make verification run for hours.
const MAX_LOG_COST = 22;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELIZATION = 16;

interface DecodedScrypt {
  readonly logCost: number;
  readonly blockSize: number;
  readonly parallelization: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function deriveKey(
  password: string,
  salt: Buffer,
  p: Omit<DecodedScrypt, 'salt' | 'key'>,
  length: number,
): Promise<Buffer> {
  const cost = 2 ** p.logCost;
  const maxmem = 128 * cost * p.blockSize * p.parallelization + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      length,
      { N: cost, r: p.blockSize, p: p.parallelization, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

const base64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function decode(encoded: string): DecodedScrypt {
  const match =
    /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/.exec(
      encoded,
    );
  const [, ln, r, p, salt, key] = match ?? [];
  const decoded =
    ln && r && p && salt && key
      ? {
          logCost: Number(ln),
          blockSize: Number(r),
          parallelization: Number(p),
          salt: Buffer.from(salt, 'base64'),
          key: Buffer.from(key, 'base64'),
        }
      : undefined;
  if (
    decoded === undefined ||
    decoded.logCost < 1 ||
    decoded.logCost > MAX_LOG_COST ||
    decoded.blockSize < 1 ||
    decoded.blockSize > MAX_BLOCK_SIZE ||
    decoded.parallelization < 1 ||
    decoded.parallelization > MAX_PARALLELIZATION
  ) {
    throw new PasswordPolicyError(
      'HASH_FORMAT_INVALID',
      'stored password hash is not a supported $scrypt$ PHC string',
    );
  }
  return decoded;
}

/**
 * scrypt from node:crypto (no native add-on, no dependency), encoded as a PHC string
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`. Parameters are read back from each stored hash, so raising the cost
 * later keeps older entries verifiable.
 */
export function createScryptHasher(parameters: ScryptParameters = {}): PasswordHasher {
  const settings = {
    logCost: parameters.logCost ?? 17,
    blockSize: parameters.blockSize ?? 8,
    parallelization: parameters.parallelization ?? 1,
  };
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new PasswordPolicyError(
        'ARGUMENT_INVALID',
        `scrypt ${name} must be an integer from ${min} to ${max}`,
      );
    }
  };
  check('logCost', settings.logCost, 10, MAX_LOG_COST);
  check('blockSize', settings.blockSize, 1, MAX_BLOCK_SIZE);
  check('parallelization', settings.parallelization, 1, MAX_PARALLELIZATION);

  return {
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      const key = await deriveKey(password, salt, settings, KEY_BYTES);
      return `$scrypt$ln=${settings.logCost},r=${settings.blockSize},p=${settings.parallelization}$${base64(salt)}$${base64(key)}`;
    },
    async verify(password, encoded) {
      const stored = decode(encoded);
      const candidate = await deriveKey(password, stored.salt, stored, stored.key.length);
      return candidate.length === stored.key.length && timingSafeEqual(candidate, stored.key);
    },
  };
}
