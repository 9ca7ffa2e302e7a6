/**
 * The explorer: from an identity or a key to the graph — the key at the
 * centre, each identity it claims with status, reason, where the proof was
 * found, when it was checked and what the result rests on. Verification runs
 * here, in the page, with @kez/core and the channel plugins (SPEC §9.2); a
 * key's graph follows SPEC §9.9 (live claims verified with the key as key
 * filter, revoked ones reported without a fetch).
 */
import { KezError, REASONS, displayKey, parseKeyRef } from '@kez/core';
import type { ReasonCode, Status } from '@kez/core';
import { verifyIdentity } from '@kez/channels/browser';
import type {
  ChainHook,
  ChainOutcome,
  ChainResolver,
  VerifyResult,
  WebSocketConstructor,
} from '@kez/channels/browser';
import { claimsOf, mainState, pageChainResolver } from './chains.js';
import type { AppConfig } from './config.js';
import { createWebNet } from './net/web-net.js';
import type { Hop } from './net/routing-transport.js';
import type { Query } from './query.js';
import { describeChainTrust, describeTrust } from './trust.js';
import type { Trust } from './trust.js';

export interface ExploreEnv {
  config: AppConfig;
  /** Unix seconds. */
  now(): number;
  fetchFn?: typeof fetch;
  webSocket?: WebSocketConstructor;
  /** Most identities verified for one key (default 40). */
  maxIdentities?: number;
  /** Verifications run at once (default 6). */
  concurrency?: number;
}

export type NodeStatus = Status | 'pending';

export interface IdentityNode {
  identity: string;
  status: NodeStatus;
  reason?: ReasonCode;
  /** The reason in words (core's table). */
  reasonText?: string;
  detail?: string;
  /** Where the deciding proof (or the failure) was found. */
  location?: string;
  /** When it was checked (ISO 8601). */
  checkedAt?: string;
  /** Why it is in the graph: asked for, a live claim of the key's chain, or a revoked one. */
  source: 'query' | 'chain-live' | 'chain-revoked';
  claimId?: string;
  /** The key that signed the deciding claim. */
  claimKey?: string;
  chain?: 'none' | 'present';
  trust?: Trust;
  hops: Hop[];
  /** Verification time, ms. */
  ms?: number;
}

export interface ChainInfo {
  status: 'found' | 'none' | 'failed';
  detail?: string;
  sources: string[];
  trust: Trust;
  live: number;
  revoked: number;
  head?: number;
  /** How the chain ends: complete, fork, gap, halted, pending. */
  end?: string;
  /** The chain's current key, when it rotated away from the one asked about. */
  current?: string;
}

export interface Graph {
  query: Query;
  /** The centre: the key asked about, or the key of the identity's proof. */
  key?: { ref: string; shown: string };
  chain?: ChainInfo;
  nodes: IdentityNode[];
  done: boolean;
}

/** Chains of one exploration, looked up once per key, with their own hop log. */
class Chains {
  readonly hops: Hop[] = [];
  readonly resolver: ChainResolver;

  constructor(env: ExploreEnv, identities: readonly string[]) {
    this.resolver = pageChainResolver({ ...env, onHop: (h) => this.hops.push(h) }, identities);
  }

  get(keyRef: string): Promise<ChainOutcome> {
    return this.resolver.lookup(keyRef);
  }

  get hook(): ChainHook {
    return this.resolver.hook();
  }
}

function applyResult(node: IdentityNode, r: VerifyResult, hops: Hop[]): void {
  node.status = r.status;
  node.reason = r.reason;
  node.reasonText = REASONS[r.reason].text;
  if (r.detail !== undefined) node.detail = r.detail;
  if (r.location !== undefined) node.location = r.location;
  node.checkedAt = r.fetchedAt;
  if (r.claimId !== undefined) node.claimId = r.claimId;
  if (r.claim) node.claimKey = r.claim.key;
  node.chain = r.chain;
  node.trust = describeTrust(r.binding, hops);
  node.hops = hops;
  node.ms = r.timings.total;
}

async function verifyNode(
  node: IdentityNode,
  key: string | undefined,
  env: ExploreEnv,
  chains: Chains,
): Promise<VerifyResult | undefined> {
  const hops: Hop[] = [];
  const net = createWebNet(env.config, {
    ...(env.fetchFn ? { fetchFn: env.fetchFn } : {}),
    ...(env.webSocket ? { webSocket: env.webSocket } : {}),
    onHop: (h) => hops.push(h),
  });
  try {
    const r = await verifyIdentity(node.identity, {
      ctx: { net, config: env.config.channels, now: env.now },
      ...(key ? { key } : {}),
      chain: chains.hook,
    });
    applyResult(node, r, hops);
    return r;
  } catch (e) {
    // verifyIdentity returns bad proofs; what escapes is a usage or programming error.
    const reason: ReasonCode = e instanceof KezError ? e.code : 'network_error';
    node.status = REASONS[reason].status;
    node.reason = reason;
    node.reasonText = REASONS[reason].text;
    node.detail = (e as Error).message;
    node.checkedAt = new Date(env.now() * 1000).toISOString();
    node.trust = describeTrust(undefined, hops);
    node.hops = hops;
    return undefined;
  }
}

