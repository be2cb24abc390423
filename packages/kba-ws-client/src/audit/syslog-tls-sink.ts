import { hostname as osHostname } from 'node:os';
import { type ConnectionOptions, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { KbaWsError } from '../errors.js';
import { getTlsPreset, presetConnectionOptions, type TlsPreset, type TlsPresetName } from '../tls/presets.js';
import type { AuditEvent, AuditSink } from './types.js';

export interface SyslogTlsAuditSinkOptions {
  readonly host: string;
  /** Default 6514 (RFC 5425). */
  readonly port?: number;
  /** Default `bsi` (BSI TR-02102-2). */
  readonly tlsPreset?: TlsPresetName;
  /** Trust anchors for the log server's certificate (PEM). Required: the server is always verified. */
  readonly ca: string | readonly string[];
  /** Client certificate chain and key (PEM), for servers that authenticate their senders. */
  readonly cert?: string;
  readonly key?: string;
  /** Client certificate as PKCS#12, instead of `cert`/`key`. */
  readonly pfx?: string | Buffer;
  readonly passphrase?: string;
  /** Name checked against the server certificate and sent as SNI. Default `host`. */
  readonly servername?: string;
  /** RFC 5424 APP-NAME. Default `egovkit-kba`. */
  readonly appName?: string;
  /** RFC 5424 HOSTNAME. Default `os.hostname()`. */
  readonly hostname?: string;
  /** Syslog facility 0–23. Default 13 (log audit). */
  readonly facility?: number;
  /** Default 10 000 ms for TCP connect plus TLS handshake. */
  readonly connectTimeoutMs?: number;
  /** Time for a message to be handed to the kernel. Default 10 000 ms. */
  readonly writeTimeoutMs?: number;
}

export interface SyslogTlsAuditSink extends AuditSink {
  /** Waits for writes in flight, then ends the connection. Later writes reject with `AUDIT_SINK_CLOSED`. */
  close(): Promise<void>;
}

const SEVERITY_WARNING = 4;
const SEVERITY_INFORMATIONAL = 6;
// RFC 5424 TIMESTAMP: RFC 3339 with at most six fractional digits.
const RFC5424_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const PRINTUSASCII = /^[\x21-\x7e]+$/;

function invalidOption(option: string, message: string): KbaWsError {
  return new KbaWsError('CONFIG_INVALID', message, { details: { option } });
}

/** RFC 5424 header fields are PRINTUSASCII with a length limit; "-" is the nil value. */
function headerField(value: string, maxLength: number): string {
  const cleaned = value.replace(/[^\x21-\x7e]/g, '_').slice(0, maxLength);
  return cleaned === '' ? '-' : cleaned;
}

function checkedHeaderOption(option: string, value: string | undefined, maxLength: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > maxLength || !PRINTUSASCII.test(value) || value === '-') {
    throw invalidOption(
      option,
      `${option} must be 1–${maxLength} printable ASCII characters without spaces.`,
    );
  }
}

function positiveInteger(option: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalidOption(option, `${option} must be an integer between 1 and ${max}.`);
  }
  return value;
}

