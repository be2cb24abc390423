/**
 * Writes fixtures/ from the fixtures of @egovkit/osci-transport, @egovkit/xhd and @egovkit/dvdv-client:
 * `pnpm --filter @egovkit/conformance fixtures`. Run it after any of them changes; test/fixtures.test.ts fails
 * while fixtures/ is stale.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { collectFixtures, FIXTURES_DIR } from './collect.js';

const { files, manifest } = collectFixtures();
rmSync(FIXTURES_DIR, { recursive: true, force: true });
for (const file of files) {
  const target = join(FIXTURES_DIR, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.data);
}
const count = (suite: string) => manifest.cases.filter((c) => c.suite === suite).length;
console.log(
  `fixtures/: ${files.length} files, ${manifest.cases.length} cases (osci ${count('osci')}, xhd ${count('xhd')}, dvdv ${count('dvdv')})`,
);
