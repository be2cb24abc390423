import { readdirSync, readFileSync } from 'node:fs';

/** Command lines of running processes that contain `text` (Linux /proc), excluding this test process. */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (commandLine.includes(text)) found.push(`${entry}: ${commandLine.trim()}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
