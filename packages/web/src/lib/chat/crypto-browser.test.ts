import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalize, fromHex, parseKeyRef, signingDigest } from '@kez/core';
import { eventIdOf, signChatEvent, signLogin } from '@kez/chat-server/protocol';
import { createPageSigner } from './signer.js';
import { digestOf, sha256Hex, verifyDigest } from './crypto-browser.js';
import { getSuite } from '@kez/core';

describe('the page’s chat crypto gives the answers the Node path gives', () => {
  for (const suite of ['ed25519', 'nostr'] as const) {
    test(`${suite}: events signed by the protocol verify here; ids and digests agree`, async () => {
      const signer = createPageSigner(suite, getSuite(suite).generateSecretKey());
      // Signed through @kez/chat-server (its Node fast path when it has one).
      const e = signChatEvent(
        signer,
        signer.key,
        { room: 'general' },
        { op: 'message', text: 'hi' },
        1,
      );
      const { sig, ...unsigned } = e;
      const digest = digestOf('chat-message', unsigned);
      assert.deepEqual(digest, signingDigest('chat-message', unsigned));
      assert.equal(await verifyDigest(parseKeyRef(e.key), fromHex(sig, 64, 'sig'), digest), true);
      assert.equal(sha256Hex(canonicalize(e)), eventIdOf(e));
      // A changed text no longer verifies.
      const other = digestOf('chat-message', { ...unsigned, text: 'ho' });
      assert.equal(await verifyDigest(parseKeyRef(e.key), fromHex(sig, 64, 'sig'), other), false);
      // And the log-in the page signs is the object the server reads.
      const login = signLogin(signer, 'nonce-abcdefgh', 1);
      const obj = JSON.parse(login.auth_token) as object;
      assert.equal(
        await verifyDigest(
          parseKeyRef(signer.key),
          fromHex(login.sig, 64, 'sig'),
          digestOf('chat-login', obj),
        ),
        true,
      );
    });
  }
  test('garbage never throws', async () => {
    const ref = parseKeyRef(createPageSigner('ed25519', new Uint8Array(32).fill(7)).key);
    assert.equal(await verifyDigest(ref, new Uint8Array(64).fill(0xff), new Uint8Array(32)), false);
  });
});
