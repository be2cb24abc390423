export type { EgovkitErrorOptions } from '@egovkit/internal';
export { PasswordPolicyError } from './errors.js';
