import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { KbaWsError } from '../errors.js';

function readLockPid(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(logPath: string, lockPath: string, owner: number | undefined): KbaWsError {
  const who =
    owner === process.pid
      ? 'this process already has it open'
      : owner === undefined
        ? `the lock file ${lockPath} exists without a readable pid`
        : `process ${owner} has it open`;
  return new KbaWsError('AUDIT_LOG_LOCKED', `The audit log ${logPath} has another writer: ${who}.`, {
    details: { path: logPath, lockPath, ...(owner === undefined ? {} : { pid: owner }) },
  });
}

/**
 * Creates the lock file with O_EXCL and this process's pid. A lock left behind by a dead process is moved
 * aside and taken over; moving it (instead of deleting it) lets us notice when another process re-created
 * the lock between our check and our move, so that two starters never both win.
 */
export function acquireAuditLock(lockPath: string, logPath: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KbaWsError('AUDIT_FAILED', `Could not create the lock file ${lockPath}.`, {
          cause: error,
          details: { path: logPath, lockPath },
        });
      }
    }
    const owner = readLockPid(lockPath);
    // Unreadable content may be a lock being written right now: only a known dead pid is stale.
    if (owner === undefined || owner === process.pid || isProcessAlive(owner)) {
      throw lockedError(logPath, lockPath, owner);
    }
    const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(lockPath, aside);
    } catch {
      continue; // someone else moved it first; retry from the top
    }
    const moved = readLockPid(aside);
    if (moved !== owner) {
      // We moved a fresh lock of another starter: put it back unless yet another one exists.
      try {
        linkSync(aside, lockPath);
      } catch {
        // a newer lock is in place; ours was moved aside only
      }
      unlinkSync(aside);
      throw lockedError(logPath, lockPath, moved);
    }
    unlinkSync(aside);
  }
  throw lockedError(logPath, lockPath, readLockPid(lockPath));
}

/** Removes the lock file if it still names this process. */
export function releaseAuditLock(lockPath: string): void {
  if (readLockPid(lockPath) !== process.pid) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // already gone
  }
}
