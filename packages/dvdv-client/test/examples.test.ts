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
  const environment = { ...process.env };
  delete environment.DVDV_SERVERS;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
    cwd: packageRoot,
    timeout: 60_000,
    env: environment,
  });
  return stdout;
}

describe('README examples', () => {
  it.each(['examples/passdeuev-verify.ts', 'examples/lookup-endpoint.ts'])(
    '%s appears in the README word for word',
    (file) => {
      const source = readFileSync(join(packageRoot, file), 'utf8');
      expect(readme).toContain(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``);
    },
  );

  it('the PassDEÜV example accepts the passport authority and rejects the others', async () => {
    expect((await runExample('examples/passdeuev-verify.ts')).split('\n')).toEqual([
      'Passbehörde Musterstadt: accepted as psw:053150000001 (Passbehörde Musterstadt)',
      'Meldebehörde Beispielstadt: rejected, CATEGORY_MISMATCH',
      'Passbehörde Altdorf (expired certificate): rejected, CERTIFICATE_NOT_VALID',
      '',
    ]);
  });

  it('the lookup example prints endpoint, certificate, services, search results and a cache hit', async () => {
    const output = await runExample('examples/lookup-endpoint.ts');
    expect(output).toContain('intermediary: https://osci.musterstadt.example/osci/intermediary');
    expect(output).toContain('addressee:    psw:053150000001');
    expect(output).toContain('encrypt for:  Passbehörde Musterstadt (Demo), serial ');
    expect(output).toContain('valid until 2045-12-31, key usage keyEncipherment, dataEncipherment');
    expect(output).toMatch(/SPKI SHA-256 [A-Za-z0-9+/]{43}=/);
    expect(output).toContain('description:  xhd-status via OSCI-Transport');
    expect(output).toContain(
      'services: urn:egovkit-demo:dvdv:xhd-status | urn:egovkit-demo:dvdv:test,dienst=1+2;x',
    );
    expect(output).toContain('passport authorities in Bavaria: Passbehörde Beispielheim');
    expect(output).toContain('"hits":1');
  });
});
