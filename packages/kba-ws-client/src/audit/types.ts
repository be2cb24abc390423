/**
 * Audit events are flat records whose keys follow OpenTelemetry semantic conventions where one exists
 * (`user.id`, `client.address`, `server.port`, `tls.protocol.version`, `tls.cipher`, `error.type`, ...)
 * and use the `kba.` prefix for what FZV §§ 68–69 demand beyond them (reason code, case reference, org unit).
 */
export type AuditEventName =
  | 'kba.client.started'
  | 'kba.call.before'
  | 'kba.call.after'
  | 'kba.call.failure'
  | 'kba.pin.failure'
  | 'kba.pin.no_backup'
  | 'kba.pins.rotated'
  | 'kba.certificate.expiry_warning'
  | 'kba.tls.legacy_chain_signature';

export type AuditAttributeValue = string | number | boolean | null | readonly string[];

export interface AuditEvent {
  readonly 'event.name': AuditEventName | (string & {});
  /** ISO 8601 in UTC with milliseconds. */
  readonly 'event.time': string;
  readonly 'event.outcome'?: 'success' | 'failure' | 'unknown';
  readonly [attribute: string]: AuditAttributeValue | undefined;
}

/**
 * Where audit events go. `write` resolves only once the event is durable (file sinks: written and
 * fsynced) or handed to the transport (network sinks), and rejects otherwise: the client treats a
 * rejection as "logging failed" and refuses the call or withholds its result.
 */
export interface AuditSink {
  write(event: AuditEvent): Promise<void>;
  /** Flushes and releases resources; later writes reject with `AUDIT_SINK_CLOSED`. */
  close?(): Promise<void>;
}
