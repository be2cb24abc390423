import { expectErrorClassContract } from '@egovkit/testkit';
import { describe, it } from 'vitest';
import { XhdError } from '../src/index.js';

describe('XhdError', () => {
  it('keeps the error contract of all egovkit packages', () => {
    expectErrorClassContract(XhdError, 'XhdError', 'EXAMPLE_CODE');
  });
});
