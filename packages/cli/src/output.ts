import { CliError, EXIT, type ExitCode } from './errors.js';

/** Where a run of the CLI reads and writes: the process streams, or buffers in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Read by `password check`; `process.stdin` by default. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Environment variables (`EGOVKIT_DVDV_PASSWORD`); `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Stops long-running commands (`osci intermediary`); SIGINT/SIGTERM in the binary. */
  readonly signal?: AbortSignal;
}

/** What a command produced: its exit code, its one JSON document, and the same for humans. */
export interface CommandResult {
  readonly exitCode: ExitCode;
  /** Printed with `--json`; `ok` is added (`exitCode === 0`). */
  readonly json: Readonly<Record<string, unknown>>;
  /** Printed without `--json`; ends with a newline. */
  readonly text: string;
}

/** The JSON form of an error: `code`, `message`, and `details` / `cause` when the error has them. */
export interface ErrorDocument {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly cause?: unknown;
}

interface EgovkitErrorLike extends Error {
  readonly code: string;
  toJSON(): ErrorDocument;
}

/**
 * Errors of any egovkit package. Each package bundles its own copy of the error base class, so `instanceof`
 * across packages does not work; they all carry a string `code` and `toJSON()`.
 */
export function isEgovkitError(error: unknown): error is EgovkitErrorLike {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { toJSON?: unknown }).toJSON === 'function'
  );
}

/** Library codes that mean "a server or resource the command needs failed", not "the input is bad". */
const ENVIRONMENT_CODES = new Set([
  'DVDV_TIMEOUT',
  'DVDV_CONNECTION_FAILED',
  'DVDV_ALL_SERVERS_FAILED',
  'DVDV_ABORTED',
  'CONNECT_TIMEOUT',
  'CONNECTION_FAILED',
  'RESPONSE_TIMEOUT',
  'TIMEOUT',
  'HTTP_ERROR',
]);

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) {
    if (error.code === 'USAGE') return EXIT.USAGE;
    if (error.code === 'UNEXPECTED') return EXIT.UNEXPECTED;
    return EXIT.FAILED;
  }
  if (isEgovkitError(error)) return ENVIRONMENT_CODES.has(error.code) ? EXIT.UNEXPECTED : EXIT.FAILED;
  return EXIT.UNEXPECTED;
}

export function errorDocument(error: unknown): ErrorDocument {
  if (isEgovkitError(error)) return error.toJSON();
  return {
    name: error instanceof Error ? error.name : 'Error',
    code: 'UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Writes results and errors in the format the user asked for. */
export class Reporter {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** One JSON document on stdout, or the text. Returns the exit code. */
  result(result: CommandResult): ExitCode {
    if (this.json) this.writeJson({ ok: result.exitCode === EXIT.OK, ...result.json });
    else this.io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    return result.exitCode;
  }

  /** `egovkit: CODE: message` on stderr, plus `{ ok: false, error }` on stdout with `--json`. */
  error(error: unknown): ExitCode {
    const document = errorDocument(error);
    if (this.json) this.writeJson({ ok: false, error: document });
    this.io.stderr.write(`egovkit: ${document.code}: ${document.message}\n`);
    return exitCodeOf(error);
  }

  private writeJson(document: Readonly<Record<string, unknown>>): void {
    this.io.stdout.write(`${JSON.stringify(document, jsonReplacer, 2)}\n`);
  }
}

/** Bytes never end up in JSON as objects with one key per index. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

/** Indents every line of a block of text. */
export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n');
}

/** Lines joined with newlines and a final newline. */
export function lines(...parts: readonly (string | false | undefined)[]): string {
  return `${parts.filter((part): part is string => typeof part === 'string').join('\n')}\n`;
}
