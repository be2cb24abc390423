import { expectErrorClassContract } from '@egovkit/testkit';
import { describe, it } from 'vitest';
import { DvdvError } from '../src/index.js';

describe('DvdvError', () => {
  it('keeps the error contract of all egovkit packages', () => {
    expectErrorClassContract(DvdvError, 'DvdvError', 'EXAMPLE_CODE');
  });
});
