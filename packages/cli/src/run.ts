import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { dvdvLookup } from './commands/dvdv.js';
import { osciIntermediary } from './commands/intermediary.js';
import { kbaAuditVerify, kbaSecurityStatement } from './commands/kba.js';
import { osciInspect } from './commands/osci.js';
import { PRESET_IDS, passwordCheck, readPassword } from './commands/password.js';
import { type Language, xhdBuild, xhdValidate } from './commands/xhd.js';
import { CliError, EXIT } from './errors.js';
import { type CliIo, type CommandResult, Reporter } from './output.js';

export type { CliIo } from './output.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

const EXIT_CODES_HELP = `
Exit codes:
  0  ok: the command ran and every check passed
  1  a check failed or the input is invalid (invalid XhD, bad signature, refused password, entry not found …)
  2  usage error (unknown command or option, missing argument, bad option value)
  3  unexpected error, or a server the command needs failed (e.g. the LDAP server is unreachable)

Every command takes --json: one JSON document on stdout, with "ok" and, on errors, "error": { code, message }.
Errors are also printed to stderr as "egovkit: CODE: message".
`;

/**
 * Runs the `egovkit` command line in-process: `argv` without the node and script paths
 * (`['xhd', 'validate', 'file.xml']`). Resolves to the exit code; never calls `process.exit`.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const streams: CliIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    // process.stdin is only touched by the command that reads it.
    ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
    env: io.env ?? process.env,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  };
  const wantsJson = argv.includes('--json');
  let exitCode: number = EXIT.OK;

  /** Runs one command and prints its result; errors go to the catch below. */
  const report = async (json: boolean | undefined, command: () => Promise<CommandResult>) => {
    exitCode = new Reporter(streams, json === true).result(await command());
  };

  const program = new Command('egovkit')
    .description(
      'egovkit: XhD validation, OSCI inspection, DVDV lookups, KBA security statements and audit logs, password checks, and the PassDEÜV end-to-end demo.',
    )
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
      // Usage errors are printed below in the CLI's own format.
      outputError: () => {},
    })
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true);

  // xhd
  const xhd = program.command('xhd').description('XhD (BSI TR-03123) messages');
  xhd
    .command('validate')
    .description('validate an XhD message: XML schema and business rules, every issue with code and XPath')
    .argument('<file>', 'XhD message (XML)')
    .addOption(
      new Option('--lang <lang>', 'language of the issue messages').choices(['de', 'en']).default('de'),
    )
    .option('--json', 'one JSON document on stdout')
    .action(async (file: string, options: { lang: Language; json?: boolean }) =>
      report(options.json, () => xhdValidate(file, { lang: options.lang })),
    );
  xhd
    .command('build')
    .description('print a valid example BestellungDokument (passport order with synthetic biometrics)')
    .option('--example', 'build the example order (required)')
    .option('-o, --output <file>', 'write the XML to a file instead of stdout')
    .option('--json', 'one JSON document on stdout')
    .action(async (options: { example?: boolean; output?: string; json?: boolean }) =>
      report(options.json, () =>
        xhdBuild({
          ...(options.example === undefined ? {} : { example: options.example }),
          ...(options.output === undefined ? {} : { output: options.output }),
        }),
      ),
    );

  // osci
  const osci = program.command('osci').description('OSCI-Transport 1.2 messages');
  osci
    .command('inspect')
    .description(
      'decode an OSCI message (XML or MIME): type, header blocks, containers, attachments, signatures and certificates',
    )
    .argument('<message>', 'OSCI message: SOAP envelope (XML) or MIME multipart/related package')
    .option(
      '--trust <pem>',
      'trust anchor certificates (PEM); repeatable. Without: signatures are not checked',
      collect,
      [],
    )
    .option(
      '--key <pem>',
      'private key (PEM) to decrypt encrypted content or a soapMessageEncrypted envelope',
    )
    .option('--at <time>', 'validation time for certificates (ISO 8601); default now')
    .option('--json', 'one JSON document on stdout')
    .action(async (file: string, options: { trust: string[]; key?: string; at?: string; json?: boolean }) =>
      report(options.json, () =>
        osciInspect(file, {
          trust: options.trust,
          ...(options.key === undefined ? {} : { key: options.key }),
          ...(options.at === undefined ? {} : { at: options.at }),
        }),
      ),
    );

  osci
    .command('intermediary')
    .description('start the local OSCI intermediary (for tests and demos) until SIGINT/SIGTERM')
    .requiredOption('--signature-key <pem>', 'private key that signs responses and forwarded orders (PEM)')
    .requiredOption('--signature-cert <pem>', 'its certificate, followed by intermediate CAs (PEM)')
    .requiredOption(
      '--encryption-key <pem>',
      'private key that opens orders encrypted for the intermediary (PEM)',
    )
    .requiredOption('--encryption-cert <pem>', 'its certificate (PEM)')
    .option(
      '--trust <pem>',
      'trust anchors for every client and recipient certificate (PEM); repeatable',
      collect,
      [],
    )
    .option(
      '--intermediate <pem>',
      'intermediate CA certificates for path building (PEM); repeatable',
      collect,
      [],
    )
    .option('--data-dir <dir>', 'mailbox directory (default: a new temporary directory)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default: a free one)')
    .option('--json', 'print the start-up information as one JSON document')
    .action(
      async (options: {
        signatureKey: string;
        signatureCert: string;
        encryptionKey: string;
        encryptionCert: string;
        trust: string[];
        intermediate: string[];
        dataDir?: string;
        host?: string;
        port?: string;
        json?: boolean;
      }) => {
        const { json, dataDir, host, port, ...required } = options;
        exitCode = await osciIntermediary(
          {
            ...required,
            ...(dataDir === undefined ? {} : { dataDir }),
            ...(host === undefined ? {} : { host }),
            ...(port === undefined ? {} : { port }),
          },
          streams,
          new Reporter(streams, json === true),
        );
      },
    );

  // dvdv
  const dvdv = program.command('dvdv').description('DVDV directory');
  dvdv
    .command('lookup')
    .description('endpoint and certificates of a service (embedded demo directory unless --ldap)')
    .argument('<kennung>', 'Behördenkennung, e.g. psw:053150000001')
    .argument('<service>', 'service URI, e.g. urn:egovkit-demo:dvdv:xhd-status')
    .option(
      '--ldap <url>',
      'DVDV server (ldaps:// or ldap:// with StartTLS) instead of the embedded directory',
    )
    .option('--ca <pem>', 'CA certificate(s) of the LDAP server (PEM)')
    .option('--base-dn <dn>', 'base DN of the directory (default dc=dvdv,dc=example)')
    .option('--bind-dn <dn>', 'simple bind DN; the password is read from EGOVKIT_DVDV_PASSWORD')
    .option('--json', 'one JSON document on stdout')
    .action(
      async (
        kennung: string,
        service: string,
        options: { ldap?: string; ca?: string; baseDn?: string; bindDn?: string; json?: boolean },
      ) =>
        report(options.json, () =>
          dvdvLookup(kennung, service, {
            ...(options.ldap === undefined ? {} : { ldap: options.ldap }),
            ...(options.ca === undefined ? {} : { ca: options.ca }),
            ...(options.baseDn === undefined ? {} : { baseDn: options.baseDn }),
            ...(options.bindDn === undefined ? {} : { bindDn: options.bindDn }),
            ...(streams.env === undefined ? {} : { env: streams.env }),
          }),
        ),
    );

  // kba
  const kba = program.command('kba').description('KBA web-service client: security statement and audit log');
  kba
    .command('security-statement')
    .description('the TLS part of the security concept from a client configuration (Markdown)')
    .requiredOption(
      '--config <file>',
      'JSON configuration (endpoint, tlsPreset, trustAnchors, clientCertificate, pins …)',
    )
    .option('--probe', 'also make one TLS handshake with the endpoint and record what it negotiated')
    .option('--json', 'one JSON document on stdout')
    .action(async (options: { config: string; probe?: boolean; json?: boolean }) =>
      report(options.json, () =>
        kbaSecurityStatement({
          config: options.config,
          ...(options.probe === undefined ? {} : { probe: options.probe }),
        }),
      ),
    );
  kba
    .command('audit-verify')
    .description('check the hash chain of a JSON-lines audit log')
    .argument('<log>', 'audit log written by createJsonLinesAuditSink')
    .option('--require-head', 'a missing head file is an error')
    .option('--json', 'one JSON document on stdout')
    .action(async (log: string, options: { requireHead?: boolean; json?: boolean }) =>
      report(options.json, () =>
        kbaAuditVerify(log, options.requireHead === undefined ? {} : { requireHead: options.requireHead }),
      ),
    );

  // password
  const password = program.command('password').description('password policies');
  password
    .command('check')
    .description('check the password on stdin (never an argument) against a preset; prints every failed rule')
    .addOption(new Option('--preset <preset>', 'policy preset').choices(PRESET_IDS).default('kba'))
    .option('--user <id>', 'user id the password must not contain')
    .option('--name <name>', 'name of the user the password must not contain')
    .option('--authority <name>', 'authority the password must not contain')
    .addOption(new Option('--lang <lang>', 'language of the messages').choices(['de', 'en']).default('de'))
    .option('--json', 'one JSON document on stdout')
    .action(
      async (options: {
        preset: (typeof PRESET_IDS)[number];
        user?: string;
        name?: string;
        authority?: string;
        lang: 'de' | 'en';
        json?: boolean;
      }) => {
        const secret = await readPassword(streams.stdin ?? process.stdin, streams.stderr);
        await report(options.json, () =>
          passwordCheck(secret, {
            preset: options.preset,
            lang: options.lang,
            ...(options.user === undefined ? {} : { user: options.user }),
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.authority === undefined ? {} : { authority: options.authority }),
          }),
        );
      },
    );

  // demo
  program
    .command('demo')
    .description('the PassDEÜV flow end to end, with a step-by-step trace')
    .option(
      '--ldap <url>',
      'a real LDAP server holding the entries `--prepare` wrote, instead of the embedded directory',
    )
    .option('--ldap-ca <file>', 'CA certificate (PEM) of the LDAP server; default the demo PKI trust anchor')
    .option('--ldap-base-dn <dn>', 'base DN of the DVDV entries (default dc=dvdv,dc=demo)')
    .option('--pki-dir <dir>', 'use the PKI and directory entries written by --prepare')
    .option(
      '--prepare <dir>',
      'only write a PKI and the DVDV entries (dvdv.ldif) for a later --ldap run, then exit',
    )
    .option('--json', 'the trace as JSON')
    .action(
      async (options: {
        ldap?: string;
        ldapCa?: string;
        ldapBaseDn?: string;
        pkiDir?: string;
        prepare?: string;
        json?: boolean;
      }) => {
        const { DemoOptionsError, prepareDemo, runDemo } = await import('./demo/index.js');
        if (options.prepare !== undefined) {
          const prepared = await prepareDemo(options.prepare);
          const summary = { ok: true, ...prepared };
          streams.stdout.write(
            options.json === true
              ? `${JSON.stringify(summary, null, 2)}\n`
              : `wrote the demo PKI and ${prepared.ldifFile} (intermediary port ${prepared.intermediaryPort})\n`,
          );
          exitCode = EXIT.OK;
          return;
        }
        try {
          const passed = await runDemo({
            ...(options.ldap === undefined ? {} : { ldap: options.ldap }),
            ...(options.ldapCa === undefined ? {} : { ldapCa: options.ldapCa }),
            ...(options.ldapBaseDn === undefined ? {} : { ldapBaseDn: options.ldapBaseDn }),
            ...(options.pkiDir === undefined ? {} : { pkiDirectory: options.pkiDir }),
            json: options.json === true,
            output: streams.stdout,
          });
          exitCode = passed ? EXIT.OK : EXIT.FAILED;
        } catch (error) {
          if (error instanceof DemoOptionsError) throw new CliError('USAGE', error.message);
          throw error;
        }
      },
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      const message =
        error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync'
          ? 'a command is missing (see egovkit --help)'
          : `${error.message.replace(/^error: /, '')} (see --help)`;
      return new Reporter(streams, wantsJson).error(new CliError('USAGE', message));
    }
    return new Reporter(streams, wantsJson).error(error);
  }
}
