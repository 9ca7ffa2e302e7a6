/**
 * NATS xkeys (auth_callout.xkey): NaCl crypto_box between the callout's curve
 * key and the server's, framed as "xkv1" ‖ nonce(24) ‖ box. The server's xkey
 * is fixed for its lifetime, so the box key (X25519 + HSalsa20, the costly
 * part) is computed once per server and cached; each request then costs one
 * XSalsa20-Poly1305 pass instead of a pure-JS scalar multiplication (≈1.2 ms
 * each way with nkeys.js, notes/nats-auth-callout §6.4).
 */
import { hsalsa, secretbox } from '@noble/ciphers/salsa.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@kez/core';
import { encodePublicKey, rawPublicKey, rawSeed } from './nkey-codec.js';

const HEADER = Uint8Array.from([0x78, 0x6b, 0x76, 0x31]); // "xkv1"
const NONCE = 24;
// "expand 32-byte k" as four little-endian words.
const SIGMA = Uint32Array.from([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const MAX_PEERS = 1024;

function words(b: Uint8Array): Uint32Array {
  const out = new Uint32Array(b.length / 4);
  for (let i = 0; i < out.length; i++)
    out[i] = b[4 * i]! | (b[4 * i + 1]! << 8) | (b[4 * i + 2]! << 16) | (b[4 * i + 3]! << 24);
  return out;
}

function bytes(w: Uint32Array): Uint8Array {
  const out = new Uint8Array(w.length * 4);
  for (let i = 0; i < w.length; i++) {
    out[4 * i] = w[i]! & 0xff;
    out[4 * i + 1] = (w[i]! >>> 8) & 0xff;
    out[4 * i + 2] = (w[i]! >>> 16) & 0xff;
    out[4 * i + 3] = (w[i]! >>> 24) & 0xff;
  }
  return out;
}

/** A curve key that opens requests from, and seals responses to, nats-servers. */
export class XkeyBox {
  /** The public xkey (`X…`), what nats.conf names as auth_callout.xkey. */
  readonly publicKey: string;
  readonly #secret: Uint8Array;
  readonly #keys = new Map<string, Uint8Array>();

  /** @example new XkeyBox('SXA…').publicKey // 'XB…' */
  constructor(seed: string) {
    const s = rawSeed(seed);
    if (s.role !== 'X') throw new Error('xkey: expected a curve seed (SX…)');
    this.#secret = s.seed;
    this.publicKey = encodePublicKey(x25519.getPublicKey(s.seed), 'X');
  }

  /** crypto_box_beforenm: HSalsa20(X25519(ours, theirs)), cached per peer. */
  #boxKey(peer: string): Uint8Array {
    let k = this.#keys.get(peer);
    if (!k) {
      const shared = x25519.getSharedSecret(this.#secret, rawPublicKey(peer, 'X'));
      const out = new Uint32Array(8);
      hsalsa(SIGMA, words(shared), new Uint32Array(4), out);
      k = bytes(out);
      if (this.#keys.size >= MAX_PEERS) this.#keys.clear();
      this.#keys.set(peer, k);
    }
    return k;
  }

  /** Decrypt a message from `sender`; null when it is not a valid box for us. */
  open(message: Uint8Array, sender: string): Uint8Array | null {
    if (message.length <= HEADER.length + NONCE) return null;
    for (let i = 0; i < HEADER.length; i++) if (message[i] !== HEADER[i]) return null;
    try {
      const nonce = message.subarray(HEADER.length, HEADER.length + NONCE);
      return secretbox(this.#boxKey(sender), nonce).open(message.subarray(HEADER.length + NONCE));
    } catch {
      return null;
    }
  }

  /** Encrypt a message to `recipient`. */
  seal(message: Uint8Array, recipient: string): Uint8Array {
    const nonce = randomBytes(NONCE);
    const box = secretbox(this.#boxKey(recipient), nonce).seal(message);
    const out = new Uint8Array(HEADER.length + NONCE + box.length);
    out.set(HEADER, 0);
    out.set(nonce, HEADER.length);
    out.set(box, HEADER.length + NONCE);
    return out;
  }
}
