import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README examples', () => {
  it('examples/reisepass.ts appears in the README word for word', () => {
    const source = readFileSync(join(packageRoot, 'examples/reisepass.ts'), 'utf8');
    expect(readme).toContain(`<!-- example: examples/reisepass.ts -->\n\`\`\`ts\n${source}\`\`\``);
  });

  it('builds a valid passport order and reports the low quality value', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/reisepass.ts'], {
      cwd: packageRoot,
      timeout: 60_000,
    });
    expect(stdout.split('\n')).toEqual([
      'gültig: true (Profil RP)',
      'FINGERPRINT_QUALITY_TOO_LOW /xhd:BestellungDokument/xhd:Nutzdaten/xhd:Antraege/xhd:Antrag[1]/xhd:BiometrischeMerkmale/xhd:Biometrie/xhd:Fingerabdruck[1]/xhd:Qualitaetswert',
      '  NFIQ-2-Wert 12 für Finger 2 liegt unter dem Schwellwert 30.',
      'Lichtbild: JPEG, 20000 Bytes',
      '',
    ]);
  });
});
