import { expectErrorClassContract } from '@egovkit/testkit';
import { describe, it } from 'vitest';
import { PasswordPolicyError } from '../src/index.js';

describe('PasswordPolicyError', () => {
  it('keeps the error contract of all egovkit packages', () => {
    expectErrorClassContract(PasswordPolicyError, 'PasswordPolicyError', 'POLICY_INVALID');
  });
});
