/**
 * Chain heads kept for a moment in memory. A head is declared cacheable for
 * 5 s (Cache-Control on /head), so serving one up to `ttlMs` (default 1 s)
 * old adds no staleness a client does not already accept; appends made by
 * this process update it at once (read-your-writes), so only other
 * processes' appends on a shared PostgreSQL show up to `ttlMs` late. Unknown
 * keys are remembered too (a 404), bounded like the rest.
 */
import type { ChainHead, Store } from '../store/store.js';

export class HeadCache {
  readonly #heads = new Map<string, { head: ChainHead | null; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly max = 10_000,
  ) {}

  /** A fresh cached answer without waiting: the head, null (no chain), or undefined (not cached). */
  peek(key: string): ChainHead | null | undefined {
    if (this.ttlMs <= 0) return undefined;
    const hit = this.#heads.get(key);
    return hit && this.clock() - hit.at < this.ttlMs ? hit.head : undefined;
  }

  /** The head of the chain `key` belongs to, or null. */
  async get(key: string): Promise<ChainHead | null> {
    if (this.ttlMs <= 0) return this.store.headFor(key);
    const hit = this.#heads.get(key);
    const now = this.clock();
    if (hit && now - hit.at < this.ttlMs) return hit.head;
    const head = await this.store.headFor(key);
    this.#put(key, head, now);
    return head;
  }

  /** A head this process just wrote (append or fork evidence). */
  update(head: ChainHead): void {
    if (this.ttlMs <= 0) return;
    // Keys rotated into the chain point at the same head: drop them, they reload.
    for (const [k, v] of this.#heads)
      if (v.head?.chain === head.chain && k !== head.chain) this.#heads.delete(k);
    this.#put(head.chain, head, this.clock());
  }

  #put(key: string, head: ChainHead | null, at: number): void {
    this.#heads.delete(key);
    if (this.#heads.size >= this.max) this.#heads.delete(this.#heads.keys().next().value!);
    this.#heads.set(key, { head, at });
  }
}
