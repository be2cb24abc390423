import type { EvaluationContext, PasswordPolicy, PresetId } from '@egovkit/password-policy';
import { CliError, EXIT } from '../errors.js';
import { readAll } from '../input.js';
import { type CommandResult, lines } from '../output.js';

/** The presets of @egovkit/password-policy (`presets`), listed here so that `--help` needs no import. */
export const PRESET_IDS = [
  'kba',
  'bsi-orp4',
  'nist-800-63b-4',
  'asvs-5',
] as const satisfies readonly PresetId[];

export interface PasswordCheckOptions {
  readonly preset: (typeof PRESET_IDS)[number];
  readonly user?: string;
  readonly name?: string;
  readonly authority?: string;
  readonly lang: 'de' | 'en';
}

type Stdin = NodeJS.ReadableStream & {
  readonly isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/** Reads one line from a terminal without echoing it. */
async function readHidden(stdin: Stdin, prompt: NodeJS.WritableStream): Promise<string> {
  prompt.write('Password: ');
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string | Buffer) => {
        for (const character of chunk.toString()) {
          if (character === '\r' || character === '\n' || character === '\u0004') {
            stdin.removeListener('data', onData);
            resolve(value);
            return;
          }
          if (character === '\u0003') {
            stdin.removeListener('data', onData);
            reject(new CliError('USAGE', 'cancelled'));
            return;
          }
          if (character === '\u007f' || character === '\b') value = [...value].slice(0, -1).join('');
          else value += character;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
    prompt.write('\n');
  }
}

/** The password from stdin: a pipe (one line, the final line break removed) or a terminal (not echoed). */
export async function readPassword(stdin: Stdin | undefined, prompt: NodeJS.WritableStream): Promise<string> {
  if (stdin === undefined) throw new CliError('USAGE', 'the password is read from stdin, and there is none');
  if (stdin.isTTY === true) return readHidden(stdin, prompt);
  const text = (await readAll(stdin)).toString('utf8').replace(/\r?\n$/, '');
  if (text === '')
    throw new CliError('USAGE', 'no password on stdin (pipe it in; it is never taken from arguments)');
  if (/[\r\n]/.test(text))
    throw new CliError('INPUT_INVALID', 'stdin holds more than one line; pass one password');
  return text;
}

/** Rules that need state the command line does not have: a user's password history, a breach service. */
const NOT_CHECKABLE: Readonly<Record<string, string>> = {
  history: 'needs the user’s password history, which the application keeps',
  breached: 'needs a breached-password lookup service',
};

/** `egovkit password check`: the password from stdin against a preset; every failed rule. */
export async function passwordCheck(password: string, options: PasswordCheckOptions): Promise<CommandResult> {
  const { createPasswordPolicy, presets } = await import('@egovkit/password-policy');
  const preset: PasswordPolicy = presets[options.preset]();
  const notChecked = preset.rules
    .filter((rule) => rule.type in NOT_CHECKABLE)
    .map((rule) => ({ rule: rule.type, reason: NOT_CHECKABLE[rule.type] as string }));
  const policy: PasswordPolicy = {
    ...preset,
    rules: preset.rules.filter((rule) => !(rule.type in NOT_CHECKABLE)),
  };
  const engine = createPasswordPolicy(policy, { locale: options.lang });
  const context: EvaluationContext = {
    ...(options.user === undefined ? {} : { userId: options.user }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.authority === undefined ? {} : { authority: options.authority }),
  };
  const result = await engine.evaluate(password, context);
  const failures = result.failures.map((failure) => ({
    code: failure.code,
    rule: failure.rule,
    params: failure.params,
    message: failure.message,
  }));
  return {
    exitCode: result.ok ? EXIT.OK : EXIT.FAILED,
    json: { preset: options.preset, accepted: result.ok, failures, notChecked },
    text: lines(
      result.ok
        ? `accepted by the ${options.preset} preset`
        : `refused by the ${options.preset} preset: ${failures.length} failed ${failures.length === 1 ? 'rule' : 'rules'}`,
      ...failures.map((failure) => `${failure.code}: ${failure.message}`),
      ...notChecked.map((entry) => `not checked: ${entry.rule} (${entry.reason})`),
    ),
  };
}
