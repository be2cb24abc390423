import { randomUUID } from 'node:crypto';
import { KbaWsError } from './errors.js';

/**
 * The reason for a retrieval as a key number of FZV § 69 (1): 1 registration, 2 traffic monitoring,
 * 3 failure to stop / hit and run, 4 found or obstructing vehicles, 5 suspected theft or misuse,
 * 6 border control, 7 averting danger, 8 prosecution of offences, 9 searches and checkpoints, 0 other.
 */
export type ReasonCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** Key numbers that also need a case reference, or a short description when none exists (FZV § 69 (1)). */
export const REASON_CODES_NEEDING_CASE_REFERENCE: readonly ReasonCode[] = [8, 9, 0];

/**
 * Who retrieves what and why: required for every call (FZV § 69 (2): service number, ID card number or
 * name abbreviation with organisational unit, so that the person can be identified).
 */
export interface RequestContext {
  /** Service number, ID card number or name abbreviation of the person responsible for the retrieval. */
  readonly userId: string;
  /** Organisational unit of that person. */
  readonly orgUnit: string;
  /** The workstation or device the request came from. */
  readonly deviceId: string;
  readonly reasonCode: ReasonCode;
  /** File reference or journal number; required for reason codes 8, 9 and 0 unless `reasonDescription` is given. */
  readonly caseReference?: string;
  /** Short description of the offence (code 8) or measure/event (9, 0) when no case reference can be given. */
  readonly reasonDescription?: string;
  /** Message id for correlation; a random UUID when absent. */
  readonly messageId?: string;
}

/** A validated context with the message id filled in. */
export interface ResolvedRequestContext extends RequestContext {
  readonly messageId: string;
}

const MAX_FIELD_LENGTH = 256;
/**
 * Control characters would let a caller forge log lines or syslog frames. `allowLayout` lets tab, line feed
 * and carriage return through (XML text may hold them).
 */
export function hasControlCharacter(value: string, allowLayout = false): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (allowLayout && (code === 9 || code === 10 || code === 13)) continue;
    if (code < 32 || code === 127) return true;
  }
  return false;
}

function invalid(path: string, message: string): never {
  throw new KbaWsError('CONTEXT_INVALID', `Request context: ${message}`, { details: { path } });
}

function requireText(context: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = context[key];
  if (value === undefined) {
    if (required) invalid(key, `"${key}" is required.`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') invalid(key, `"${key}" must be a non-empty string.`);
  if (value.length > MAX_FIELD_LENGTH)
    invalid(key, `"${key}" is longer than ${MAX_FIELD_LENGTH} characters.`);
  if (hasControlCharacter(value)) invalid(key, `"${key}" contains control characters.`);
  return value;
}

/** Validates a request context; throws `CONTEXT_MISSING` or `CONTEXT_INVALID` (with `details.path`). */
export function resolveRequestContext(context: unknown): ResolvedRequestContext {
  if (context === undefined || context === null) {
    throw new KbaWsError(
      'CONTEXT_MISSING',
      'Every call needs a request context (user, organisational unit, device, reason code): FZV § 69 requires it to be logged.',
    );
  }
  if (typeof context !== 'object') invalid('', 'must be an object.');
  const record = context as Record<string, unknown>;
  const userId = requireText(record, 'userId', true) as string;
  const orgUnit = requireText(record, 'orgUnit', true) as string;
  const deviceId = requireText(record, 'deviceId', true) as string;
  const reasonCode = record.reasonCode;
  if (typeof reasonCode !== 'number' || !Number.isInteger(reasonCode) || reasonCode < 0 || reasonCode > 9) {
    invalid('reasonCode', '"reasonCode" must be an integer key number from 0 to 9 (FZV § 69 (1)).');
  }
  const caseReference = requireText(record, 'caseReference', false);
  const reasonDescription = requireText(record, 'reasonDescription', false);
  if (
    REASON_CODES_NEEDING_CASE_REFERENCE.includes(reasonCode as ReasonCode) &&
    caseReference === undefined &&
    reasonDescription === undefined
  ) {
    invalid(
      'caseReference',
      `reason code ${reasonCode} needs "caseReference" (file reference or journal number) or, when none exists, "reasonDescription".`,
    );
  }
  const messageId = requireText(record, 'messageId', false) ?? randomUUID();
  const resolved: ResolvedRequestContext = {
    userId,
    orgUnit,
    deviceId,
    reasonCode: reasonCode as ReasonCode,
    messageId,
    ...(caseReference === undefined ? {} : { caseReference }),
    ...(reasonDescription === undefined ? {} : { reasonDescription }),
  };
  return resolved;
}
