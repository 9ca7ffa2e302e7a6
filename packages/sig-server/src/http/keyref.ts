/** The `{key}` path segment: a key ref, URL-encoded (`nostr%3A<hex>`) or not; npub accepted. */
import { KezError, parseKeyRef } from '@kez/core';
import { HttpError } from './errors.js';

/**
 * Canonical key ref text of a path segment (hono has already percent-decoded it).
 * @example pathKey('nostr:' + hex) === 'nostr:' + hex
 */
export function pathKey(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new HttpError('malformed', 'the key is missing');
  if (raw.length > 200) throw new HttpError('malformed', 'the key is too long to be a key ref');
  try {
    return parseKeyRef(raw).text;
  } catch (e) {
    if (e instanceof KezError) throw new HttpError(e.code, e.message);
    // Decoders below parseKeyRef (bech32) may throw plain errors; for a path segment all mean "not a key".
    throw new HttpError(
      'malformed',
      'the key is not a key ref (expected nostr:<hex>, ed25519:<hex> or npub1…)',
    );
  }
}
