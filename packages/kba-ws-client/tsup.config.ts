import { packageBuild } from '../../tooling/tsup.shared.js';

export default packageBuild({ index: 'src/index.ts', cli: 'src/cli.ts' });
