// The TLS section of the security concept: the effective configuration plus what one live handshake with
// the endpoint negotiated, as Markdown (TLS version and cipher suites, as the KBA declaration demands).
import { createSecurityStatement, renderSecurityStatementMarkdown } from '@egovkit/kba-ws-client';

const statement = await createSecurityStatement({
  endpoint: process.env.KBA_ENDPOINT ?? 'https://127.0.0.1:8443',
  tlsPreset: 'bsi',
  trustAnchors: { caFile: process.env.KBA_CA_FILE ?? 'ca.pem' },
  clientCertificate: {
    pkcs12File: process.env.KBA_PKCS12_FILE ?? 'client.p12',
    passwordFile: process.env.KBA_PKCS12_PASSWORD_FILE ?? 'client.pass',
  },
  probe: true,
});

console.log(renderSecurityStatementMarkdown(statement));
