// A loopback SOAP server with mutual TLS for the throughput benchmark; runs in its own process so that
// it does not share a CPU core's event loop with the clients being measured.
import { createServer } from 'node:https';
import { getTestPki } from '@egovkit/testkit';

const pki = await getTestPki();
const answer = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<soap:Body><ns:antwort xmlns:ns="urn:test"><ns:status>OK</ns:status><ns:halter>Erika Mustermann</ns:halter>' +
    '<ns:fahrzeug><ns:fin>WVWZZZ1JZXW000001</ns:fin><ns:kennzeichen>MU-XY 123</ns:kennzeichen></ns:fahrzeug>' +
    '</ns:antwort></soap:Body></soap:Envelope>',
);
const server = createServer(
  {
    cert: pki.certificates.kbaServer.chainPem,
    key: pki.certificates.kbaServer.privateKeyPem,
    ca: pki.trustAnchorPem,
    requestCert: true,
    rejectUnauthorized: true,
    keepAliveTimeout: 60_000,
  },
  (request, response) => {
    request.resume();
    request.on('end', () => {
      const send = () => {
        response.writeHead(200, {
          'content-type': 'text/xml; charset=utf-8',
          'content-length': answer.length,
        });
        response.end(answer);
      };
      // `/delay/<ms>/...` answers after that many milliseconds, like a register lookup behind the service.
      const delayMs = Number(/^\/delay\/(\d+)\//.exec(request.url ?? '')?.[1] ?? 0);
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  },
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
process.on('SIGTERM', () => {
  // Keep-alive connections would hold close() open; the benchmark is over, so drop them.
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
