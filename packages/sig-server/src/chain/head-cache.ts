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
  /** chain → the other keys cached with its head (keys rotated into it), so an append drops just those. */
  readonly #aliases = new Map<string, Set<string>>();

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
    const aliases = this.#aliases.get(head.chain);
    if (aliases) for (const k of aliases) this.#delete(k);
    this.#put(head.chain, head, this.clock());
  }

  /** Entries cached (for tests). */
  get size(): number {
    return this.#heads.size;
  }

  #put(key: string, head: ChainHead | null, at: number): void {
    this.#delete(key);
    if (this.#heads.size >= this.max) this.#delete(this.#heads.keys().next().value!);
    this.#heads.set(key, { head, at });
    if (head && key !== head.chain) {
      let set = this.#aliases.get(head.chain);
      if (!set) this.#aliases.set(head.chain, (set = new Set()));
      set.add(key);
    }
  }

  #delete(key: string): void {
    const old = this.#heads.get(key);
    if (!old) return;
    this.#heads.delete(key);
    const chain = old.head?.chain;
    if (chain === undefined || chain === key) return;
    const set = this.#aliases.get(chain);
    set?.delete(key);
    if (set?.size === 0) this.#aliases.delete(chain);
  }
}
