/** Key refs `<suite>:<hex>` (SPEC §3.3): how KEZ names a public key. */
import { fromHex, toHex } from './bytes.js';
import { InputError } from './errors.js';
import { npubDecode, npubEncode } from './identity.js';
import { getSuite, isSuiteName } from './suites/index.js';
import type { SuiteName } from './suites/index.js';

export interface KeyRef {
  suite: SuiteName;
  publicKey: Uint8Array;
  /** Canonical text form, `nostr:<64 hex>` or `ed25519:<64 hex>`. */
  text: string;
}

export function formatKeyRef(suite: SuiteName, publicKey: Uint8Array): string {
  return `${suite}:${toHex(publicKey)}`;
}

/**
 * Parse a key ref. Accepts the canonical `<suite>:<hex>`, and for nostr also
 * `npub1…` and `nostr:npub1…`. Rejects keys that are not valid for their suite.
 */
export function parseKeyRef(input: string): KeyRef {
  if (typeof input !== 'string') throw new InputError('key must be a string');
  // Verifiers parse the same few keys over and over (every claim and event names one).
  const hit = parsedKeys.get(input);
  if (hit) return { suite: hit.suite, publicKey: hit.publicKey.slice(), text: hit.text };
  const ref = parseKeyRefUncached(input);
  if (parsedKeys.size >= PARSED_KEYS_MAX) parsedKeys.clear();
  // A copy of the bytes: what the caller gets may be changed without touching the cache.
  parsedKeys.set(input, { ...ref, publicKey: ref.publicKey.slice() });
  return ref;
}

const parsedKeys = new Map<string, KeyRef>();
const PARSED_KEYS_MAX = 4096;

function parseKeyRefUncached(input: string): KeyRef {
  let suite: string;
  let pk: Uint8Array;
  // `<suite>:<lowercase hex>` that parses is already the canonical text; only npub input is re-formatted.
  let text: string | undefined;
  const s = input.trim();
  if (s.startsWith('npub1') || s.startsWith('nostr:npub1')) {
    suite = 'nostr';
    pk = npubDecode(s.startsWith('nostr:') ? s.slice(6) : s);
  } else {
    const colon = s.indexOf(':');
    if (colon <= 0)
      throw new InputError(
        `"${s.slice(0, 80)}" is not a key (expected nostr:<hex>, ed25519:<hex> or npub1…)`,
      );
    suite = s.slice(0, colon);
    if (!isSuiteName(suite))
      throw new InputError(`unknown suite "${suite}" in key`, 'unknown_suite');
    pk = fromHex(s.slice(colon + 1), 32, `${suite} public key`);
    text = s;
  }
  if (!getSuite(suite).isValidPublicKey(pk)) {
    throw new InputError(
      `${suite} public key is not acceptable (not on the curve, non-canonical or small order)`,
      'weak_key',
    );
  }
  return {
    suite: suite as SuiteName,
    publicKey: pk,
    text: text ?? formatKeyRef(suite as SuiteName, pk),
  };
}

/** How people see a key: npub for nostr, the key ref otherwise. */
export function displayKey(ref: KeyRef): string {
  return ref.suite === 'nostr' ? npubEncode(ref.publicKey) : ref.text;
}
