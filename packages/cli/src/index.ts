export type { EgovkitErrorOptions } from '@egovkit/internal';
export { CliError, type CliErrorCode, EXIT, type ExitCode } from './errors.js';
export type { CommandResult, ErrorDocument } from './output.js';
export { type CliIo, runCli } from './run.js';
