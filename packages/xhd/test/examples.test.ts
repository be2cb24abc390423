import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README examples', () => {
  it.each([
    'examples/reisepass.ts',
    'examples/osci-uebergabe.ts',
    'examples/antworten.ts',
    'examples/sicherheit.ts',
  ])('%s appears in the README word for word', (file) => {
    const source = readFileSync(join(packageRoot, file), 'utf8');
    expect(readme).toContain(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``);
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

  it('answers an order with an Auftragsinformation and a delivery with a Quittierung', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/antworten.ts'], {
      cwd: packageRoot,
      timeout: 60_000,
    });
    expect(stdout.split('\n')).toEqual([
      'dbs:490030010000 → psb:04011300_00, Bestellnummer B-FIX-RP-2',
      'A1: bestätigt',
      'A2: abgelehnt, Fehler 2001',
      'gültig: true, passt zur Bestellung: true',
      'Quittierung an dbs:490030010000: gültig true',
      '',
    ]);
  });

  it('signs and encrypts an order, and opens it only with the right key', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/sicherheit.ts'], {
      cwd: packageRoot,
      timeout: 60_000,
    });
    expect(stdout.split('\n')).toEqual([
      'Kopf lesbar: true',
      'Nutzdaten verschlüsselt: true',
      'Autor ist die Passbehörde: true',
      'gültig: true (BestellungDokument)',
      'abgewiesen: XHD_RECIPIENT_MISMATCH',
      '',
    ]);
  });
});
