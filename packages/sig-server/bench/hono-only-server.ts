/**
 * The sig-server with its head lane off, so hono answers every request (the
 * bench's "through hono" head line). Settings from the environment, as bin.ts.
 */
import { startSigServer } from '../src/server.js';

const server = await startSigServer({ headLane: false });
process.stdout.write(`listening on ${server.url}\n`);
for (const s of ['SIGTERM', 'SIGINT'] as const)
  process.once(s, () => void server.close().then(() => process.exit(0)));
