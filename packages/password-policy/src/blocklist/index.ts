export {
  type Blocklist,
  type BlocklistMatch,
  type BlocklistOptions,
  combineBlocklists,
  containsContextToken,
  contextSearchTexts,
  createBlocklist,
  findContextWord,
  loadBlocklistFile,
  loadDefaultBlocklist,
} from './blocklist.js';
export { keysTouch, longestKeyboardWalk, MIN_WALK_KEYS } from './keyboard.js';
export {
  type Candidates,
  contextTokens,
  foldCase,
  MAX_CHECKED_LENGTH,
  normalisedCandidates,
} from './normalise.js';
