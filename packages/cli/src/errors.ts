import { EgovkitError } from '@egovkit/internal';

/**
 * Stable codes of the errors the CLI itself raises. Errors of the libraries keep their own codes
 * (`XHD_…`, `DVDV_…`, `SIGNATURE_INVALID`, `AUDIT_LOG_UNREADABLE`, …) and are printed unchanged.
 */
export type CliErrorCode =
  /** Unknown command or option, missing argument, bad option value: exit code 2. */
  | 'USAGE'
  /** An input file (message, PEM, configuration, log) cannot be read: exit code 1. */
  | 'FILE_UNREADABLE'
  /** An output file (`xhd build --output`) cannot be written: exit code 1. */
  | 'FILE_UNWRITABLE'
  /** An input was read but is not usable (not JSON, no PEM block, empty password): exit code 1. */
  | 'INPUT_INVALID'
  /** Anything else: a bug, or a failure of the environment. Exit code 3. */
  | 'UNEXPECTED';

/** Every error the `egovkit` command line raises itself; branch on `code`. */
export class CliError extends EgovkitError<CliErrorCode> {}

/** Exit codes of `egovkit`, documented in the README. */
export const EXIT = {
  /** The command ran and everything it checked passed. */
  OK: 0,
  /** A check failed or the input is invalid: invalid XhD, bad signature, refused password, entry not found … */
  FAILED: 1,
  /** Usage error: unknown command or option, missing argument, bad option value. */
  USAGE: 2,
  /** Unexpected error: a bug, or a server or resource the command needs failed (e.g. LDAP unreachable). */
  UNEXPECTED: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
