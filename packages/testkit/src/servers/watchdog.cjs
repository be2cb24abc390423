'use strict';
// Runs one server process on behalf of a test process and kills it as soon as that test process is gone,
// whatever way it ended (SIGKILL included): the owner holds our stdin, which reaches EOF when it dies.
// When the server has exited, the watchdog removes the server's working directory, then exits itself.
// Usage: node watchdog.cjs <grace-ms> <working-directory> <command> [args...]
// Reports the server's pid as one JSON line on fd 3.
const { spawn } = require('node:child_process');
const { rmSync, writeSync } = require('node:fs');

const [graceArg, directory, command, ...args] = process.argv.slice(2);
const graceMs = Number(graceArg);
const child = spawn(command, args, { cwd: directory, stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;

function stop() {
  if (stopping) return;
  stopping = true;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
}

function report(message) {
  try {
    writeSync(3, `${JSON.stringify(message)}\n`);
  } catch {
    stop(); // the owner is already gone
  }
}

child.once('spawn', () => report({ pid: child.pid }));
child.once('error', (error) => {
  report({ error: error.message, code: error.code });
  process.exit(127);
});
child.once('exit', (code, signal) => {
  rmSync(directory, { recursive: true, force: true });
  process.exit(code ?? (signal ? 128 : 1));
});
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
