import { expectErrorClassContract } from '@egovkit/testkit';
import { describe, it } from 'vitest';
import { KbaWsError } from '../src/index.js';

describe('KbaWsError', () => {
  it('keeps the error contract of all egovkit packages', () => {
    expectErrorClassContract(KbaWsError, 'KbaWsError', 'EXAMPLE_CODE');
  });
});
