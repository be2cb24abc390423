export type { EgovkitErrorOptions } from '@egovkit/internal';
export { KbaWsError } from './errors.js';
