import { describe, expect, it } from 'vitest';
import { EgovkitError } from '../src/index.js';

class SampleError extends EgovkitError<'SAMPLE_FAILED' | 'SAMPLE_LIMIT'> {}

describe('EgovkitError', () => {
  it('carries a stable code, the subclass name and the message', () => {
    const error = new SampleError('SAMPLE_FAILED', 'the sample failed');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(EgovkitError);
    expect(error.name).toBe('SampleError');
    expect(error.code).toBe('SAMPLE_FAILED');
    expect(error.message).toBe('the sample failed');
    expect(error.details).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it('serialises to JSON with details and a summarised cause, without the stack', () => {
    const root = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = new SampleError('SAMPLE_LIMIT', 'too large', {
      cause: root,
      details: { limit: 10, actual: 12 },
    });
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toEqual({
      name: 'SampleError',
      code: 'SAMPLE_LIMIT',
      message: 'too large',
      details: { limit: 10, actual: 12 },
      cause: { name: 'Error', code: 'ECONNRESET', message: 'socket hang up' },
    });
    expect(error.cause).toBe(root);
  });

  it('nests the JSON form of an egovkit cause and stringifies foreign values', () => {
    const inner = new SampleError('SAMPLE_FAILED', 'inner');
    expect(new SampleError('SAMPLE_LIMIT', 'outer', { cause: inner }).toJSON().cause).toEqual(inner.toJSON());
    expect(new SampleError('SAMPLE_LIMIT', 'outer', { cause: 42 }).toJSON().cause).toBe('42');
  });
});
