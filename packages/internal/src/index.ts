export { EgovkitError, type EgovkitErrorOptions } from './errors.js';
