import { EgovkitError } from '@egovkit/internal';
import { expect } from 'vitest';

type ErrorClass = new (
  code: string,
  message: string,
  options?: { cause?: unknown; details?: Readonly<Record<string, unknown>> },
) => EgovkitError;

/**
 * Asserts what every package's error class promises: an Error subclass named after the class, with the
 * code, message, details and cause it was given, and a JSON form without the stack.
 */
export function expectErrorClassContract(ErrorClass: ErrorClass, expectedName: string): void {
  const cause = new Error('underlying');
  const error = new ErrorClass('CONTRACT_CODE', 'contract message', { cause, details: { field: 'x' } });
  expect(error).toBeInstanceOf(Error);
  expect(error).toBeInstanceOf(EgovkitError);
  expect(error).toBeInstanceOf(ErrorClass);
  expect(error.name).toBe(expectedName);
  expect(error.code).toBe('CONTRACT_CODE');
  expect(error.message).toBe('contract message');
  expect(error.details).toEqual({ field: 'x' });
  expect(error.cause).toBe(cause);
  expect(JSON.parse(JSON.stringify(error))).toEqual({
    name: expectedName,
    code: 'CONTRACT_CODE',
    message: 'contract message',
    details: { field: 'x' },
    cause: { name: 'Error', message: 'underlying' },
  });
}
