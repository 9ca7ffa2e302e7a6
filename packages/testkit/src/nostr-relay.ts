// A real nostr relay on loopback: the @nostr-relay/* library (NIP-01 handling,
// event validation, SQLite storage) behind a `ws` server, run as a child
// process (../bin/nostr-relay.mjs) so a crash or a hang cannot take the test
// process with it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peer, type Peer } from './peer.js';
import { DEFAULT_TIMEOUT_MS, ManagedProcess, makeTempDir, removeTempDir } from './process.js';

export interface NostrRelayOptions {
  /** Keep events in memory instead of a SQLite file in the temp dir. Default false. */
  inMemory?: boolean;
  /** Readiness timeout. */
  timeoutMs?: number;
}

export interface NostrRelay extends Peer {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  port: number;
  logs(): string;
}

const script = fileURLToPath(new URL('../bin/nostr-relay.mjs', import.meta.url));

/** Starts a relay; resolves once it accepts websocket connections. */
export async function startNostrRelay(opts: NostrRelayOptions = {}): Promise<NostrRelay> {
  const dir = makeTempDir('nostr');
  const proc = new ManagedProcess(process.execPath, [script], {
    name: 'nostr-relay',
    cwd: dir,
    stdinPipe: true,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      KEZ_RELAY_PORT: '0',
      KEZ_RELAY_DB: opts.inMemory ? ':memory:' : join(dir, 'events.db'),
    },
  });
  const stopOnce = async (): Promise<void> => {
    await proc.stop('SIGTERM', 2000);
    await removeTempDir(dir);
  };
  let port: number;
  try {
    const m = await proc.waitForOutput(/listening (\d+)/, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    port = Number(m[1]);
  } catch (e) {
    await stopOnce();
    throw e;
  }
  return peer({ url: `ws://127.0.0.1:${port}`, port, logs: () => proc.output() }, stopOnce);
}
