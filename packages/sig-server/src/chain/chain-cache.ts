/**
 * The primary line of recently used chains, per process, with core's
 * processed state of it, so an append validates only its new events
 * (core extendChain) instead of the whole chain again.
 *
 * Stored events never change (rows are append-only), so a cached line stays
 * right; only its end may be behind another process's appends on a shared
 * PostgreSQL. Each use compares it with the head just read from the database:
 * rows it lacks are read and validated on top of it (their signatures
 * checked here too: another process wrote them), and a line that disagrees
 * with the head is dropped and read again whole.
 */
import type { ChainState } from '@kez/core';
import { extendChain, validateChain } from '@kez/core';
import { yieldToEventLoop } from '@kez/core-node';
import type { ChainHead, Store } from '../store/store.js';

export interface PrimaryLine {
  /** Parsed events, seq 1.. in order. */
  values: readonly object[];
  /** Their event ids. */
  ids: readonly string[];
  /** core's state of `values` (null for no events); extend it (extendChain), never change it. */
  state: ChainState | null;
}

const EMPTY: PrimaryLine = { values: [], ids: [], state: null };

export class ChainCache {
  readonly #lines = new Map<string, PrimaryLine>();
  #events = 0;

  constructor(
    private readonly store: Store,
    /** Most events kept over all chains: about 1 KB each (the parsed event and core's state of it). */
    private readonly maxEvents = 100_000,
  ) {}

  /**
   * The stored primary line up to at least `head` (empty when there is no
   * head), with its state at `now` (unix seconds).
   * @example const line = await cache.primary(chain, await store.head(chain), now);
   */
  async primary(chain: string, head: ChainHead | null, now: number): Promise<PrimaryLine> {
    if (!head) return EMPTY;
    let line = this.#lines.get(chain);
    // Rows are never removed or replaced; a line that disagrees with the head is not trusted.
    if (line && line.ids.length >= head.seq && line.ids[head.seq - 1] !== head.id) line = undefined;
    if (!line || line.ids.length < head.seq) {
      const base = line ?? EMPTY;
      const rows = await this.store.primaryEvents(chain, base.ids.length);
      const values = rows.map((r) => JSON.parse(r.body) as object);
      // A cold line can be long: let other requests run between batches of signature checks.
      const state = base.state
        ? await extendChain(base.state, values, { now, pause: yieldToEventLoop })
        : await validateChain(values, { now, chain, pause: yieldToEventLoop });
      // New arrays: a concurrent request may hold the old ones.
      line = {
        values: [...base.values, ...values],
        ids: [...base.ids, ...rows.map((r) => r.id)],
        state,
      };
    }
    this.#put(chain, line);
    return line;
  }

  /** Record events just stored at the end of `line`; `state`: core's state of the line with them. */
  extend(
    chain: string,
    line: PrimaryLine,
    added: readonly { value: object; id: string }[],
    state: ChainState,
  ): void {
    this.#put(chain, {
      values: [...line.values, ...added.map((a) => a.value)],
      ids: [...line.ids, ...added.map((a) => a.id)],
      state,
    });
  }

  #put(chain: string, line: PrimaryLine): void {
    const old = this.#lines.get(chain);
    if (old) {
      this.#events -= old.ids.length;
      this.#lines.delete(chain);
    }
    this.#lines.set(chain, line);
    this.#events += line.ids.length;
    // Least recently used first (Map keeps insertion order; a use re-inserts).
    for (const [k, v] of this.#lines) {
      if (this.#events <= this.maxEvents || k === chain) break;
      this.#lines.delete(k);
      this.#events -= v.ids.length;
    }
  }
}