/** Run `tasks` with at most `n` at once. */
async function pool(tasks: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
}

function chainInfo(c: ChainOutcome, hops: Hop[]): ChainInfo {
  const trust = describeChainTrust(hops);
  const sources = c.sources.map((r) => `${r.kind} ${r.location}: ${r.outcome}`);
  if (c.type === 'none') return { status: 'none', sources, trust, live: 0, revoked: 0 };
  if (c.type === 'failed')
    return { status: 'failed', detail: c.detail, sources, trust, live: 0, revoked: 0 };
  const s = mainState(c)!;
  const { live, revoked } = claimsOf(c);
  const info: ChainInfo = {
    status: 'found',
    sources,
    trust,
    live: live.length,
    revoked: revoked.length,
    end: s.end.kind,
  };
  if (s.head) info.head = s.head.seq;
  if (s.current && s.current !== s.chain) info.current = s.current;
  return info;
}

/** Add the identities of `keyRef`'s chain (SPEC §9.9) to the graph, verifying the live ones. */
async function addChainIdentities(
  graph: Graph,
  keyRef: string,
  env: ExploreEnv,
  chains: Chains,
  update: () => void,
): Promise<void> {
  const c = await chains.get(keyRef);
  graph.chain = chainInfo(c, chains.hops);
  update();
  if (c.type !== 'found') return;
  const claims = claimsOf(c);
  const known = new Set(graph.nodes.map((n) => n.identity));
  const live = [...new Set(claims.live.map((l) => l.claim.subject))].filter((id) => !known.has(id));
  const max = env.maxIdentities ?? 40;
  const checks: (() => Promise<void>)[] = [];
  for (const identity of live.slice(0, max)) {
    const node: IdentityNode = { identity, status: 'pending', source: 'chain-live', hops: [] };
    graph.nodes.push(node);
    known.add(identity);
    checks.push(async () => {
      await verifyNode(node, keyRef, env, chains);
      update();
    });
  }
  // SPEC §9.9: revoked claims are reported revoked without a fetch.
  for (const r of claims.revoked) {
    if (!r.claim || known.has(r.claim.subject)) continue;
    known.add(r.claim.subject);
    graph.nodes.push({
      identity: r.claim.subject,
      status: 'revoked',
      reason: 'revoked',
      reasonText: REASONS.revoked.text,
      detail: `revoked at seq ${r.revoked.seq}${r.reason !== undefined ? ` (${r.reason})` : ''}`,
      checkedAt: new Date(env.now() * 1000).toISOString(),
      source: 'chain-revoked',
      claimKey: r.claim.key,
      chain: 'present',
      trust: {
        level: 'signed',
        relayed: graph.chain.trust.relayed,
        title: 'Revoked in the sigchain',
        text: 'A signed revoke event in the key’s sigchain withdrew this claim; no proof needs fetching.',
      },
      hops: [],
    });
  }
  update();
  await pool(checks, env.concurrency ?? 6);
}

/**
 * Explore an identity or a key. `onUpdate` sees the graph grow: pending nodes
 * first, each settling as its verification ends.
 *
 * @example
 * const g = await explore(parseQuery('github:jason'), { config, now: () => Math.floor(Date.now() / 1000) });
 * g.nodes.map((n) => `${n.identity} ${n.status}`)
 */
export async function explore(
  query: Query,
  env: ExploreEnv,
  onUpdate?: (graph: Graph) => void,
): Promise<Graph> {
  const graph: Graph = { query, nodes: [], done: false };
  const update = () => onUpdate?.(graph);
  // An identity asked about is also a place its key's chain may live (a gist, a _kez-chain record).
  const chains = new Chains(env, query.kind === 'identity' ? [query.identity] : []);
  let keyRef: string | undefined;
  if (query.kind === 'key') {
    keyRef = query.key;
  } else {
    const node: IdentityNode = {
      identity: query.identity,
      status: 'pending',
      source: 'query',
      hops: [],
    };
    graph.nodes.push(node);
    update();
    const r = await verifyNode(node, undefined, env, chains);
    // The centre is the chain the deciding claim belongs to.
    if (r?.claim) keyRef = r.claim.primary ?? r.claim.key;
  }
  if (keyRef) {
    graph.key = { ref: keyRef, shown: displayKey(parseKeyRef(keyRef)) };
    update();
    await addChainIdentities(graph, keyRef, env, chains, update);
  }
  graph.done = true;
  update();
  return graph;
}
