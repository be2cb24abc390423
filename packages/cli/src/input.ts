import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from './errors.js';

/** Reads a file named on the command line; a missing or unreadable file is `FILE_UNREADABLE`. */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(resolve(path));
  } catch (cause) {
    const reason = (cause as { code?: unknown }).code;
    throw new CliError(
      'FILE_UNREADABLE',
      `cannot read the ${what} ${path}${typeof reason === 'string' ? ` (${reason})` : ''}`,
      { cause, details: { path } },
    );
  }
}

/** A PEM file that must hold at least one block with the given label. */
export async function readPemFile(path: string, label: string, what: string): Promise<string> {
  const text = (await readInputFile(path, what)).toString('utf8');
  if (!new RegExp(`-----BEGIN ${label}-----`).test(text)) {
    throw new CliError('INPUT_INVALID', `the ${what} ${path} holds no PEM ${label} block`, {
      details: { path },
    });
  }
  return text;
}

/** Reads a stream to its end, as bytes. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A usage error for an option value outside its choices. */
export function choice<T extends string>(value: string, choices: readonly T[], option: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new CliError('USAGE', `${option} must be one of ${choices.join(', ')} (got ${value})`, {
    details: { option, value, choices },
  });
}
