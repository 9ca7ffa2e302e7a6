/**
 * Node's ECDSA for atproto repo signatures: OpenSSL (secp256k1 and P-256)
 * through node:crypto's callback form, which runs on libuv's thread pool, so
 * a commit check does not hold the event loop while other channels' answers
 * wait (pure-JS noble took ~3 ms of it per check on the bench machine).
 * did-key.ts keeps the rules (64-byte compact, low-S, valid point) in front of
 * it. Node-only: installed by `@kez/channels/node`.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AtprotoCurve, AtprotoKey, EcdsaVerify } from './did-key.js';

// DER SubjectPublicKeyInfo prefixes (RFC 5480): id-ecPublicKey + the named
// curve, then the BIT STRING of the SEC1 point, compressed (33) or not (65).
const SPKI: Record<AtprotoCurve, Record<number, string>> = {
  secp256k1: {
    33: '3036301006072a8648ce3d020106052b8104000a032200',
    65: '3056301006072a8648ce3d020106052b8104000a034200',
  },
  p256: {
    33: '3039301306072a8648ce3d020106082a8648ce3d030107032200',
    65: '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  },
};

const keys = new Map<string, KeyObject>();
const KEY_CACHE_MAX = 256;

function keyObjectOf(key: AtprotoKey): KeyObject {
  const point = Buffer.from(key.publicKey.buffer, key.publicKey.byteOffset, key.publicKey.length);
  const id = `${key.curve}:${point.toString('hex')}`;
  let k = keys.get(id);
  if (!k) {
    const prefix = SPKI[key.curve][point.length];
    if (!prefix) throw new Error(`a ${key.curve} point has 33 or 65 bytes, not ${point.length}`);
    k = createPublicKey({
      key: Buffer.concat([Buffer.from(prefix, 'hex'), point]),
      format: 'der',
      type: 'spki',
    });
    if (keys.size >= KEY_CACHE_MAX) keys.clear();
    keys.set(id, k);
  }
  return k;
}

/**
 * @example
 * useEcdsaVerify(nodeEcdsaVerify);
 */
export const nodeEcdsaVerify: EcdsaVerify = (key, message, signature) =>
  new Promise((resolve, reject) => {
    verify(
      'sha256',
      message,
      { key: keyObjectOf(key), dsaEncoding: 'ieee-p1363' },
      signature,
      (err, ok) => (err ? reject(err) : resolve(ok)),
    );
  });
