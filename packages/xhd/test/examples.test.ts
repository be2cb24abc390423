import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README examples', () => {
  it.each(['examples/reisepass.ts', 'examples/osci-uebergabe.ts'])(
    '%s appears in the README word for word',
    (file) => {
      const source = readFileSync(join(packageRoot, file), 'utf8');
      expect(readme).toContain(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``);
    },
  );

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

  it('hands an order over in an OSCI container and answers a broken one with a Fehlerinformation', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/osci-uebergabe.ts'], {
      cwd: packageRoot,
      timeout: 60_000,
    });
    expect(stdout.split('\n')).toEqual([
      'XHD_DATA: Autor ist die Passbehörde: true',
      'gültig: true, unverändert: true',
      'Antwort in XHD_DATA: SCHEMA_VIOLATION /xhd:BestellungDokument/xhd:Nachrichtenkopf',
      '',
    ]);
  });
});
