/** The node:crypto signer makes exactly the bytes of the portable default (its verification is core's: @kez/core-node's tests). */
import './node-crypto.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { signingDigest } from '@kez/core';
import { ed25519SignerFor } from './crypto-hooks.js';
import { generateSigner } from './signer.js';

test('the node:crypto Ed25519 signer makes the same bytes as @noble/curves (RFC 8032 is deterministic)', () => {
  const s = generateSigner('ed25519');
  const d = signingDigest('chat-message', { n: 1 });
  assert.deepEqual(ed25519SignerFor(s.secret)(d), ed25519.sign(d, s.secret));
  assert.deepEqual(s.sign(d), ed25519.sign(d, s.secret));
});
