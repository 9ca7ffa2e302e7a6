/** Node's native primitives under core; app.ts imports this path. */
import '@kez/core-node/install';
