import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * vitest global setup: the CLI tests run the built binary, so build it when dist/ is missing or older than
 * the sources (`pnpm --filter @egovkit/conformance test` builds the dependencies only).
 */
export default function setup(): void {
  const cli = join(root, 'dist', 'cli.js');
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'tsup.config.ts')));
  const complete = existsSync(cli) && existsSync(join(root, 'dist', 'index.d.ts'));
  if (complete && statSync(cli).mtimeMs >= sources) return;
  execFileSync(join(root, '..', '..', 'node_modules', '.bin', 'tsup'), [], { cwd: root, stdio: 'inherit' });
}
