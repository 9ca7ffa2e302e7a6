/**
 * Sigchains for the log-in decision and for message senders: fetched from
 * the configured sig-servers (SPEC §8.10: `GET {server}/v1/chains/{keyref}`,
 * 200 with a JSONL bundle, 404 = none), merged, processed with core's
 * validateChain, and cached briefly. Concurrent lookups of one key share one
 * fetch, so a burst of log-ins does not become a burst of HTTP requests.
 *
 * A sig-server is never trusted (SPEC §11.4): events are self-authenticating
 * and only a definitive 404 from every server means "no chain".
 */
import { parseBundle, validateChain } from '@kez/core';
import type { Json, ReasonCode } from '@kez/core';
import type { ChainLookup } from '../auth-callout/decide.js';

export interface ChainSource {
  /** The processed chain that belongs to `keyRef`, none, or why it could not be had. */
  lookup(keyRef: string): Promise<ChainLookup>;
}

export interface SigServerChainsOptions {
  /** Base URLs of the sig-servers to ask (at least one). */
  servers: readonly string[];
  /** Seconds a result is reused (default 5). 0: always fetch. */
  ttl?: number;
  /** Per-request timeout, ms (default 3000). */
  timeoutMs?: number;
  /** Largest bundle accepted, bytes (default 1 MiB, SPEC §8.9). */
  maxBytes?: number;
  /** Unix seconds. */
  now?: () => number;
  fetch?: typeof fetch;
}

type Fetched = { type: 'events'; events: Json[] } | { type: 'none' } | FailedFetch;
type FailedFetch = { type: 'failed'; reason: ReasonCode; detail: string };

interface Entry {
  at: number;
  result: Promise<ChainLookup>;
}

/**
 * core's `pause` hook here. This file is part of the browser-safe @kez/chat-server/protocol
 * (the web app bundles it), so not @kez/core-node's yieldToEventLoop: setTimeout exists in
 * browsers and Node alike, setImmediate only in Node.
 */
const yieldTurn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * @example const chains = new SigServerChains({ servers: ['http://127.0.0.1:8787'] });
 *          await chains.lookup('ed25519:3d40…') // { type: 'found', state } | { type: 'none' } | …
 */
export class SigServerChains implements ChainSource {
  readonly #servers: readonly string[];
  readonly #ttl: number;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  readonly #cache = new Map<string, Entry>();

  constructor(opts: SigServerChainsOptions) {
    if (opts.servers.length === 0) throw new Error('SigServerChains needs at least one server');
    this.#servers = opts.servers.map((s) => s.replace(/\/+$/, ''));
    this.#ttl = opts.ttl ?? 5;
    this.#timeoutMs = opts.timeoutMs ?? 3000;
    this.#maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.#fetch = opts.fetch ?? fetch;
  }

  lookup(keyRef: string): Promise<ChainLookup> {
    const now = this.#now();
    const hit = this.#cache.get(keyRef);
    if (hit && now - hit.at < this.#ttl) return hit.result;
    const result = this.#load(keyRef, now);
    if (this.#cache.size > 50_000) this.#cache.clear();
    this.#cache.set(keyRef, { at: now, result });
    // Failures are never reused (SPEC §9.8: unreachable is never cached as truth).
    void result.then((r) => {
      if (r.type === 'failed' && this.#cache.get(keyRef)?.result === result)
        this.#cache.delete(keyRef);
    });
    return result;
  }

  /** Forget cached chains (all, or one key's). */
  forget(keyRef?: string): void {
    if (keyRef === undefined) this.#cache.clear();
    else this.#cache.delete(keyRef);
  }

  async #load(keyRef: string, now: number): Promise<ChainLookup> {
    const answers = await Promise.all(this.#servers.map((s) => this.#fetchOne(s, keyRef)));
    const events = answers.flatMap((a) => (a.type === 'events' ? a.events : []));
    const failed = answers.find((a): a is FailedFetch => a.type === 'failed');
    if (events.length === 0) return failed ?? { type: 'none' };
    // A server that failed may hold what the others withhold: an incomplete
    // view must not decide a log-in (SPEC §8.10, §11.4).
    if (failed) return failed;
    // Other log-ins wait on this event loop: let them run between batches of signature checks.
    const state = await validateChain(events, { now, pause: yieldTurn });
    return { type: 'found', state };
  }

  async #fetchOne(server: string, keyRef: string): Promise<Fetched> {
    const url = `${server}/v1/chains/${encodeURIComponent(keyRef)}`;
    let res: Response;
    try {
      res = await this.#fetch(url, {
        headers: { accept: 'application/jsonl' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const timeout = e instanceof Error && e.name === 'TimeoutError';
      return {
        type: 'failed',
        reason: timeout ? 'timeout' : 'chain_unavailable',
        detail: `${url}: ${timeout ? 'no answer in time' : (e as Error).message}`,
      };
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return { type: 'none' };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return { type: 'failed', reason: 'chain_unavailable', detail: `${url}: HTTP ${res.status}` };
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length > this.#maxBytes)
      return {
        type: 'failed',
        reason: 'too_large',
        detail: `${url}: bundle over ${this.#maxBytes} bytes`,
      };
    try {
      return { type: 'events', events: parseBundle(body, { maxBytes: this.#maxBytes }) };
    } catch (e) {
      return { type: 'failed', reason: 'bad_response', detail: `${url}: ${(e as Error).message}` };
    }
  }
}

/** A chain source that never finds a chain: keys stand alone (no sig-server configured). */
export const NO_CHAINS: ChainSource = { lookup: () => Promise.resolve({ type: 'none' }) };
