import { expectErrorClassContract } from '@egovkit/testkit';
import { describe, it } from 'vitest';
import { OsciError } from '../src/index.js';

describe('OsciError', () => {
  it('keeps the error contract of all egovkit packages', () => {
    expectErrorClassContract(OsciError, 'OsciError', 'EXAMPLE_CODE');
  });
});
