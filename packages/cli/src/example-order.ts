import { buildXhd, examplePassportOrder } from '@egovkit/xhd';

export interface ExampleOrderOptions {
  /** Creation time of the order; the application date and the validity (PassG § 5 (1)) follow from it. */
  readonly now: Date;
  readonly bestellnummer: string;
  readonly senderkennung: string;
  readonly empfaengerkennung: string;
  readonly verfahrenskennung: string;
  /** Mark the order as a test message (`Testnachricht`). */
  readonly testnachricht?: number;
}

/**
 * The passport order of `examplePassportOrder` (@egovkit/xhd), built. Used by `egovkit xhd build --example`
 * (fixed date) and by the demo (today), which both name all parties explicitly.
 */
export function exampleOrder(options: ExampleOrderOptions) {
  return buildXhd(examplePassportOrder(options));
}
