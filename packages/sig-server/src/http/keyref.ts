/** The `{key}` path segment: a key ref, URL-encoded (`nostr%3A<hex>`) or not; npub accepted. */
import { KezError, parseKeyRef } from '@kez/core';
import { HttpError } from './errors.js';

/** Path segments already parsed (valid ones only): a key check costs more than the rest of a head read. */
const seen = new Map<string, string>();
const SEEN_MAX = 10_000;
let lastRaw: string | undefined;
let lastText = '';

/**
 * Canonical key ref text of a path segment (hono has already percent-decoded it).
 * @example pathKey('nostr:' + hex) === 'nostr:' + hex
 */
export function pathKey(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new HttpError('malformed', 'the key is missing');
  if (raw.length > 200) throw new HttpError('malformed', 'the key is too long to be a key ref');
  // The last segment first: a client polling one head sends it again and again, and comparing
  // it is cheaper than hashing it for the map.
  if (raw === lastRaw) return lastText;
  const known = seen.get(raw);
  if (known !== undefined) {
    lastRaw = raw;
    lastText = known;
    return known;
  }
  try {
    const text = parseKeyRef(raw).text;
    if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value!);
    seen.set(raw, text);
    return text;
  } catch (e) {
    if (e instanceof KezError) throw new HttpError(e.code, e.message);
    // Decoders below parseKeyRef (bech32) may throw plain errors; for a path segment all mean "not a key".
    throw new HttpError(
      'malformed',
      'the key is not a key ref (expected nostr:<hex>, ed25519:<hex> or npub1…)',
    );
  }
}
