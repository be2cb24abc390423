import { EgovkitError } from '@egovkit/internal';

export type TestkitErrorCode =
  | 'TESTKIT_BINARY_MISSING'
  | 'TESTKIT_SERVER_EXITED'
  | 'TESTKIT_SERVER_START_TIMEOUT'
  | 'TESTKIT_PKI_MANIFEST_INVALID';

/** Raised by the testkit when a server cannot be started or the test PKI cannot be loaded. */
export class TestkitError extends EgovkitError<TestkitErrorCode> {}
