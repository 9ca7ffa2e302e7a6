/**
 * The primary line of recently used chains, parsed, per process. A chain's
 * stored events never change (rows are append-only), so a cached prefix stays
 * right; only its end may be behind another process's appends, which the head
 * read from the database at each request reveals.
 */
import type { ChainHead, Store } from '../store/store.js';

export interface PrimaryLine {
  /** Parsed events, seq 1.. in order. */
  values: object[];
  /** Their event ids. */
  ids: string[];
}

export class ChainCache {
  readonly #lines = new Map<string, PrimaryLine>();
  #events = 0;

  constructor(
    private readonly store: Store,
    /** Most events kept over all chains. */
    private readonly maxEvents = 200_000,
  ) {}

  /**
   * The stored primary line up to `head` (empty when there is no head).
   * @example const line = await cache.primary(chain, await store.head(chain));
   */
  async primary(chain: string, head: ChainHead | null): Promise<PrimaryLine> {
    if (!head) return { values: [], ids: [] };
    let line = this.#lines.get(chain);
    if (line && line.ids.length > head.seq) line = undefined; // cannot happen: rows are never removed
    if (!line) line = { values: [], ids: [] };
    if (line.ids.length < head.seq) {
      const rows = await this.store.primaryEvents(chain, line.ids.length);
      // Copy: a concurrent request may hold the old arrays.
      line = { values: [...line.values], ids: [...line.ids] };
      for (const r of rows) {
        line.values.push(JSON.parse(r.body) as object);
        line.ids.push(r.id);
      }
    }
    this.#put(chain, line);
    return line;
  }

  /** Record events just stored at the end of a chain's primary line. */
  extend(chain: string, line: PrimaryLine, added: { value: object; id: string }[]): void {
    this.#put(chain, {
      values: [...line.values, ...added.map((a) => a.value)],
      ids: [...line.ids, ...added.map((a) => a.id)],
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
