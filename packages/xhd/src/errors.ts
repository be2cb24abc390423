import { EgovkitError } from '@egovkit/internal';

/** Every error this package throws; branch on `code`, which is stable across releases. */
export class XhdError extends EgovkitError {}
