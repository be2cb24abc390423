import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJsonLinesAuditSink } from '@egovkit/kba-ws-client';
import { getTestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, egovkit, temporaryDirectory } from './helpers.js';

beforeAll(assertBuilt);

/** A KBA client configuration with the test PKI's KBA client certificate; paths relative to the file. */
async function configuration(password?: string): Promise<string> {
  const pki = await getTestPki();
  const directory = temporaryDirectory('kba');
  writeFileSync(join(directory, 'ca.pem'), pki.trustAnchorPem);
  writeFileSync(join(directory, 'client.p12'), pki.certificates.kbaClient.pkcs12);
  writeFileSync(join(directory, 'client.pass'), pki.certificates.kbaClient.pkcs12Password);
  const file = join(directory, 'kba.json');
  writeFileSync(
    file,
    JSON.stringify({
      endpoint: 'https://kba.example:8443/ws',
      tlsPreset: 'bsi',
      trustAnchors: { caFile: 'ca.pem' },
      clientCertificate:
        password === undefined
          ? { pkcs12File: 'client.p12', passwordFile: 'client.pass' }
          : { pkcs12File: 'client.p12', password },
    }),
  );
  return file;
}

describe('egovkit kba security-statement', () => {
  it('prints the TLS part of the security concept as Markdown and as JSON', async () => {
    const config = await configuration();
    const markdown = await egovkit(['kba', 'security-statement', '--config', config]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('| TLS-Versionen | `TLSv1.3`, `TLSv1.2` |');
    expect(markdown.stdout).toContain('BSI TR-02102-2');
    const json = await egovkit(['kba', 'security-statement', '--config', config, '--json']);
    expect(json.code).toBe(0);
    const { ok, statement } = json.json<{
      ok: boolean;
      statement: { endpoint: string; protocolVersions: string[]; clientCertificate: { subject: string } };
    }>();
    expect(ok).toBe(true);
    expect(statement.endpoint).toBe('https://kba.example:8443');
    expect(statement.protocolVersions).toEqual(['TLSv1.3', 'TLSv1.2']);
    expect(statement.clientCertificate.subject).toContain('Zulassungsstelle Musterkreis');
  });

  it('refuses a client certificate it cannot open (exit 1) and a configuration that is not JSON', async () => {
    const refused = await egovkit([
      'kba',
      'security-statement',
      '--config',
      await configuration('wrong'),
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'CLIENT_CERTIFICATE_UNREADABLE' } });
    const broken = join(temporaryDirectory('kba'), 'broken.json');
    writeFileSync(broken, '{ endpoint: ');
    const notJson = await egovkit(['kba', 'security-statement', '--config', broken]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^egovkit: INPUT_INVALID: the configuration file .* is not JSON/);
    const missing = await egovkit(['kba', 'security-statement', '--config', 'no-such.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^egovkit: FILE_UNREADABLE: /);
    const usage = await egovkit(['kba', 'security-statement']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("egovkit: USAGE: required option '--config <file>' not specified");
  });
});

describe('egovkit kba audit-verify', () => {
  it('accepts a log written by the JSON-lines sink and reports an edited copy with exit code 1', async () => {
    const path = join(temporaryDirectory('audit'), 'audit.jsonl');
    const sink = createJsonLinesAuditSink({ path });
    for (let index = 0; index < 4; index += 1) {
      await sink.write({
        'event.name': 'kba.call.before',
        'event.time': new Date().toISOString(),
        'user.id': `u${index}`,
      });
    }
    await sink.close();

    const intact = await egovkit(['kba', 'audit-verify', path]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain(`Audit log ${path}: VALID`);
    const intactJson = await egovkit(['kba', 'audit-verify', path, '--json', '--require-head']);
    expect(intactJson.code).toBe(0);
    expect(intactJson.json()).toMatchObject({ ok: true, valid: true, records: 4, issues: [] });

    writeFileSync(path, readFileSync(path, 'utf8').replace('"u2"', '"u9"'));
    const edited = await egovkit(['kba', 'audit-verify', path]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('HASH_MISMATCH');
    const editedJson = await egovkit(['kba', 'audit-verify', path, '--json']);
    expect(editedJson.code).toBe(1);
    expect(editedJson.json()).toMatchObject({
      ok: false,
      valid: false,
      issues: [expect.objectContaining({ code: 'HASH_MISMATCH', line: 3 })],
    });
  });

  it('reports a missing log as AUDIT_LOG_UNREADABLE', async () => {
    const run = await egovkit(['kba', 'audit-verify', join(temporaryDirectory('audit'), 'none.jsonl')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^egovkit: AUDIT_LOG_UNREADABLE: /);
    expect((await egovkit(['kba', 'audit-verify'])).code).toBe(2);
  });
});
