/** Options accepted by every egovkit error. */
export interface EgovkitErrorOptions {
  /** The underlying error, kept for diagnostics. */
  readonly cause?: unknown;
  /** Structured, non-secret facts about the failure (limits, offending values, paths). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of all errors thrown by egovkit packages.
 *
 * `code` is stable across releases and is what callers should branch on; `message` is for humans
 * and may change. Each package derives its own class so that `instanceof` tells where an error came from.
 */
export class EgovkitError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: Code, message: string, options: EgovkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  /** A plain object for logs and JSON output; omits the stack and keeps the cause's code and message. */
  toJSON(): {
    name: string;
    code: Code;
    message: string;
    details?: Readonly<Record<string, unknown>>;
    cause?: unknown;
  } {
    const json: {
      name: string;
      code: Code;
      message: string;
      details?: Readonly<Record<string, unknown>>;
      cause?: unknown;
    } = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    if (this.details !== undefined) json.details = this.details;
    if (this.cause !== undefined) json.cause = describeCause(this.cause);
    return json;
  }
}

function describeCause(cause: unknown): unknown {
  if (cause instanceof EgovkitError) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: cause.name, code, message: cause.message }
      : { name: cause.name, message: cause.message };
  }
  return String(cause);
}
