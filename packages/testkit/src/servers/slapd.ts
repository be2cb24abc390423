import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestkitError } from '../errors.js';
import { getTestPki } from '../pki/test-pki.js';
import {
  findExecutable,
  getFreePort,
  isPortAccepting,
  LOOPBACK,
  retryOnPortConflict,
  type ServerProcess,
  startServerProcess,
} from './process.js';

const execFileAsync = promisify(execFile);

/** The Debian schema files every test directory gets. */
const BASE_SCHEMAS = ['core', 'cosine', 'inetorgperson'].map((name) => `/etc/ldap/schema/${name}.schema`);
const MODULE_PATH = '/usr/lib/ldap';

export interface SlapdTlsMaterial {
  /** Server certificate followed by its intermediates. */
  readonly chainPem: string;
  readonly privateKeyPem: string;
  /** CAs for client certificates; not used unless clients present one. */
  readonly caPem: string;
}

export interface SlapdOptions {
  /** Naming context of the single mdb database. Default `dc=egovkit,dc=test`. */
  readonly suffix?: string;
  /** Default `cn=admin,<suffix>`. */
  readonly rootDn?: string;
  /** Default: random per server. */
  readonly rootPassword?: string;
  /** Additional schema definitions in slapd.conf syntax (attributetype / objectclass), one text per file. */
  readonly schemas?: readonly string[];
  /** Entries loaded with slapadd before the server starts. The suffix entry is added when missing. */
  readonly ldif?: string;
  /** LDAPS and StartTLS: `true` (default) uses the test PKI's `ldapServer` certificate; `false` disables TLS. */
  readonly tls?: boolean | SlapdTlsMaterial;
  /** Allow anonymous reads (default true); otherwise only bound users may read. */
  readonly anonymousRead?: boolean;
  /** Maximum entries per search (slapd default 500); paged searches get past it. */
  readonly sizeLimit?: number | 'unlimited';
  readonly startTimeoutMs?: number;
}

