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
  const shared = sharedKeyRef(input);
  // A copy: what the caller gets may be changed without touching the cache.
  return { suite: shared.suite, publicKey: shared.publicKey.slice(), text: shared.text };
}

/**
 * parseKeyRef's cached answer itself, for core's own read-only use on hot
 * paths (a claim check reads the key and never changes it). Verifiers parse
 * the same few keys over and over: every claim and event names one.
 * @internal
 */
export function sharedKeyRef(input: string): Readonly<KeyRef> {
  if (typeof input !== 'string') throw new InputError('key must be a string');
  const hit = parsedKeys.get(input);
  if (hit) return hit;
  const ref = parseKeyRefUncached(input);
  if (parsedKeys.size >= PARSED_KEYS_MAX) parsedKeys.clear();
  parsedKeys.set(input, ref);
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
