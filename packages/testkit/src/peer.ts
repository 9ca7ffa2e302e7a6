// What every started peer has in common.

/** A running test peer. `stop()` is idempotent; `await using` calls it too. */
export interface Peer extends AsyncDisposable {
  stop(): Promise<void>;
}

/** Adds an idempotent `stop()` and `Symbol.asyncDispose` to a peer's fields. */
export function peer<T extends object>(fields: T, stopOnce: () => Promise<void>): T & Peer {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopOnce());
  return Object.assign(fields, { stop, [Symbol.asyncDispose]: stop });
}
