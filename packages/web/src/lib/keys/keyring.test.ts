import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError, encryptSecret, getSuite, ncryptsecEncode, nsecEncode, toHex } from '@kez/core';
import { Keyring, memoryStorage } from './keyring.js';

// A low scrypt cost keeps the tests fast; the page uses 16 (SPEC §11.7).
const FAST = { logN: 8, now: () => 1_764_000_000 };

describe('Keyring: keys stored encrypted only', () => {
  test('create → stored record holds no secret → unlock with the passphrase only', async () => {
    const storage = memoryStorage();
    const ring = new Keyring(storage, FAST);
    const rec = await ring.create('ed25519', ' laptop ', 'correct horse');
    assert.match(rec.key, /^ed25519:[0-9a-f]{64}$/);
    assert.equal(rec.name, 'laptop');
    const secret = await ring.unlock(rec.key, 'correct horse');
    assert.equal(secret.length, 32);
    assert.equal(`ed25519:${toHex(getSuite('ed25519').getPublicKey(secret))}`, rec.key);
    const stored = JSON.stringify(await storage.list());
    assert.ok(!stored.includes(toHex(secret)), 'the secret never reaches storage');
    await assert.rejects(ring.unlock(rec.key, 'wrong horse'), InputError);
    await assert.rejects(ring.create('ed25519', 'x', 'short'), /at least 8/);
  });

  test('import nsec, 64 hex (either suite) and ncryptsec', async () => {
    const ring = new Keyring(memoryStorage(), FAST);
    const sk = getSuite('nostr').generateSecretKey();
    const fromNsec = await ring.import(nsecEncode(sk), 'ed25519', 'n', 'passphrase1');
    assert.equal(fromNsec.suite, 'nostr', 'an nsec is a nostr key whatever the suite chosen');
    assert.deepEqual(await ring.unlock(fromNsec.key, 'passphrase1'), sk);
    const ed = getSuite('ed25519').generateSecretKey();
    const fromHex = await ring.import(toHex(ed), 'ed25519', 'e', 'passphrase2');
    assert.equal(fromHex.suite, 'ed25519');
    const enc = ncryptsecEncode(await encryptSecret(sk, 'old passphrase', 8));
    const fromEnc = await ring.import(enc, 'nostr', 'c', 'old passphrase');
    assert.equal(fromEnc.key, fromNsec.key);
    await assert.rejects(ring.import(enc, 'nostr', 'c', 'wrong passphrase'), InputError);
    await assert.rejects(ring.import('hello', 'nostr', 'x', 'passphrase'), /paste an nsec/);
    assert.equal((await ring.list()).length, 2, 'the same key imported twice is one record');
    await ring.remove(fromHex.key);
    assert.deepEqual(
      (await ring.list()).map((k) => k.key),
      [fromNsec.key],
    );
  });
});
