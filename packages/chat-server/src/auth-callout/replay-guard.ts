/**
 * Nonces already used for a log-in, remembered for as long as a log-in can be
 * accepted (policy.maxAge + skew), bounded in size. nats-server makes a fresh
 * nonce per connection, so a repeat means the same auth request came twice
 * (a replayed or duplicated request): the second one is refused.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #ttl: number;
  readonly #max: number;

  /** @example new ReplayGuard(420) // seconds a nonce stays remembered */
  constructor(ttlSeconds: number, maxEntries = 200_000) {
    this.#ttl = ttlSeconds;
    this.#max = maxEntries;
  }

  /** Record `nonce` at `now`; true when it was already recorded and still remembered. */
  check(nonce: string, now: number): boolean {
    const at = this.#seen.get(nonce);
    if (at !== undefined && now - at <= this.#ttl) return true;
    if (this.#seen.size >= this.#max) this.#evict(now);
    this.#seen.set(nonce, now);
    return false;
  }

  /** Insertion order is time order: drop expired entries from the front, or the oldest half. */
  #evict(now: number): void {
    let dropped = 0;
    for (const [nonce, at] of this.#seen) {
      if (now - at <= this.#ttl && dropped >= this.#max / 2) break;
      this.#seen.delete(nonce);
      dropped++;
    }
  }

  get size(): number {
    return this.#seen.size;
  }
}
