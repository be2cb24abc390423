// Lints every publishable package as it would be published: publint and Are the Types Wrong on the packed tarball.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPackage, publicPackages, repositoryRoot, run } from './lib/workspace.mjs';

const bin = (/** @type {string} */ name) => join(repositoryRoot, 'node_modules', '.bin', name);
const destination = mkdtempSync(join(tmpdir(), 'egovkit-check-'));
try {
  for (const pkg of publicPackages()) {
    const tarball = packPackage(pkg, destination);
    console.log(`\n— ${pkg.name}: publint`);
    run(bin('publint'), ['run', tarball, '--strict']);
    console.log(`— ${pkg.name}: attw`);
    run(bin('attw'), [tarball, '--profile', 'strict', '--format', 'table-flipped']);
  }
  console.log('\nAll packages pass publint and attw.');
} finally {
  rmSync(destination, { recursive: true, force: true });
}
