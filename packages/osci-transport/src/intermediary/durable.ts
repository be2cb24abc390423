import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OsciError } from '../errors.js';

function ioError(operation: string, path: string, cause: unknown): OsciError {
  return new OsciError('MAILBOX_IO', `mailbox ${operation} failed`, { details: { path, operation }, cause });
}

/** fsync of a directory, so that a rename or a new entry in it survives a crash. */
export async function fsyncDirectory(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (cause) {
    throw ioError('fsync directory', path, cause);
  } finally {
    await handle?.close();
  }
}

/** Creates a directory (and parents) and makes its entry durable in the parent. */
export async function ensureDirectory(path: string): Promise<void> {
  try {
    const created = await mkdir(path, { recursive: true });
    if (created !== undefined) await fsyncDirectory(dirname(path));
  } catch (cause) {
    if (cause instanceof OsciError) throw cause;
    throw ioError('mkdir', path, cause);
  }
}

/** Suffix of temporary files; they are never read and are removed on start. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Writes a file so that after a crash it is either complete or absent: the data goes into a temporary
 * file in the same directory, which is fsynced, renamed to its final name, and the directory is fsynced.
 * Only when this resolves is the file acknowledged.
 */
export async function writeFileDurable(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw ioError('write', path, cause);
  }
  await fsyncDirectory(directory);
}

/** Removes leftover temporary files of interrupted writes in a directory. */
export async function removeTemporaryFiles(directory: string): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(directory)) {
    if (entry.endsWith(TEMP_SUFFIX)) {
      await rm(join(directory, entry), { force: true });
      removed++;
    }
  }
  if (removed > 0) await fsyncDirectory(directory);
  return removed;
}
