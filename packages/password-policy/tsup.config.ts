import { packageBuild } from '../../tooling/tsup.shared.js';

// `zxcvbn` is its own entry so that the optional zxcvbn-ts packages load only for those who import it.
export default packageBuild({ index: 'src/index.ts', zxcvbn: 'src/zxcvbn.ts' });
