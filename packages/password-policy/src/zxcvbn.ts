import { type OptionsType, ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as germanDictionary, translations as germanTranslations } from '@zxcvbn-ts/language-de';
import type { StrengthEstimator } from './policy/strength.js';

/**
 * A strength estimator backed by zxcvbn-ts with the common and the German language packs (German words, first
 * and last names, QWERTZ keyboard). Optional: install `@zxcvbn-ts/core`, `@zxcvbn-ts/language-common` and
 * `@zxcvbn-ts/language-de` to use it; the rest of the package does not load them.
 */
export function createZxcvbnEstimator(
  options: { readonly extraWords?: readonly string[] } = {},
): StrengthEstimator {
  const zxcvbnOptions: OptionsType = {
    dictionary: {
      ...commonDictionary,
      ...germanDictionary,
      ...(options.extraWords === undefined ? {} : { egovkitExtra: [...options.extraWords] }),
    },
    graphs: adjacencyGraphs,
    translations: germanTranslations,
  };
  const factory = new ZxcvbnFactory(zxcvbnOptions);
  return {
    score(password, userInputs) {
      return factory.check(password, [...userInputs]).score;
    },
  };
}
