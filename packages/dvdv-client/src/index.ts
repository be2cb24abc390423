export type { EgovkitErrorOptions } from '@egovkit/internal';
export { DvdvError } from './errors.js';
