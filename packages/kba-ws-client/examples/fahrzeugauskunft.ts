// A retrieval from a KBA web service with the KBA-issued client certificate, a hash-chained audit log
// and the request context FZV § 69 demands. Paths and the endpoint come from the environment.
import {
  createJsonLinesAuditSink,
  createKbaClient,
  getSoapFault,
  KbaWsError,
  verifyAuditLog,
} from '@egovkit/kba-ws-client';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};

const audit = createJsonLinesAuditSink({ path: env('KBA_AUDIT_LOG'), retentionMonths: 6 });
const client = await createKbaClient({
  endpoint: env('KBA_ENDPOINT'),
  tlsPreset: 'bsi',
  trustAnchors: { caFile: env('KBA_CA_FILE') },
  clientCertificate: { pkcs12File: env('KBA_PKCS12_FILE'), passwordFile: env('KBA_PKCS12_PASSWORD_FILE') },
  pins: [env('KBA_PIN'), env('KBA_BACKUP_PIN')],
  services: { zfzr: { path: '/ws/zfzr/auskunft', idempotentOperations: ['fahrzeugAuskunft'] } },
  audit: { sinks: [audit] },
});

try {
  const result = await client.call(
    'zfzr',
    'fahrzeugAuskunft',
    '<a:anfrage xmlns:a="urn:example:auskunft"><a:kennzeichen>MU-XY 123</a:kennzeichen></a:anfrage>',
    {
      context: {
        userId: 'MUS-4711',
        orgUnit: 'Zulassungsstelle Musterkreis, SG 31',
        deviceId: 'ws-31-07',
        reasonCode: 1,
      },
    },
  );
  console.log(`status ${result.status} over ${result.connection.protocol} with ${result.connection.cipher}`);
  console.log(`from ${result.connection.localAddress}:${result.connection.localPort}`);
  console.log(`answer: ${JSON.stringify(result.body)}`);
} catch (error) {
  const fault = getSoapFault(error);
  if (fault !== undefined) console.log(`SOAP fault ${fault.code}`);
  else if (error instanceof KbaWsError) console.log(`refused: ${error.code}`);
  else throw error;
} finally {
  await client.close();
  await audit.close();
}

const verification = await verifyAuditLog(env('KBA_AUDIT_LOG'), { requireHead: true });
console.log(`audit log: ${verification.records} records, ${verification.valid ? 'intact' : 'TAMPERED'}`);
