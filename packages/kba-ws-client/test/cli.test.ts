import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getTestPki } from '@egovkit/testkit';
import { describe, expect, it } from 'vitest';
import { createJsonLinesAuditSink } from '../src/index.js';
import { startSoapServer } from './helpers/soap-server.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('egovkit-kba CLI', () => {
  it('security-statement prints the effective configuration and, with --probe, what a handshake negotiated', async () => {
    const pki = await getTestPki();
    const server = await startSoapServer();
    const directory = mkdtempSync(join(tmpdir(), 'kba-cli-'));
    writeFileSync(join(directory, 'ca.pem'), pki.trustAnchorPem);
    writeFileSync(join(directory, 'client.p12'), pki.certificates.kbaClient.pkcs12);
    writeFileSync(join(directory, 'client.pass'), pki.certificates.kbaClient.pkcs12Password);
    writeFileSync(
      join(directory, 'kba.json'),
      JSON.stringify({
        endpoint: server.url,
        tlsPreset: 'bsi',
        trustAnchors: { caFile: 'ca.pem' },
        clientCertificate: { pkcs12File: 'client.p12', passwordFile: 'client.pass' },
      }),
    );
    try {
      const markdown = await cli('security-statement', '--config', join(directory, 'kba.json'));
      expect(markdown.code).toBe(0);
      expect(markdown.stdout).toContain('| TLS-Versionen | `TLSv1.3`, `TLSv1.2` |');
      expect(markdown.stdout).toContain('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
      expect(markdown.stdout).toContain('BSI TR-02102-2');
      const probed = await cli(
        'security-statement',
        '--config',
        join(directory, 'kba.json'),
        '--probe',
        '--format',
        'json',
      );
      expect(probed.code).toBe(0);
      const statement = JSON.parse(probed.stdout);
      expect(statement.negotiated.protocol).toBe('TLSv1.3');
      expect(statement.cipherSuites.tls13).toContain(statement.negotiated.cipherSuite);
      expect(statement.negotiated.serverChain[0].key).toBe('RSA 3072 bits');
      expect(statement.clientCertificate.subject).toContain('Zulassungsstelle Musterkreis');
    } finally {
      await server.close();
    }
  });

  it('security-statement fails with exit code 1 when the client certificate is refused, 2 on usage errors', async () => {
    const pki = await getTestPki();
    const directory = mkdtempSync(join(tmpdir(), 'kba-cli-'));
    writeFileSync(join(directory, 'ca.pem'), pki.trustAnchorPem);
    writeFileSync(join(directory, 'client.p12'), pki.certificates.kbaClient.pkcs12);
    writeFileSync(
      join(directory, 'kba.json'),
      JSON.stringify({
        endpoint: 'https://127.0.0.1:9',
        trustAnchors: { caFile: 'ca.pem' },
        clientCertificate: { pkcs12File: 'client.p12', password: 'wrong' },
      }),
    );
    const refused = await cli(
      'security-statement',
      '--config',
      join(directory, 'kba.json'),
      '--format',
      'json',
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('CLIENT_CERTIFICATE_UNREADABLE');
    expect((await cli('security-statement')).code).toBe(2);
    expect((await cli('nonsense')).code).toBe(2);
    expect((await cli('audit-verify', '--bogus', 'x')).code).toBe(2);
  });

  it('audit-verify accepts an intact log and reports an edited one with exit code 1', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kba-cli-audit-')), 'audit.jsonl');
    const sink = createJsonLinesAuditSink({ path });
    for (let index = 0; index < 5; index += 1) {
      await sink.write({
        'event.name': 'kba.call.before',
        'event.time': new Date().toISOString(),
        'user.id': `u${index}`,
      });
    }
    await sink.close();
    const intact = await cli('audit-verify', path, '--json');
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ valid: true, records: 5 });
    writeFileSync(path, readFileSync(path, 'utf8').replace('"u2"', '"u9"'));
    const edited = await cli('audit-verify', path);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('HASH_MISMATCH');
    const missing = await cli('audit-verify', join(tmpdir(), 'no-such-log.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('AUDIT_LOG_UNREADABLE');
  });
});
