/** Side-effect entry for Node programs: `import '@kez/core-node/install'` first thing. */
import { installNodeCrypto } from './index.js';

installNodeCrypto();
