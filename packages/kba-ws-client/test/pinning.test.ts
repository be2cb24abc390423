import { createHash, X509Certificate } from 'node:crypto';
import { getTestPki } from '@egovkit/testkit';
import { describe, expect, it } from 'vitest';
import { createKbaClient, describeCertificate, PinSet } from '../src/index.js';
import { expectKbaError } from './helpers/errors.js';
import {
  clientOptions,
  memorySink,
  requestBody,
  startSoapServer,
  validContext,
} from './helpers/soap-server.js';

const BACKUP_PIN = `sha256/${createHash('sha256').update('backup key not yet in use').digest('base64')}`;
const OTHER_PIN = `sha256/${createHash('sha256').update('someone else').digest('base64')}`;

describe('SPKI pins', () => {
  it('are computed over the full DER SubjectPublicKeyInfo, also for EC keys', async () => {
    const pki = await getTestPki();
    const ec = pki.certificates.kbaServerEc;
    const info = describeCertificate(ec.certificateDer);
    expect(info.key.type).toBe('ec');
    const spki = new X509Certificate(ec.certificateDer).publicKey.export({ type: 'spki', format: 'der' });
    expect(info.spkiPin).toBe(`sha256/${createHash('sha256').update(spki).digest('base64')}`);
    // Independent oracle: the test PKI computes its SPKI hash with @peculiar/x509.
    expect(info.spkiPin).toBe(`sha256/${ec.spkiSha256}`);
    // A pin over the bare EC point (what Node's cert.pubkey holds) would be a different value.
    const point = spki.subarray(spki.length - 97);
    expect(info.spkiPin).not.toBe(`sha256/${createHash('sha256').update(point).digest('base64')}`);
  });

  it('need at least two distinct, well-formed pins', () => {
    expect(() => PinSet.from([BACKUP_PIN])).toThrow(expect.objectContaining({ code: 'PIN_SET_INVALID' }));
    expect(() => PinSet.from([BACKUP_PIN, BACKUP_PIN])).toThrow(
      expect.objectContaining({ code: 'PIN_SET_INVALID' }),
    );
    expect(() => PinSet.from(['sha1/abc', BACKUP_PIN])).toThrow(
      expect.objectContaining({ code: 'PIN_SET_INVALID' }),
    );
    expect(PinSet.from([BACKUP_PIN, OTHER_PIN]).pins).toEqual([BACKUP_PIN, OTHER_PIN]);
  });

  it('accept a leaf pin or a CA pin, and refuse a chain that matches none with PIN_MISMATCH and an audit event', async () => {
    const pki = await getTestPki();
    const server = await startSoapServer({ certificate: pki.certificates.kbaServerEc });
    const leafPin = describeCertificate(pki.certificates.kbaServerEc.certificateDer).spkiPin;
    const caPin = describeCertificate(pki.certificates.subCa.certificateDer).spkiPin;
    const sink = memorySink();
    const leafPinned = await createKbaClient(
      await clientOptions(server, sink, { pins: [leafPin, BACKUP_PIN] }),
    );
    const caPinned = await createKbaClient(await clientOptions(server, sink, { pins: [BACKUP_PIN, caPin] }));
    const wrong = await createKbaClient(await clientOptions(server, sink, { pins: [BACKUP_PIN, OTHER_PIN] }));
    try {
      const leafResult = await leafPinned.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(leafResult.connection.matchedPins).toEqual([leafPin]);
      const caResult = await caPinned.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(caResult.connection.matchedPins).toEqual([caPin]);
      const before = server.requests.length;
      const error = await expectKbaError(
        wrong.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
      );
      expect(error.code).toBe('PIN_MISMATCH');
      expect(error.details?.presented).toContain(leafPin);
      expect(server.requests.length).toBe(before);
      const event = sink.events.find((item) => item['event.name'] === 'kba.pin.failure');
      expect(event?.['kba.pins.presented']).toContain(leafPin);
      expect(event?.['server.port']).toBe(server.port);
    } finally {
      await Promise.all([leafPinned.close(), caPinned.close(), wrong.close(), server.close()]);
    }
  });

  it('rotate without a restart: new connections use the new pins at once', async () => {
    const pki = await getTestPki();
    const server = await startSoapServer();
    const leafPin = describeCertificate(pki.certificates.kbaServer.certificateDer).spkiPin;
    const sink = memorySink();
    const client = await createKbaClient(await clientOptions(server, sink, { pins: [leafPin, BACKUP_PIN] }));
    try {
      await client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
      await client.rotatePins([BACKUP_PIN, OTHER_PIN]);
      expect(client.pins).toEqual([BACKUP_PIN, OTHER_PIN]);
      expect(sink.events.some((event) => event['event.name'] === 'kba.pins.rotated')).toBe(true);
      const error = await expectKbaError(
        client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
      );
      expect(error.code).toBe('PIN_MISMATCH');
      await client.rotatePins([BACKUP_PIN, leafPin]);
      const result = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(result.connection.matchedPins).toEqual([leafPin]);
      await expect(client.rotatePins([leafPin])).rejects.toMatchObject({ code: 'PIN_SET_INVALID' });
      expect(client.pins).toEqual([BACKUP_PIN, leafPin]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('are re-checked on a resumed TLS session, where Node skips checkServerIdentity', async () => {
    const pki = await getTestPki();
    // The server closes each connection after its response, so the next call reconnects and resumes.
    const server = await startSoapServer({ closeAfterResponse: true });
    const leafPin = describeCertificate(pki.certificates.kbaServer.certificateDer).spkiPin;
    const client = await createKbaClient(
      await clientOptions(server, memorySink(), { pins: [leafPin, BACKUP_PIN], tlsSessionResumption: true }),
    );
    try {
      const first = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
      expect(first.connection.sessionResumed).toBe(false);
      const second = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(second.connection.sessionResumed).toBe(true);
      expect(server.connections.at(-1)?.sessionReused).toBe(true);
      expect(second.connection.matchedPins).toEqual([leafPin]);

      await client.rotatePins([BACKUP_PIN, OTHER_PIN]);
      const before = server.requests.length;
      const error = await expectKbaError(
        client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
      );
      expect(error.code).toBe('PIN_MISMATCH');
      // The refused connection was a resumption: the pin check did not depend on a full handshake.
      expect(server.connections.at(-1)?.sessionReused).toBe(true);
      expect(server.requests.length).toBe(before);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('report when no backup pin is left (every pin matches the chain)', async () => {
    const pki = await getTestPki();
    const server = await startSoapServer();
    const leafPin = describeCertificate(pki.certificates.kbaServer.certificateDer).spkiPin;
    const caPin = describeCertificate(pki.certificates.subCa.certificateDer).spkiPin;
    const sink = memorySink();
    const client = await createKbaClient(await clientOptions(server, sink, { pins: [leafPin, caPin] }));
    try {
      await client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext });
      const warning = sink.events.find((event) => event['event.name'] === 'kba.pin.no_backup');
      expect(warning?.['kba.tls.pins.matched']).toEqual([leafPin, caPin]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
