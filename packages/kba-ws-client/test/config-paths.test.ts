import { describe, expect, it } from 'vitest';
import { resolveConfigPaths } from '../src/index.js';

describe('resolveConfigPaths', () => {
  it('makes file options absolute against the configuration directory, at any depth, and leaves the rest', () => {
    const config = {
      endpoint: 'https://kba.example/ws',
      trustAnchors: { caFile: 'ca.pem' },
      clientCertificate: { pkcs12File: 'certs/client.p12', passwordFile: '/run/secrets/p12' },
      pins: [{ caFile: ['a.pem', '/abs/b.pem'] }],
      note: 'caFile.pem',
    };
    expect(resolveConfigPaths(config, '/etc/kba')).toEqual({
      endpoint: 'https://kba.example/ws',
      trustAnchors: { caFile: '/etc/kba/ca.pem' },
      clientCertificate: { pkcs12File: '/etc/kba/certs/client.p12', passwordFile: '/run/secrets/p12' },
      pins: [{ caFile: ['/etc/kba/a.pem', '/abs/b.pem'] }],
      note: 'caFile.pem',
    });
  });

  it('passes non-object values through', () => {
    expect(resolveConfigPaths('x', '/etc')).toBe('x');
    expect(resolveConfigPaths(null, '/etc')).toBeNull();
  });
});
