import { expect } from 'vitest';
import { KbaWsError } from '../../src/index.js';

/** Awaits a promise that must reject with a KbaWsError (with `code`, when given) and returns the error. */
export async function expectKbaError(promise: Promise<unknown>, code?: string): Promise<KbaWsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, code === undefined ? 'expected a KbaWsError' : `expected ${code}`).toBeInstanceOf(KbaWsError);
  if (code !== undefined) expect((error as KbaWsError).code, (error as Error).message).toBe(code);
  return error as KbaWsError;
}
