import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type OsciCheck, referenceCheck, type Suite } from '../src/index.js';

export const PACKAGE_DIR = join(import.meta.dirname, '..');
export const CLI = join(PACKAGE_DIR, 'dist', 'cli.js');
export const FIXTURES = join(PACKAGE_DIR, 'fixtures');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built binary with node. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return new Promise<CliResult>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? PACKAGE_DIR,
        env: { ...process.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface TestServer {
  readonly url: string;
  readonly requests: { headers: IncomingMessage['headers']; body: Buffer }[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1. */
export async function startServer(
  handler: (request: IncomingMessage, body: Buffer, response: ServerResponse) => void | Promise<void>,
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ headers: request.headers, body });
      Promise.resolve(handler(request, body, response)).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/check`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An implementation over HTTP that answers with egovkit's reference checks: 200 accept, 422 reject. */
export function referenceServer(): Promise<TestServer> {
  return startServer(async (request, body, response) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const check = header('x-conformance-check');
    const options = header('x-conformance-options');
    const contentType = header('content-type');
    const outcome = await referenceCheck({
      suite: header('x-conformance-suite') as Suite,
      data: body,
      ...(contentType === undefined ? {} : { contentType }),
      ...(check === undefined ? {} : { check: check as OsciCheck }),
      ...(options === undefined ? {} : { options: JSON.parse(options) as { maxPartBytes?: number } }),
    });
    response
      .writeHead(outcome.verdict === 'accept' ? 200 : 422, { 'content-type': 'application/json' })
      .end(JSON.stringify(outcome));
  });
}

/**
 * A strict well-formedness check for the XML the reports produce: declaration, balanced elements, quoted and
 * unique attributes, only the five predefined entities and numeric references, no markup characters in text.
 */
export function assertWellFormedXml(xml: string): void {
  const name = '[A-Za-z_][A-Za-z0-9_.-]*';
  const reference = '&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);';
  const attrValue = `"(?:[^<&"]|${reference})*"`;
  const token = new RegExp(
    `<\\?xml[^?]*\\?>|<(${name})((?:\\s+${name}=${attrValue})*)\\s*(/?)>|</(${name})>|((?:[^<&]|${reference})+)`,
    'y',
  );
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error('no XML declaration');
  const stack: string[] = [];
  let roots = 0;
  let position = 0;
  while (position < xml.length) {
    token.lastIndex = position;
    const match = token.exec(xml);
    if (match === null)
      throw new Error(`not well-formed at ${position}: ${xml.slice(position, position + 40)}`);
    position = token.lastIndex;
    const [, open, attrs, selfClosing, close, text] = match;
    if (open !== undefined) {
      if (stack.length === 0) roots++;
      const names = [...(attrs ?? '').matchAll(new RegExp(`(${name})=`, 'g'))].map((m) => m[1]);
      if (new Set(names).size !== names.length) throw new Error(`duplicate attribute in <${open}>`);
      if (selfClosing !== '/') stack.push(open);
    } else if (close !== undefined) {
      if (stack.pop() !== close) throw new Error(`</${close}> does not close the open element`);
    } else if (text !== undefined && stack.length === 0 && text.trim() !== '') {
      throw new Error('text outside the root element');
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}
