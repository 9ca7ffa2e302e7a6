/** The transparency log over accepted events (placeholder until the tlog lands). */
export interface TransparencyLog {
  /** Appends happened: the next read syncs leaves from the store. */
  noteGrowth(): void;
}
