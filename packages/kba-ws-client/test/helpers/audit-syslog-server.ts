import type { TLSSocket } from 'node:tls';
import { startTlsServer, type TestTlsServer, type TlsServerCertificate } from '@egovkit/testkit';

/** Splits an RFC 5425 octet-counted stream (`MSG-LEN SP SYSLOG-MSG`) into messages. */
export class OctetCountingParser {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const messages: string[] = [];
    for (;;) {
      const space = this.buffer.indexOf(0x20);
      if (space === -1) break;
      const lengthText = this.buffer.subarray(0, space).toString('ascii');
      if (!/^[1-9][0-9]*$/.test(lengthText)) throw new Error(`bad MSG-LEN ${JSON.stringify(lengthText)}`);
      const length = Number(lengthText);
      if (this.buffer.length < space + 1 + length) break;
      messages.push(this.buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(space + 1 + length);
    }
    return messages;
  }

  get leftover(): number {
    return this.buffer.length;
  }
}

export interface SyslogTestServer {
  readonly server: TestTlsServer;
  /** Messages of every connection, in arrival order. */
  readonly messages: string[];
  /** Messages per connection. */
  readonly perConnection: string[][];
  readonly sockets: TLSSocket[];
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
}

export async function startSyslogTestServer(
  certificate: TlsServerCertificate,
  extra: { clientCertificate?: 'none' | 'request' | 'require' } = {},
): Promise<SyslogTestServer> {
  const messages: string[] = [];
  const perConnection: string[][] = [];
  const sockets: TLSSocket[] = [];
  const server = await startTlsServer({
    certificate,
    ...(extra.clientCertificate === undefined ? {} : { clientCertificate: extra.clientCertificate }),
    onConnection: (socket) => {
      const parser = new OctetCountingParser();
      const own: string[] = [];
      perConnection.push(own);
      sockets.push(socket);
      socket.on('data', (chunk: Buffer) => {
        for (const message of parser.push(chunk)) {
          own.push(message);
          messages.push(message);
        }
      });
      socket.on('error', () => {});
    },
  });
  const waitForMessages = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} syslog messages, got ${messages.length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return messages;
  };
  return { server, messages, perConnection, sockets, waitForMessages };
}

export interface ParsedSyslogMessage {
  pri: number;
  version: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  msg: string;
}

/** Splits an RFC 5424 message whose STRUCTURED-DATA is the nil value. */
export function parseSyslogMessage(message: string): ParsedSyslogMessage {
  const match = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-) (.*)$/s.exec(message);
  if (match === null) throw new Error(`not an RFC 5424 message: ${message}`);
  const [, pri, version, timestamp, hostname, appName, procId, msgId, structuredData, msg] =
    match as unknown as [string, string, string, string, string, string, string, string, string, string];
  return { pri: Number(pri), version, timestamp, hostname, appName, procId, msgId, structuredData, msg };
}
