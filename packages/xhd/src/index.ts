export type { EgovkitErrorOptions } from '@egovkit/internal';
export { XhdError } from './errors.js';
