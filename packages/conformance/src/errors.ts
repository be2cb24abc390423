import { EgovkitError } from '@egovkit/internal';

/** Stable error codes of `@egovkit/conformance`. Branch on these; messages may change between releases. */
export type ConformanceErrorCode =
  /** The fixtures directory or its manifest.json cannot be read. */
  | 'CONFORMANCE_FIXTURES_MISSING'
  /** manifest.json is not a version 1 conformance manifest. */
  | 'CONFORMANCE_MANIFEST_INVALID'
  /** The target is neither `{ command }` nor `{ url }`, or its template/URL is unusable. */
  | 'CONFORMANCE_TARGET_INVALID'
  /** A suite name other than osci, xhd or dvdv. */
  | 'CONFORMANCE_SUITE_UNKNOWN'
  /** A runner option (timeout, concurrency, case filter) is out of range. */
  | 'CONFORMANCE_OPTION_INVALID'
  /** No case is left after the suite and case filters. */
  | 'CONFORMANCE_NO_CASES'
  /** The test PKI could not be generated or written. */
  | 'CONFORMANCE_PKI_FAILED'
  // kept open for the error contract test of all packages
  | (string & {});

/**
 * Every error this package throws. Errors describe misuse of the kit (bad options, missing fixtures);
 * a failing implementation under test never throws: it shows up as failed cases in the report.
 */
export class ConformanceError extends EgovkitError<ConformanceErrorCode> {}
