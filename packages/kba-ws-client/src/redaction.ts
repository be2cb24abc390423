/**
 * Masks personal data that may show up in free text we log (SOAP fault reasons, error messages):
 * vehicle identification numbers, German number plates, dates (birth dates), e-mail addresses and long
 * digit runs (document or account numbers). Payloads themselves are never logged, only their digests.
 */
export type Redactor = (text: string) => string;

const PATTERNS: readonly RegExp[] = [
  /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g,
  /\b[A-HJ-NPR-Z0-9]{17}\b/g,
  /\b[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}[- ]?\d{1,4}[EH]?\b/g,
  /\b\d{1,2}\.\d{1,2}\.\d{2,4}\b/g,
  /\b\d{4}-\d{2}-\d{2}\b/g,
  /\b\d{6,}\b/g,
];

export const redactPersonalData: Redactor = (text) => {
  let result = text;
  for (const pattern of PATTERNS) result = result.replace(pattern, '[redacted]');
  return result;
};
