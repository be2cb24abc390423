import { isAbsolute, resolve } from 'node:path';
import type { KbaClientOptions } from './client.js';
import { KbaWsError } from './errors.js';
import { buildSecurityStatement, probeServer, type SecurityStatement } from './security-statement.js';
import { checkClientCertificate, loadClientIdentity } from './tls/client-identity.js';
import { PinSet } from './tls/pinning.js';
import { getTlsPreset } from './tls/presets.js';
import { resolveTrustAnchors } from './tls/trust.js';

/** The parts of the client options a security statement is made from. */
export type SecurityStatementOptions = Pick<
  KbaClientOptions,
  | 'endpoint'
  | 'tlsPreset'
  | 'trustAnchors'
  | 'crl'
  | 'clientCertificate'
  | 'pins'
  | 'servername'
  | 'legacyChainSignatures'
  | 'tlsSessionResumption'
  | 'now'
> & {
  /** Also perform one handshake and record what was negotiated. */
  readonly probe?: boolean;
  readonly probeTimeoutMs?: number;
};

/**
 * Makes the security statement from a configuration without creating a client: runs the same start-up
 * checks (trust anchors, client certificate, pins) and, with `probe`, one live handshake.
 */
export async function createSecurityStatement(options: SecurityStatementOptions): Promise<SecurityStatement> {
  let endpoint: URL;
  try {
    endpoint = new URL(options.endpoint);
  } catch (cause) {
    throw new KbaWsError('CONFIG_INVALID', 'endpoint must be an absolute https: URL.', { cause });
  }
  if (endpoint.protocol !== 'https:') {
    throw new KbaWsError('CONFIG_INVALID', 'endpoint must use https:.', { details: { option: 'endpoint' } });
  }
  const preset = getTlsPreset(options.tlsPreset ?? 'bsi');
  const trust = resolveTrustAnchors(options.trustAnchors);
  const identity = loadClientIdentity(options.clientCertificate);
  const now = (options.now ?? (() => new Date()))();
  checkClientCertificate(identity.certificate, preset, now, 0);
  const pins = options.pins === undefined ? undefined : PinSet.from(options.pins);
  const statement = buildSecurityStatement({
    preset,
    endpoint: endpoint.origin,
    servername: options.servername,
    trust,
    clientCertificate: identity.certificate,
    pins: pins?.pins,
    legacyChainSignatures: options.legacyChainSignatures ?? 'report',
    sessionResumption: options.tlsSessionResumption === true,
    revocationLists: options.crl !== undefined,
    now,
  });
  if (options.probe !== true) return statement;
  return probeServer(statement, {
    preset,
    trust,
    identity,
    ...(options.probeTimeoutMs === undefined ? {} : { timeoutMs: options.probeTimeoutMs }),
    ...(options.crl === undefined ? {} : { crl: options.crl }),
  });
}

/** Option keys of a JSON configuration that name files. */
const PATH_KEYS = new Set([
  'caFile',
  'pkcs12File',
  'passwordFile',
  'certificateFile',
  'privateKeyFile',
  'systemFile',
]);

/**
 * Makes the file paths in a JSON configuration (`caFile`, `pkcs12File`, `passwordFile`, `certificateFile`,
 * `privateKeyFile`, `systemFile`, at any depth) absolute against `baseDirectory`, normally the directory of the
 * configuration file: paths in a configuration are relative to the file, not to the working directory.
 */
export function resolveConfigPaths(value: unknown, baseDirectory: string): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveConfigPaths(item, baseDirectory));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (!PATH_KEYS.has(key)) return [key, resolveConfigPaths(item, baseDirectory)];
      const absolute = (path: unknown) =>
        typeof path === 'string' && !isAbsolute(path) ? resolve(baseDirectory, path) : path;
      return [key, Array.isArray(item) ? item.map(absolute) : absolute(item)];
    }),
  );
}
