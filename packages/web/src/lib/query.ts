/**
 * What the explorer was asked: an identity (`github:jason`, `nostr:npub1…`)
 * or a key (`npub1…`, `nostr:<hex>`, `ed25519:<hex>`, 64 bare hex). SPEC §2.3:
 * `nostr:npub1…` is an account and `nostr:<hex>` a key — told apart by form.
 */
import { InputError, parseIdentity, parseKeyRef } from '@kez/core';

export type Query = { kind: 'identity'; identity: string } | { kind: 'key'; key: string };

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Parse the explorer's input. Throws InputError saying what was expected.
 * @example parseQuery('GitHub:Jason') // { kind: 'identity', identity: 'github:jason' }
 * @example parseQuery('npub1…')       // { kind: 'key', key: 'nostr:<hex>' }
 */
export function parseQuery(input: string): Query {
  const s = input.trim();
  if (s === '')
    throw new InputError('type an identity (github:alice, dns:example.com …) or a key (npub, hex)');
  if (s.startsWith('npub1')) return { kind: 'key', key: parseKeyRef(s).text };
  if (/^(nostr|ed25519):/i.test(s) && HEX64.test(s.slice(s.indexOf(':') + 1)))
    return { kind: 'key', key: parseKeyRef(s.toLowerCase()).text };
  if (HEX64.test(s)) {
    // Bare hex is how nostr shows keys; an ed25519 key is tried when it is not a nostr one.
    try {
      return { kind: 'key', key: parseKeyRef(`nostr:${s.toLowerCase()}`).text };
    } catch {
      return { kind: 'key', key: parseKeyRef(`ed25519:${s.toLowerCase()}`).text };
    }
  }
  if (!s.includes(':'))
    throw new InputError(
      `"${s.slice(0, 60)}" is neither an identity (channel:id, e.g. github:${s.slice(0, 20)}) nor a key`,
    );
  return { kind: 'identity', identity: parseIdentity(s).text };
}
