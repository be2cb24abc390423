import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

/** Runs an example as a user would (tsx resolves the package name to the sources through tsconfig paths). */
async function runExample(file: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
    cwd: packageRoot,
    timeout: 60_000,
  });
  return stdout;
}

describe('README examples', () => {
  it.each(['examples/passwortwechsel.ts', 'examples/login-lockout.ts'])(
    '%s appears in the README word for word',
    (file) => {
      const source = readFileSync(join(packageRoot, file), 'utf8');
      expect(readme).toContain(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``);
    },
  );

  it('the German password change example rejects the weak passwords and accepts the strong one', async () => {
    const output = await runExample('examples/passwortwechsel.ts');
    expect(output).toContain(
      'Versuch 1: PASSWORD_COMMON – Das Passwort steht in einer Liste gängiger Passwörter',
    );
    expect(output).toContain(
      'Versuch 2: PASSWORD_CONTAINS_CONTEXT – Das Passwort darf nicht den Namen enthalten.',
    );
    expect(output).toContain(
      'Versuch 3: PASSWORD_TOO_SHORT – Das Passwort muss mindestens 10 Zeichen lang sein (es hat 4).',
    );
    expect(output).toContain('Versuch 4: angenommen');
    expect(output).toContain(
      'Wiederverwendung: Das Passwort darf keinem der letzten 5 Passwörter entsprechen.',
    );
  });

  it('the English login example delays after the 3rd failure, notifies, and detects the parallel session', async () => {
    const output = await runExample('examples/login-lockout.ts');
    expect(output.split('\n')).toEqual([
      'attempt 1: wrong user ID or password',
      'attempt 2: wrong user ID or password',
      'notice to administrators: jdoe failed 3 times',
      'attempt 3: wrong user ID or password',
      'attempt 4: denied (DELAYED) until 2026-11-25T08:03:00.000Z',
      'after 3 minutes: logged in',
      'compromise suspected: PARALLEL_SESSIONS PC-017 + PC-203',
      'second workstation: logged in, password change required (COMPROMISE_SUSPECTED)',
      '',
    ]);
  });
});
