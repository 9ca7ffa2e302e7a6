/**
 * The storage interface (style §6 rule 17). Two backends implement it:
 * sqlite.ts (embedded, default) and postgres.ts (several servers on one
 * database). Stored events were checked by the server before storing, but
 * the store itself enforces only what a database can: one primary event per
 * (chain, seq) — the constraint that decides concurrent appends — and a
 * dense, append-only transparency log numbering.
 */

/** One stored event. */
export interface StoredEvent {
  seq: number;
  /** Event id (SPEC §8.4). */
  id: string;
  /** JCS of the event: exactly one bundle line without its LF (SPEC §8.9). */
  body: string;
  /** true: on the chain's primary line; false: fork evidence. */
  primary: boolean;
  /** Index of the event in the transparency log. */
  leaf: number;
  /** Unix seconds when the server accepted it. */
  receivedAt: number;
}

/** The latest state of a chain as the server holds it. */
export interface ChainHead {
  chain: string;
  seq: number;
  id: string;
  /** How many fork-evidence events are stored for the chain. */
  forks: number;
  /** Change-feed position of the chain's last change. */
  cursor: number;
  /** Unix seconds of the chain's last change. */
  updatedAt: number;
}

/** An event about to be stored. */
export interface NewEvent {
  seq: number;
  id: string;
  body: string;
  /** RFC 6962 leaf hash of `body`: SHA-256(0x00 ‖ body). */
  leafHash: Uint8Array;
}

export interface AppendInput {
  chain: string;
  /** Events extending the primary line, contiguous and ascending from head + 1. */
  events: NewEvent[];
  /** Fork evidence: valid events at seqs whose primary event differs. Never replace anything. */
  evidence: NewEvent[];
  /** Keys the events make belong to the chain (rotate new_key; SPEC §8.10). */
  keys: string[];
  /** Unix seconds. */
  now: number;
}

export type AppendResult =
  | { ok: true; head: ChainHead; firstLeaf: number }
  /** A unique constraint refused a row: another writer stored at that seq (or that event) first. */
  | { ok: false; conflict: 'seq_taken' };

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Head of the chain with this chain id, or null when the server has none. */
  head(chain: string): Promise<ChainHead | null>;
  /** Head of the chain a key belongs to (SPEC §8.10): its own chain, else one that rotated into it. */
  headFor(key: string): Promise<ChainHead | null>;
  /** Primary-line events with seq > afterSeq, ascending. */
  primaryEvents(chain: string, afterSeq: number): Promise<StoredEvent[]>;
  /**
   * Every stored event (primary and evidence) with afterSeq < seq ≤ afterSeq + seqs,
   * ordered by seq then id (SPEC §8.9 bundle order).
   */
  events(chain: string, afterSeq: number, seqs: number): Promise<StoredEvent[]>;
  /** Chains changed after `since`, oldest change first. */
  changes(since: number, limit: number): Promise<ChainHead[]>;
  /** Store new events in one transaction; all or nothing. */
  append(input: AppendInput): Promise<AppendResult>;
  /** Number of leaves in the transparency log. */
  logSize(): Promise<number>;
  /** Leaf hashes of leaves [from, to), in order. */
  leafHashes(from: number, to: number): Promise<Uint8Array[]>;
  /** The event at a leaf index, or null. */
  leafEvent(leaf: number): Promise<(StoredEvent & { chain: string }) | null>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by `openStore` and migrations when the database is unusable. */
export class StoreError extends Error {
  override name = 'StoreError';
}
