// The README's main command (`npm run demo`, via scripts/bootstrap.mjs and `pnpm demo:run`): runs the PassDEÜV
// flow end to end with the built `egovkit` CLI (packages/cli), on embedded defaults. Extra arguments go to
// `egovkit demo`, e.g. `pnpm demo:run -- --json`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot } from './lib/workspace.mjs';

const cli = join(repositoryRoot, 'packages', 'cli', 'dist', 'cli.js');
const result = spawnSync(process.execPath, [cli, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
