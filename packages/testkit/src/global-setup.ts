import { rmSync } from 'node:fs';
import { getTestPki, TEST_PKI_DIR_ENV } from './pki/test-pki.js';

/**
 * vitest global setup: generates the test PKI once per test run, before any worker starts, so that every
 * worker loads the same certificates from disk instead of generating its own.
 */
export default async function setup(): Promise<() => void> {
  const pki = await getTestPki();
  process.env[TEST_PKI_DIR_ENV] = pki.directory;
  return () => rmSync(pki.directory, { recursive: true, force: true });
}
