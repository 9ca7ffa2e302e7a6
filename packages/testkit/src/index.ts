// @kez/testkit: real peers on loopback for KEZ tests. Each start*() picks free
// ports, works in its own dir under os.tmpdir(), resolves once the peer is
// ready (bounded by a timeout) and returns an object with `stop()` that is
// also AsyncDisposable (`await using relay = await startNostrRelay()`). Peer
// processes die with the test process, even when it is killed.
export { freePort } from './ports.js';
export { countVerifies } from './count-verifies.js';
export { median } from './stats.js';
export { buildChain, fastClaim, fastEvent, fastKey, seed } from './chain.js';
export type { FastKey, OpBody } from './chain.js';
export type { Peer } from './peer.js';
export {
  startNatsServer,
  type NatsServer,
  type NatsServerOptions,
  type NatsPorts,
} from './nats.js';
export { startKnot, txtRdata, type Knot, type KnotOptions, type TxtValue } from './knot.js';
export { startDnsdist, type Dnsdist, type DnsdistOptions } from './dnsdist.js';
export { startPostgres, type Postgres, type PostgresOptions } from './postgres.js';
export { startNostrRelay, type NostrRelay, type NostrRelayOptions } from './nostr-relay.js';
export {
  startSnac,
  type Snac,
  type SnacAccount,
  type SnacNote,
  type SnacOptions,
  type SnacProfile,
} from './snac.js';
export {
  chromiumFlags,
  chromiumPath,
  ensureTools,
  natsServerBin,
  postgresBinDir,
  repoRoot,
} from './tools.js';
