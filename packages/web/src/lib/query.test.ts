import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError, formatKeyRef, getSuite, npubEncode, toHex } from '@kez/core';
import { parseQuery } from './query.js';

const nostrSk = getSuite('nostr').generateSecretKey();
const nostrPk = getSuite('nostr').getPublicKey(nostrSk);
const edPk = getSuite('ed25519').getPublicKey(getSuite('ed25519').generateSecretKey());

describe('parseQuery', () => {
  test('identities are normalized', () => {
    assert.deepEqual(parseQuery('  GitHub:Jason '), { kind: 'identity', identity: 'github:jason' });
    assert.deepEqual(parseQuery('mastodon:@Alice@Social.Example'), {
      kind: 'identity',
      identity: 'ap:@alice@social.example',
    });
    assert.deepEqual(parseQuery(`nostr:${npubEncode(nostrPk)}`), {
      kind: 'identity',
      identity: `nostr:${npubEncode(nostrPk)}`,
    });
  });

  test('keys: npub, key refs and bare hex (SPEC §2.3: nostr:<hex> is a key)', () => {
    const nostrRef = formatKeyRef('nostr', nostrPk);
    assert.deepEqual(parseQuery(npubEncode(nostrPk)), { kind: 'key', key: nostrRef });
    assert.deepEqual(parseQuery(nostrRef.toUpperCase().replace('NOSTR', 'nostr')), {
      kind: 'key',
      key: nostrRef,
    });
    assert.deepEqual(parseQuery(toHex(nostrPk)), { kind: 'key', key: nostrRef });
    const edRef = formatKeyRef('ed25519', edPk);
    assert.deepEqual(parseQuery(edRef), { kind: 'key', key: edRef });
  });

  test('nonsense is an InputError that says what was expected', () => {
    assert.throws(() => parseQuery(''), InputError);
    assert.throws(() => parseQuery('jason'), /neither an identity/);
    assert.throws(() => parseQuery('github:-bad-'), InputError);
    assert.throws(() => parseQuery('npub1notakey'), InputError);
  });
});
