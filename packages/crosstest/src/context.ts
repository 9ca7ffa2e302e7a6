/**
 * What the scenarios share: the CLI with its own $KEZ_HOME and keys, the
 * Chromium page, the relay, and the artifacts each side made — each made once,
 * lazily, so a scenario that needs an artifact waits for it and a failure to
 * make one fails exactly the scenarios that depend on it.
 */
import type { NostrRelay } from '@kez/testkit';
import type { BrowserPage } from './browser.js';
import type { EncodingName, MadeClaim, SuiteName } from './browser/api.js';
import type { KezCli } from './kez-cli.js';

export const SUITES: readonly SuiteName[] = ['nostr', 'ed25519'];
export const ENCODINGS: readonly EncodingName[] = ['json', 'compact', 'markdown', 'dns'];

/**
 * The subject each encoding's claim names: as typed (not normalized) and as
 * SPEC §2 normalizes it. Each side is handed the typed form, the other side
 * checks the normalized one.
 */
export const SUBJECTS: Record<EncodingName, { input: string; normalized: string }> = {
  json: { input: 'GitHub:Alice-KEZ', normalized: 'github:alice-kez' },
  compact: { input: 'bluesky:@Alice.Example.COM', normalized: 'bluesky:alice.example.com' },
  markdown: { input: 'ap:Alice@Example.Social', normalized: 'ap:@alice@example.social' },
  dns: { input: 'DNS:Example.COM.', normalized: 'dns:example.com' },
};

/** A claim one side made: the encoded text plus what its maker says about it. */
export interface Made {
  suite: SuiteName;
  encoding: EncodingName;
  encoded: string;
  id: string;
  key: string;
  subject: string;
  by: 'cli' | 'browser';
}

export interface Ctx {
  cli: KezCli;
  browser: BrowserPage;
  relay: () => Promise<NostrRelay>;
  tmp: string;
  now(): number;
  /** Key ref of the CLI's key for a suite (its key is named after the suite). */
  cliKey(suite: SuiteName): Promise<string>;
  cliClaim(suite: SuiteName, encoding: EncodingName): Promise<Made>;
  browserClaim(
    suite: SuiteName,
    encoding: EncodingName,
  ): Promise<Made & Pick<MadeClaim, 'secretKeyHex'>>;
}

/** Memoize an async function by a string key. */
export function memo<A extends unknown[], R>(
  key: (...a: A) => string,
  fn: (...a: A) => Promise<R>,
): (...a: A) => Promise<R> {
  const cache = new Map<string, Promise<R>>();
  return (...a) => {
    const k = key(...a);
    let p = cache.get(k);
    if (!p) {
      p = fn(...a);
      // Scenarios await it; keep an unobserved rejection from crashing the process.
      p.catch(() => undefined);
      cache.set(k, p);
    }
    return p;
  };
}
