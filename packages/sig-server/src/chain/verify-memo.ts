/**
 * A process-wide memo of successful signature checks. The server validates
 * the stored chain plus the new events with core's validateChain on every
 * append (so the same rules decide as for any verifier), which re-checks
 * every stored signature; remembering (suite, key, digest, signature)
 * triples that verified makes that O(new events) in signature work. Only
 * `true` results are kept, keyed by the exact bytes, so the answer is the
 * same as without the memo. Bounded; oldest entries are dropped first.
 *
 * @NOTE This wraps the suite objects' `verify` in place; when core's
 * validateChain accepts a verifier or a trusted prefix, use that instead.
 */
import { SUITE_NAMES, getSuite } from '@kez/core';

let installed = false;
const remembered = new Map<string, true>();
let capacity = 200_000;

function keyOf(suite: string, sig: Uint8Array, digest: Uint8Array, pk: Uint8Array): string {
  // Latin-1 text of the bytes: a compact one-byte string, exact per byte.
  let s = suite;
  for (const b of [pk, digest, sig])
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * Install the memo (idempotent). `max` bounds the remembered triples.
 * @example installVerifyMemo(); // once, at server start
 */
export function installVerifyMemo(max = 200_000): void {
  capacity = max;
  if (installed) return;
  installed = true;
  for (const name of SUITE_NAMES) {
    const suite = getSuite(name);
    const verify = suite.verify.bind(suite);
    suite.verify = async (sig, digest, pk) => {
      const k = keyOf(name, sig, digest, pk);
      if (remembered.has(k)) return true;
      const ok = await verify(sig, digest, pk);
      if (ok) {
        if (remembered.size >= capacity) remembered.delete(remembered.keys().next().value!);
        remembered.set(k, true);
      }
      return ok;
    };
  }
}

/** How many triples are remembered (for tests and metrics). */
export function verifyMemoSize(): number {
  return remembered.size;
}

/** Forget everything (tests, benchmarks). */
export function clearVerifyMemo(): void {
  remembered.clear();
}
