// Entry point of the README's two commands (`npm run demo`, `npm test`) on a machine that has only Node.js and npm:
// fetches the pinned pnpm when it is missing, installs the workspace, checks the system packages the tests
// need, and hands over to the pnpm script.
import { execFileSync, spawnSync } from 'node:child_process';
import { findExecutableOnPath, pinnedPnpmVersion, repositoryRoot } from './lib/workspace.mjs';

const TEST_SYSTEM_PACKAGES = [
  { command: 'slapd', debianPackage: 'slapd' },
  { command: 'slapadd', debianPackage: 'slapd' },
  { command: 'ldapsearch', debianPackage: 'ldap-utils' },
  { command: 'redis-server', debianPackage: 'redis-server' },
  // kba-ws-client's tests need a server that sends real TLS alerts: openssl s_server.
  { command: 'openssl', debianPackage: 'openssl' },
];

/** @type {Record<string, string>} */
const scripts = { demo: 'demo:run', test: 'test:all' };
const job = process.argv[2] ?? '';
const script = scripts[job];
if (script === undefined) {
  console.error(`usage: node scripts/bootstrap.mjs <${Object.keys(scripts).join('|')}>`);
  process.exit(2);
}

function installedPnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const pnpmVersion = pinnedPnpmVersion();
const [pnpmCommand, ...pnpmPrefix] =
  installedPnpmVersion() === pnpmVersion ? ['pnpm'] : ['npx', '--yes', `pnpm@${pnpmVersion}`];

/** @param {string[]} args */
function runPnpm(...args) {
  const result = spawnSync(pnpmCommand ?? 'pnpm', [...pnpmPrefix, ...args], {
    cwd: repositoryRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function ensureTestSystemPackages() {
  const missing = TEST_SYSTEM_PACKAGES.filter(({ command }) => findExecutableOnPath(command) === undefined);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((entry) => entry.debianPackage))];
  const canInstall = process.getuid?.() === 0 && findExecutableOnPath('apt-get') !== undefined;
  if (!canInstall) {
    console.error(
      `The tests start real servers and need these Debian packages: ${packages.join(', ')}.\n` +
        `Install them (e.g. sudo apt-get install -y ${packages.join(' ')}) and run the command again.`,
    );
    process.exit(1);
  }
  console.log(`Installing ${packages.join(', ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
}

runPnpm('install', '--frozen-lockfile');
if (job === 'test') ensureTestSystemPackages();
runPnpm('run', script);
