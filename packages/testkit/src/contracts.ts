import { EgovkitError, type EgovkitErrorOptions } from '@egovkit/internal';
import { expect } from 'vitest';

/**
 * Asserts what every package's error class promises: an Error subclass named after the class, with the
 * code, message, details and cause it was given, and a JSON form without the stack.
 */
export function expectErrorClassContract<Code extends string>(
  ErrorClass: new (code: Code, message: string, options?: EgovkitErrorOptions) => EgovkitError<Code>,
  expectedName: string,
  code: Code,
): void {
  const cause = new Error('underlying');
  const error = new ErrorClass(code, 'contract message', { cause, details: { field: 'x' } });
  expect(error).toBeInstanceOf(Error);
  expect(error).toBeInstanceOf(EgovkitError);
  expect(error).toBeInstanceOf(ErrorClass);
  expect(error.name).toBe(expectedName);
  expect(error.code).toBe(code);
  expect(error.message).toBe('contract message');
  expect(error.details).toEqual({ field: 'x' });
  expect(error.cause).toBe(cause);
  expect(JSON.parse(JSON.stringify(error))).toEqual({
    name: expectedName,
    code,
    message: 'contract message',
    details: { field: 'x' },
    cause: { name: 'Error', message: 'underlying' },
  });
}
