/** Estimates how hard a password is to guess, on zxcvbn's 0–4 scale. */
export interface StrengthEstimator {
  score(password: string, userInputs: readonly string[]): number | Promise<number>;
}
