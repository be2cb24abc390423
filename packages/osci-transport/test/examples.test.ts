import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

/** The README's runnable examples: ```ts blocks right after `<!-- example: name -->`. */
function examples(): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- example: ([a-z-]+) -->\n```ts\n([\s\S]*?)```/g)) {
    found.set(match[1] as string, match[2] as string);
  }
  return found;
}

describe('README examples', () => {
  let directory: string;

  beforeAll(() => {
    // Inside the package, so that its dependencies resolve; the package name points at the sources.
    directory = mkdtempSync(join(packageRoot, '.examples-'));
    writeFileSync(
      join(directory, 'tsconfig.json'),
      JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: { paths: { '@egovkit/osci-transport': ['../src/index.ts'] } },
        include: ['*.ts'],
      }),
    );
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  async function runExample(name: string): Promise<string> {
    const source = examples().get(name);
    expect(source, `README example ${name}`).toBeDefined();
    const file = join(directory, `${name}.ts`);
    writeFileSync(file, source as string);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: packageRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(directory, 'tsconfig.json') },
      timeout: 90_000,
    });
    return stdout;
  }

  it('marks both examples as runnable', () => {
    expect([...examples().keys()]).toEqual(['passive-delivery', 'active-recipient']);
  });

  it('passive delivery: store, fetch, open, process card', { timeout: 120_000 }, async () => {
    const output = await runExample('passive-delivery');
    expect(output).toContain('stored with MessageId');
    expect(output).toContain('fetched "Passantrag" signed by CN=Passbehörde Musterstadt (Test)');
    expect(output).toContain('attachment: 8 bytes');
    expect(output).toContain('process card: creation yes, reception yes');
    expect(output).toMatch(/inspections: [1-9]/);
  });

  it('active recipient: mediateDelivery with a reply', { timeout: 120_000 }, async () => {
    const output = await runExample('active-recipient');
    expect(output).toContain('recipient got "Produktionsauftrag" from CN=Passbehörde Musterstadt (Test)');
    expect(output).toContain('reply "Produktionsstatus"');
    expect(output).toContain('in Produktion');
    expect(output).toContain('reception at the recipient recorded: yes');
  });
});