export interface SlapdServer {
  /** `ldap://127.0.0.1:<port>` (StartTLS available when TLS is on). */
  readonly url: string;
  /** `ldaps://127.0.0.1:<port>`, or undefined without TLS. */
  readonly ldapsUrl: string | undefined;
  readonly port: number;
  readonly ldapsPort: number | undefined;
  readonly suffix: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  readonly process: ServerProcess;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function suffixEntry(suffix: string): string {
  const firstRdn = suffix.split(',')[0] ?? '';
  const [attribute, value] = firstRdn.split('=').map((part) => part.trim());
  if (attribute?.toLowerCase() === 'dc' && value) {
    return `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${value}\no: ${value}\n\n`;
  }
  if (attribute?.toLowerCase() === 'o' && value)
    return `dn: ${suffix}\nobjectClass: organization\no: ${value}\n\n`;
  throw new TypeError(`cannot create a suffix entry for ${suffix}; put it into the LDIF`);
}

function hasEntry(ldif: string, dn: string): boolean {
  const normalise = (value: string) => value.replace(/\s+/g, '').toLowerCase();
  return ldif
    .split(/\r?\n/)
    .some((line) => /^dn:\s/i.test(line) && normalise(line.slice(3)) === normalise(dn));
}

async function tlsMaterial(tls: SlapdOptions['tls']): Promise<SlapdTlsMaterial | undefined> {
  if (tls === false) return undefined;
  if (tls !== undefined && tls !== true) return tls;
  const pki = await getTestPki();
  return {
    chainPem: pki.certificates.ldapServer.chainPem,
    privateKeyPem: pki.certificates.ldapServer.privateKeyPem,
    caPem: pki.trustAnchorPem,
  };
}

function slapdConfig(options: {
  directory: string;
  schemaFiles: readonly string[];
  tls: boolean;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  anonymousRead: boolean;
  sizeLimit: number | 'unlimited';
}): string {
  const d = options.directory;
  const quote = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;
  return [
    ...[...BASE_SCHEMAS, ...options.schemaFiles].map((file) => `include ${quote(file)}`),
    `pidfile ${quote(join(d, 'slapd.pid'))}`,
    `argsfile ${quote(join(d, 'slapd.args'))}`,
    `modulepath ${MODULE_PATH}`,
    'moduleload back_mdb',
    `sizelimit ${options.sizeLimit}`,
    ...(options.tls
      ? [
          `TLSCertificateFile ${quote(join(d, 'tls-chain.pem'))}`,
          `TLSCertificateKeyFile ${quote(join(d, 'tls-key.pem'))}`,
          `TLSCACertificateFile ${quote(join(d, 'tls-ca.pem'))}`,
          // TLS 1.2 or newer, as every egovkit client demands.
          'TLSProtocolMin 3.3',
          'TLSVerifyClient never',
        ]
      : []),
    'database mdb',
    'maxsize 104857600',
    `suffix ${quote(options.suffix)}`,
    `rootdn ${quote(options.rootDn)}`,
    `rootpw ${quote(options.rootPassword)}`,
    `directory ${quote(join(d, 'data'))}`,
    'index objectClass eq',
    options.anonymousRead ? 'access to * by * read' : 'access to * by users read by anonymous auth',
    '',
  ].join('\n');
}

/**
 * Starts OpenLDAP slapd on 127.0.0.1 from a fresh temporary directory with its own slapd.conf, schema and
 * mdb database (no systemd, no /etc/ldap/slapd.d). Serves LDAP (with StartTLS) and LDAPS unless `tls: false`.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdServer> {
  const suffix = options.suffix ?? 'dc=egovkit,dc=test';
  const rootDn = options.rootDn ?? `cn=admin,${suffix}`;
  const rootPassword = options.rootPassword ?? randomBytes(12).toString('base64url');
  const tls = await tlsMaterial(options.tls);
  const slapadd = findExecutable('slapadd');
  if (slapadd === undefined) {
    throw new TestkitError('TESTKIT_BINARY_MISSING', 'slapadd is not installed; apt-get install -y slapd', {
      details: { command: 'slapadd', debianPackage: 'slapd' },
    });
  }

  return retryOnPortConflict(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'egovkit-slapd-'));
    mkdirSync(join(directory, 'data'));
    const schemaFiles = (options.schemas ?? []).map((schema, index) => {
      const file = join(directory, `schema-${index}.schema`);
      writeFileSync(file, schema);
      return file;
    });
    if (tls !== undefined) {
      writeFileSync(join(directory, 'tls-chain.pem'), tls.chainPem);
      writeFileSync(join(directory, 'tls-key.pem'), tls.privateKeyPem, { mode: 0o600 });
      writeFileSync(join(directory, 'tls-ca.pem'), tls.caPem);
    }
    const configFile = join(directory, 'slapd.conf');
    writeFileSync(
      configFile,
      slapdConfig({
        directory,
        schemaFiles,
        tls: tls !== undefined,
        suffix,
        rootDn,
        rootPassword,
        anonymousRead: options.anonymousRead ?? true,
        sizeLimit: options.sizeLimit ?? 500,
      }),
      { mode: 0o600 },
    );
    const ldif = options.ldif ?? '';
    writeFileSync(
      join(directory, 'initial.ldif'),
      (hasEntry(ldif, suffix) ? '' : suffixEntry(suffix)) + ldif,
    );
    try {
      await execFileAsync(slapadd, ['-q', '-f', configFile, '-l', join(directory, 'initial.ldif')]);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true });
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new TestkitError(
        'TESTKIT_SERVER_EXITED',
        `slapadd rejected the configuration or the LDIF:\n${stderr}`,
        {
          cause: error,
          details: { output: stderr },
        },
      );
    }

    const port = await getFreePort();
    const ldapsPort = tls === undefined ? undefined : await getFreePort();
    const listeners = [
      `ldap://${LOOPBACK}:${port}/`,
      ...(ldapsPort === undefined ? [] : [`ldaps://${LOOPBACK}:${ldapsPort}/`]),
    ];
    const serverProcess = await startServerProcess({
      name: 'slapd',
      command: 'slapd',
      // -d 0 keeps slapd in the foreground (no fork), so the watchdog owns it.
      args: ['-f', configFile, '-h', listeners.join(' '), '-d', '0'],
      directory,
      debianPackage: 'slapd',
      ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
      isReady: async () =>
        (await isPortAccepting(port)) && (ldapsPort === undefined || (await isPortAccepting(ldapsPort))),
    });
    const stop = () => serverProcess.stop();
    return {
      url: `ldap://${LOOPBACK}:${port}`,
      ldapsUrl: ldapsPort === undefined ? undefined : `ldaps://${LOOPBACK}:${ldapsPort}`,
      port,
      ldapsPort,
      suffix,
      rootDn,
      rootPassword,
      process: serverProcess,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  });
}
