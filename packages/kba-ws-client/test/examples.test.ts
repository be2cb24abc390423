import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getTestPki } from '@egovkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../src/index.js';
import { type SoapTestServer, startSoapServer } from './helpers/soap-server.js';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README examples', () => {
  let server: SoapTestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    const pki = await getTestPki();
    server = await startSoapServer();
    const directory = mkdtempSync(join(tmpdir(), 'kba-examples-'));
    writeFileSync(join(directory, 'ca.pem'), pki.trustAnchorPem);
    writeFileSync(join(directory, 'client.p12'), pki.certificates.kbaClient.pkcs12);
    writeFileSync(join(directory, 'client.pass'), pki.certificates.kbaClient.pkcs12Password);
    env = {
      ...(process.env as Record<string, string>),
      KBA_ENDPOINT: server.url,
      KBA_CA_FILE: join(directory, 'ca.pem'),
      KBA_PKCS12_FILE: join(directory, 'client.p12'),
      KBA_PKCS12_PASSWORD_FILE: join(directory, 'client.pass'),
      KBA_PIN: describeCertificate(pki.certificates.subCa.certificateDer).spkiPin,
      KBA_BACKUP_PIN: `sha256/${Buffer.alloc(32, 7).toString('base64')}`,
      KBA_AUDIT_LOG: join(directory, 'audit.jsonl'),
    };
  });
  afterAll(async () => {
    await server.close();
  });

  async function runExample(file: string): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: packageRoot,
      env,
      timeout: 60_000,
    });
    return stdout;
  }

  it.each(['examples/fahrzeugauskunft.ts', 'examples/sicherheitskonzept.ts'])(
    '%s appears in the README word for word',
    (file) => {
      const source = readFileSync(join(packageRoot, file), 'utf8');
      expect(readme).toContain(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``);
    },
  );

  it('the retrieval example calls the service over TLS 1.3 and leaves an intact audit log', async () => {
    const output = await runExample('examples/fahrzeugauskunft.ts');
    expect(output).toMatch(/^status 200 over TLSv1\.3 with TLS_AES_(256_GCM_SHA384|128_GCM_SHA256)$/m);
    expect(output).toContain(`from 127.0.0.1:${server.requests.at(-1)?.remotePort}`);
    expect(output).toContain('answer: {"antwort":');
    expect(output).toContain('audit log: 3 records, intact');
  });

  it('the security-concept example prints the negotiated parameters', async () => {
    const output = await runExample('examples/sicherheitskonzept.ts');
    expect(output).toContain('## Ausgehandelt (Testverbindung)');
    expect(output).toContain('- TLS-Version: `TLSv1.3`');
    expect(output).toContain('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
  });
});
