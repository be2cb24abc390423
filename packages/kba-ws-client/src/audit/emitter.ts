import { KbaWsError } from '../errors.js';
import type { AuditAttributeValue, AuditEvent, AuditEventName, AuditSink } from './types.js';

export type AuditAttributes = Record<string, AuditAttributeValue | undefined>;

/** Writes one event to every sink and waits for all; any failure is `AUDIT_FAILED`. */
export class AuditEmitter {
  readonly #sinks: readonly AuditSink[];
  readonly #now: () => Date;

  constructor(sinks: readonly AuditSink[], now: () => Date) {
    if (
      !Array.isArray(sinks) ||
      sinks.length === 0 ||
      sinks.some((sink) => typeof sink?.write !== 'function')
    ) {
      throw new KbaWsError(
        'CONFIG_INVALID',
        'audit.sinks needs at least one sink with a write() method: FZV § 69 requires every retrieval to be logged.',
        { details: { option: 'audit.sinks' } },
      );
    }
    this.#sinks = sinks;
    this.#now = now;
  }

  /** Writes one event made of the given attribute groups (later groups win); undefined values are left out. */
  async emit(
    name: AuditEventName,
    attributes: AuditAttributes | readonly AuditAttributes[],
    outcome?: AuditEvent['event.outcome'],
  ): Promise<void> {
    const event: Record<string, AuditAttributeValue> = {
      'event.name': name,
      'event.time': this.#now().toISOString(),
    };
    if (outcome !== undefined) event['event.outcome'] = outcome;
    const groups = Array.isArray(attributes)
      ? (attributes as readonly AuditAttributes[])
      : [attributes as AuditAttributes];
    for (const group of groups) {
      for (const key in group) {
        const value = group[key];
        if (value !== undefined) event[key] = value;
      }
    }
    const frozen = Object.freeze(event) as AuditEvent;
    const results = await Promise.allSettled(this.#sinks.map((sink) => sink.write(frozen)));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) {
      throw new KbaWsError('AUDIT_FAILED', `Writing the audit event "${name}" failed; the call is refused.`, {
        cause: failure.reason,
        details: { event: name },
      });
    }
  }
}
