/**
 * Does a message's signing key speak for its sender? Trivially when `key` is
 * `from`; otherwise `key` must be the current key or a live device of the
 * sender's sigchain — asked of the sigchain itself, not of the chat-server.
 */
import { judgeLoginKey } from '../auth-callout/decide.js';
import type { ChainSource } from '../chain/chain-source.js';

/**
 * - self: key is the sender's own id key
 * - ok: the sender's sigchain lists key as its current key or a live device
 * - refused: the sigchain says no (rotated away, revoked device, not in the chain)
 * - unverified: no sigchain source, or it could not be asked
 */
export type Binding = 'self' | 'ok' | 'refused' | 'unverified';

/** @example await new KeyBindings(chains).check(event.from, event.key, now) */
export class KeyBindings {
  readonly #chains: ChainSource | undefined;

  constructor(chains?: ChainSource) {
    this.#chains = chains;
  }

  async check(from: string, key: string, now: number): Promise<Binding> {
    if (key === from) return 'self';
    if (!this.#chains) return 'unverified';
    const chain = await this.#chains.lookup(from);
    if (chain.type === 'failed') return 'unverified';
    // The same rule the log-in uses, with the sender's id as the primary.
    const r = judgeLoginKey(
      { kez: '0.2', type: 'chat-login', key, primary: from, nonce: '', created_at: now, sig: '' },
      chain,
      now,
    );
    return r.allow && r.userId === from ? 'ok' : 'refused';
  }
}