function validate(options: SyslogTlsAuditSinkOptions) {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('options', 'Options are required.');
  if (typeof options.host !== 'string' || options.host === '') {
    throw invalidOption('host', 'host must be a non-empty string.');
  }
  const port = positiveInteger('port', options.port, 6514, 65535);
  const preset = getTlsPreset(options.tlsPreset ?? 'bsi');
  const ca = typeof options.ca === 'string' ? [options.ca] : options.ca;
  if (
    !Array.isArray(ca) ||
    ca.length === 0 ||
    !ca.every((pem) => typeof pem === 'string' && pem.includes('-----BEGIN CERTIFICATE-----'))
  ) {
    throw invalidOption(
      'ca',
      'ca must hold the PEM trust anchors of the log server; server validation is mandatory.',
    );
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw invalidOption('cert', 'cert and key must be given together.');
  }
  if (options.pfx !== undefined && options.cert !== undefined) {
    throw invalidOption('pfx', 'Give either pfx or cert/key, not both.');
  }
  const facility = options.facility ?? 13;
  if (!Number.isSafeInteger(facility) || facility < 0 || facility > 23) {
    throw invalidOption('facility', 'facility must be an integer between 0 and 23.');
  }
  checkedHeaderOption('appName', options.appName, 48);
  checkedHeaderOption('hostname', options.hostname, 255);
  checkedHeaderOption('servername', options.servername, 255);
  return {
    host: options.host,
    port,
    preset,
    ca: [...ca] as string[],
    facility,
    appName: options.appName ?? 'egovkit-kba',
    hostname: options.hostname ?? headerField(osHostname(), 255),
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 10_000, 600_000),
    writeTimeoutMs: positiveInteger('writeTimeoutMs', options.writeTimeoutMs, 10_000, 600_000),
  };
}

/** A key below the preset's minimum on the server certificate, or undefined. */
function weakServerKey(certificate: PeerCertificate, preset: TlsPreset): KbaWsError | undefined {
  const bits = certificate.bits;
  if (typeof bits !== 'number') return undefined;
  const isRsa = typeof certificate.modulus === 'string';
  const isEc = certificate.asn1Curve !== undefined || certificate.nistCurve !== undefined;
  const minimum = isRsa ? preset.minimumKeySizes.rsa : isEc ? preset.minimumKeySizes.ec : undefined;
  if (minimum === undefined || bits >= minimum) return undefined;
  return new KbaWsError(
    'SERVER_KEY_TOO_WEAK',
    `The log server's ${isRsa ? 'RSA' : 'EC'} key has ${bits} bits; the ${preset.name} preset requires ${minimum}.`,
    { details: { bits, minimum, preset: preset.name } },
  );
}

/**
 * The JSON of an event with every non-ASCII character escaped, so that MSG is plain ASCII. That makes it
 * valid as RFC 5424 MSG-ANY without a BOM, and receivers that mishandle the BOM or non-UTF-8 still parse it.
 */
