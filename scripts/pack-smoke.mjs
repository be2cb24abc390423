// Packs every publishable package, installs the tarballs into a fresh project outside the workspace, and loads
// each one with `import` and with `require`: what a vendor's project will do on the first day.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPackage, publicPackages, run } from './lib/workspace.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'egovkit-smoke-'));
const project = join(scratch, 'consumer');
try {
  const packages = publicPackages();
  const tarballs = packages.map((pkg) => packPackage(pkg, scratch));
  run('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'egovkit-smoke-consumer', private: true }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: project });

  // Checks beyond the exports that only a packed tarball can fail, e.g. data files missing from `files`.
  /** @type {Record<string, string>} */
  const packageChecks = {
    '@egovkit/password-policy': `
      if (m.loadDefaultBlocklist().check('P@ssw0rt2024!')?.kind !== 'normalised') throw new Error('blocklist data');`,
    '@egovkit/kba-ws-client': `
      if (m.getTlsPreset('bsi').minimumKeySizes.rsa !== 3000) throw new Error('presets');`,
  };

  // Both module systems must expose the same names, and every exported error class must keep its contract.
  /** @param {'import' | 'require'} kind @param {string} name */
  const probe = (kind, name) => `
    const m = ${kind === 'import' ? `await import(${JSON.stringify(name)})` : `require(${JSON.stringify(name)})`};
    const names = Object.keys(m).filter((key) => key !== 'default' && key !== 'module.exports').sort();
    if (names.length === 0) throw new Error('no exports');
    for (const key of names.filter((key) => key.endsWith('Error') && m[key].prototype instanceof Error)) {
      const error = new m[key]('SMOKE_CODE', 'smoke');
      if (!(error instanceof Error) || error.code !== 'SMOKE_CODE' || error.name !== key) throw new Error(key + ' broke its contract');
    }
    ${packageChecks[name] ?? ''}
    console.log(JSON.stringify(names));`;
  for (const pkg of packages) {
    const esm = execFileSync('node', ['--input-type=module', '-e', probe('import', pkg.name)], {
      cwd: project,
      encoding: 'utf8',
    });
    const cjs = execFileSync(
      'node',
      ['--input-type=commonjs', '-e', `(async () => {${probe('require', pkg.name)}})()`],
      {
        cwd: project,
        encoding: 'utf8',
      },
    );
    if (esm !== cjs)
      throw new Error(`${pkg.name}: ESM exports ${esm.trim()} differ from CJS exports ${cjs.trim()}`);
    console.log(`${pkg.name}@${pkg.version}: import and require both load ${esm.trim()}`);
  }
  // Command-line tools shipped by packages must start from the installed tarball.
  /** @type {[string, string[], string][]} binary, arguments, text its output must contain */
  const binaries = [
    ['egovkit-kba', ['--help'], 'security-statement'],
    ['egovkit-conformance', ['--help'], 'run'],
    ['egovkit', ['--help'], 'demo'],
    // `npx egovkit demo` from the registry: the whole flow, with the bundled PKI generator and every dependency.
    ['egovkit', ['demo'], 'All 13 steps passed'],
  ];
  for (const [binary, args, expected] of binaries) {
    const output = execFileSync('npx', ['--no-install', binary, ...args], { cwd: project, encoding: 'utf8' });
    if (!output.includes(expected))
      throw new Error(`${binary} ${args.join(' ')} did not print "${expected}"`);
    console.log(`${binary} ${args.join(' ')}: the installed binary works.`);
  }
  console.log(`Pack smoke test passed for ${packages.length} packages.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
