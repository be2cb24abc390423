// Helpers shared by the repository scripts (never shipped in a package).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The pnpm version pinned in the root package.json's `packageManager` field. */
export function pinnedPnpmVersion() {
  const { packageManager } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8'));
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(packageManager ?? '');
  if (!match) throw new Error(`package.json packageManager must pin pnpm, found ${packageManager}`);
  return match[1];
}

/**
 * @typedef {{ name: string; version: string; directory: string; manifest: Record<string, unknown> }} WorkspacePackage
 */

/**
 * Every package under packages/ that is published (not private), with its directory.
 * @returns {WorkspacePackage[]}
 */
export function publicPackages() {
  const packagesDir = join(repositoryRoot, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const directory = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, directory, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Packs one package with pnpm (which rewrites workspace: ranges) into `destination`; returns the tarball path.
 * @param {WorkspacePackage} pkg
 * @param {string} destination
 */
export function packPackage(pkg, destination) {
  const output = execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: pkg.directory,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = output
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .reverse()
    .find((line) => line.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${output}`);
  return tarball.startsWith('/') ? tarball : join(destination, tarball);
}

/**
 * Runs a command, streaming its output; throws when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').ExecFileSyncOptions} [options]
 */
export function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: 'inherit', ...options });
}

/**
 * The path of an executable in PATH or the sbin directories (where Debian puts slapd), or undefined.
 * @param {string} command
 */
export function findExecutableOnPath(command) {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const directory of directories.filter(Boolean)) {
    try {
      accessSync(join(directory, command), constants.X_OK);
      return join(directory, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