function asciiJson(event: AuditEvent): string {
  const json = JSON.stringify(event);
  if (typeof json !== 'string') throw new Error('the event is not serialisable');
  return json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Connection {
  readonly socket: TLSSocket;
  usable: boolean;
  /** Settles writes whose callback has not fired when the connection dies. */
  readonly pending: Set<(error: Error) => void>;
}

/**
 * Sends audit events to a syslog server as RFC 5424 messages over TLS (RFC 5425, octet-counting framing).
 * The connection is opened on the first write and reopened on the write after it broke. `write` resolves
 * when the message was handed to the kernel; RFC 5425 has no acknowledgements, so a message written just
 * before the connection drops can be lost without notice — pair this sink with the JSON Lines sink when
 * that matters.
 */
export function createSyslogTlsAuditSink(options: SyslogTlsAuditSinkOptions): SyslogTlsAuditSink {
  const config = validate(options);
  const tlsOptions: ConnectionOptions = {
    host: config.host,
    port: config.port,
    ca: config.ca,
    rejectUnauthorized: true,
    ...presetConnectionOptions(config.preset),
    ...(options.servername === undefined ? {} : { servername: options.servername }),
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.pfx === undefined ? {} : { pfx: options.pfx }),
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
  };
  const endpoint = `${config.host}:${config.port}`;

  let connection: Connection | undefined;
  let connecting: Promise<Connection> | undefined;
  let closing: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();

  const auditFailed = (message: string, cause: unknown) =>
    new KbaWsError('AUDIT_FAILED', `${message}: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
      details: { host: config.host, port: config.port },
    });

  const openConnection = () =>
    new Promise<Connection>((resolve, reject) => {
      const socket = connect(tlsOptions);
      const timer = setTimeout(() => {
        fail(
          new KbaWsError(
            'CONNECT_TIMEOUT',
            `No TLS connection to ${endpoint} within ${config.connectTimeoutMs} ms.`,
            {
              details: { timeoutMs: config.connectTimeoutMs },
            },
          ),
        );
      }, config.connectTimeoutMs);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const closedEarly = () => fail(new Error('the connection closed during the TLS handshake'));
      socket.once('error', fail);
      socket.once('close', closedEarly);
      socket.once('secureConnect', () => {
        const weak = weakServerKey(socket.getPeerCertificate(), config.preset);
        if (weak !== undefined) {
          fail(weak);
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.off('error', fail);
        socket.off('close', closedEarly);
        const opened: Connection = { socket, usable: true, pending: new Set() };
        const broken = (error: Error) => {
          opened.usable = false;
          if (connection === opened) connection = undefined;
          for (const settle of [...opened.pending]) settle(error);
        };
        socket.on('error', (error) => broken(error));
        // A server that ends the stream takes no more messages; do not write into the half-closed socket.
        socket.on('end', () => broken(new Error('the log server ended the connection')));
        socket.on('close', () => broken(new Error('the connection to the log server closed')));
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        socket.resume(); // syslog servers send nothing; discard whatever arrives
        resolve(opened);
      });
    });

  const getConnection = (): Promise<Connection> => {
    if (connection?.usable) return Promise.resolve(connection);
    connecting ??= openConnection()
      .then((opened) => {
        connection = opened;
        return opened;
      })
      .finally(() => {
        connecting = undefined;
      });
    return connecting;
  };

  const send = (opened: Connection, frame: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        if (!opened.pending.delete(settle)) return;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        settle(new Error(`the message was not written within ${config.writeTimeoutMs} ms`));
        opened.socket.destroy();
      }, config.writeTimeoutMs);
      opened.pending.add(settle);
      opened.socket.write(frame, (error) => settle(error ?? undefined));
    });

  const frameOf = (event: AuditEvent): Buffer => {
    if (typeof event !== 'object' || event === null || typeof event['event.name'] !== 'string') {
      throw new Error('an audit event must be an object with a string event.name');
    }
    const severity = event['event.outcome'] === 'failure' ? SEVERITY_WARNING : SEVERITY_INFORMATIONAL;
    const eventTime = event['event.time'];
    const timestamp =
      typeof eventTime === 'string' && RFC5424_TIMESTAMP.test(eventTime)
        ? eventTime
        : new Date().toISOString();
    const message =
      `<${config.facility * 8 + severity}>1 ${timestamp} ${config.hostname} ${config.appName} ${process.pid} ` +
      `${headerField(event['event.name'], 32)} - ${asciiJson(event)}`;
    return Buffer.from(`${Buffer.byteLength(message, 'ascii')} ${message}`, 'ascii');
  };

  const writeEvent = async (event: AuditEvent): Promise<void> => {
    if (closing !== undefined) {
      throw new KbaWsError('AUDIT_SINK_CLOSED', `The syslog audit sink for ${endpoint} is closed.`, {
        details: { host: config.host, port: config.port },
      });
    }
    let frame: Buffer;
    try {
      frame = frameOf(event);
    } catch (error) {
      throw auditFailed('The audit event could not be formatted', error);
    }
    const attempt = (async () => {
      let opened: Connection;
      try {
        opened = await getConnection();
      } catch (error) {
        throw auditFailed(`Could not connect to the syslog server ${endpoint}`, error);
      }
      try {
        await send(opened, frame);
      } catch (error) {
        throw auditFailed(`Could not send the audit event to ${endpoint}`, error);
      }
    })();
    inFlight.add(attempt);
    try {
      await attempt;
    } finally {
      inFlight.delete(attempt);
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.allSettled([...inFlight]);
      const open = connection;
      connection = undefined;
      if (open === undefined || open.socket.destroyed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => open.socket.destroy(), 2000);
        open.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        open.socket.end();
      });
    })();
    return closing;
  };

  return { write: writeEvent, close };
}
