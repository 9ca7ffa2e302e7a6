/**
 * The transparency log over accepted events: leaf i is the i-th event the
 * server stored (primary or fork evidence), leaf data its JCS. The tree lives
 * in memory and catches up from the store before each answer, so several
 * processes on one database serve the same log. Tree heads are signed
 * checkpoints (checkpoint.ts).
 */
import type { Store } from '../store/store.js';
import { signCheckpoint } from './checkpoint.js';
import type { NoteSigner } from './checkpoint.js';
import { MerkleTree } from './tree.js';

export interface SignedHead {
  origin: string;
  size: number;
  root: Uint8Array;
  /** The signed note. */
  checkpoint: string;
}

export class TransparencyLog {
  readonly #tree = new MerkleTree();
  #lock: Promise<unknown> = Promise.resolve();
  #signed: SignedHead | null = null;

  constructor(
    private readonly store: Store,
    readonly signer: NoteSigner,
  ) {}

  get origin(): string {
    return this.signer.name;
  }

  /** Bring the tree up to the store's log size (one sync at a time). */
  sync(): Promise<number> {
    const run = this.#lock.then(async () => {
      const size = await this.store.logSize();
      const have = this.#tree.size;
      if (size > have) {
        const hashes = await this.store.leafHashes(have, size);
        if (hashes.length !== size - have)
          throw new Error(`the store returned ${hashes.length} leaves for ${have}..${size}`);
        for (const h of hashes) this.#tree.append(h);
      }
      return this.#tree.size;
    });
    this.#lock = run.catch(() => {});
    return run;
  }

  /** The signed head of the whole log now. */
  async head(): Promise<SignedHead> {
    const size = await this.sync();
    if (this.#signed?.size !== size) {
      const root = this.#tree.root(size);
      this.#signed = {
        origin: this.origin,
        size,
        root,
        checkpoint: signCheckpoint({ origin: this.origin, size, root }, this.signer),
      };
    }
    return this.#signed;
  }

  /** Audit path of `leaf` in the tree of `size` leaves (RangeError when out of range). */
  async inclusion(leaf: number, size: number): Promise<Uint8Array[]> {
    await this.sync();
    return this.#tree.inclusionProof(leaf, size);
  }

  async consistency(from: number, to: number): Promise<Uint8Array[]> {
    await this.sync();
    return this.#tree.consistencyProof(from, to);
  }

  async size(): Promise<number> {
    return this.sync();
  }
}
