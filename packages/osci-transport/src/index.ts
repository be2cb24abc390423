export type { EgovkitErrorOptions } from '@egovkit/internal';
export { OsciError } from './errors.js';
