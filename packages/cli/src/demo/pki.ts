import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateTestPki, loadTestPki, type TestPki } from '@egovkit/testkit/pki';

/**
 * The demo's throwaway PKI (root CA, issuing CA, a signature and an encryption certificate for every party,
 * the intermediary and the LDAP server), generated per run into `directory`, or loaded from there when a
 * previous `egovkit demo --prepare` wrote it. No key of it is ever valid outside the demo.
 */
export async function demoPki(directory: string): Promise<{ pki: TestPki; generated: boolean }> {
  if (existsSync(join(directory, 'manifest.json')))
    return { pki: await loadTestPki(directory), generated: false };
  return { pki: await generateTestPki(directory), generated: true };
}
