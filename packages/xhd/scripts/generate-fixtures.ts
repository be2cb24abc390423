// Writes the fixture corpus (scripts/fixtures.ts) to fixtures/: valid orders per document type in
// fixtures/valid/, one defect per file in fixtures/invalid/, and fixtures/manifest.json with the expected
// verdict and issue codes of every file. Deterministic; run after changing the builder or the rules and commit
// the output:
//
//   pnpm fixtures        (tsx scripts/generate-fixtures.ts)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureManifest, invalidFixtures, validFixtures } from './fixtures.js';

const root = join(import.meta.dirname, '..', 'fixtures');
rmSync(root, { recursive: true, force: true });
for (const [directory, fixtures] of [
  ['valid', validFixtures()],
  ['invalid', invalidFixtures()],
] as const) {
  mkdirSync(join(root, directory), { recursive: true });
  for (const fixture of fixtures) writeFileSync(join(root, directory, fixture.file), fixture.xml);
}
writeFileSync(join(root, 'manifest.json'), `${JSON.stringify(fixtureManifest(), null, 2)}\n`);
console.log(
  `fixtures/: ${validFixtures().length} valid, ${invalidFixtures().length} invalid messages written.`,
);
