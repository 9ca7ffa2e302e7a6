/**
 * Suite `ed25519`: RFC 8032 Ed25519, strict (SPEC §3.2). One rule everywhere:
 * canonical S (< L), canonical A and R encodings, A not of small order — checked
 * here before any primitive runs, because WebCrypto/OpenSSL and noble's default
 * (ZIP-215) accept small-order forgeries. The primitive is, in order: a native
 * synchronous one the runtime installed with `useEd25519Verify` (Node: OpenSSL via
 * node:crypto, from @kez/core-node), else WebCrypto where the runtime has Ed25519
 * (Chromium, Node ≥ 20), else @noble/curves with zip215:false.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { toHex } from '../bytes.js';
import type { Suite } from './types.js';

// Little-endian bytes of the group order L and the field prime p (RFC 8032 §5.1).
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
const P_LE = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]);

/** a < b for 32-byte little-endian numbers; `mask` clears the sign bit of a's top byte. Byte compares, no BigInt: this runs per signature. */
function lessThanLE(a: Uint8Array, b: Uint8Array, mask = 0xff): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = i === 31 ? a[i]! & mask : a[i]!;
    if (x !== b[i]) return x < b[i]!;
  }
  return false;
}

/** y < p with the sign bit masked off: the encoding is canonical (RFC 8032 §5.1.3 step 1). */
function isCanonicalPointEncoding(b: Uint8Array): boolean {
  return lessThanLE(b, P_LE, 0x7f);
}

const keyCheckCache = new Map<string, boolean>();
const KEY_CACHE_MAX = 4096;

function keyId(pk: Uint8Array): string {
  let s = '';
  for (let i = 0; i < pk.length; i++) s += String.fromCharCode(pk[i]!);
  return s;
}

// The key of the previous check and its answer: a chain or a batch of claims is mostly
// one key, and comparing 32 bytes is cheaper than making and hashing a map key.
let lastKey = new Uint8Array(32);
let lastOk: boolean | undefined;

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Public key acceptable: 32 bytes, canonical, decodes to a point, not of small order. Cached per key. */
function isStrictPublicKey(pk: Uint8Array): boolean {
  if (pk.length !== 32) return false;
  if (lastOk !== undefined && sameKey(pk, lastKey)) return lastOk;
  const ok = checkPublicKey(pk);
  lastKey = pk.slice();
  lastOk = ok;
  return ok;
}

function checkPublicKey(pk: Uint8Array): boolean {
  const id = keyId(pk);
  const hit = keyCheckCache.get(id);
  if (hit !== undefined) return hit;
  const ok = checkEd25519PublicKey(pk);
  if (keyCheckCache.size >= KEY_CACHE_MAX) keyCheckCache.clear();
  keyCheckCache.set(id, ok);
  return ok;
}

/**
 * The strict key check, uncached: 32 bytes, canonical, decodes to a point of order L (so not
 * of small order and without a small-order component). Torsion-free, not just "not small
 * order": a key with a small-order component lets its holder make signatures that cofactored
 * verifiers accept and cofactorless ones (WebCrypto/OpenSSL) reject — two rules, which SPEC
 * §3.3 forbids. `primitive` is for tests and benchmarks: 'auto' uses the installed native
 * X25519 when there is one (about 10× faster than noble's multiplication by L), else noble.
 */
export function checkEd25519PublicKey(
  pk: Uint8Array,
  primitive: 'auto' | 'native' | 'noble' = 'auto',
): boolean {
  if (primitive === 'native' && !nativeX25519)
    throw new Error('checkEd25519PublicKey: no native X25519 installed');
  if (pk.length !== 32 || !isCanonicalPointEncoding(pk)) return false;
  if (nativeX25519 && primitive !== 'noble') return hasOrderLByX25519(nativeX25519, pk);
  try {
    const A = ed25519.Point.fromBytes(pk, false);
    return !A.isSmallOrder() && A.isTorsionFree();
  } catch {
    return false;
  }
}

/** X25519 (RFC 7748 §5): the u-coordinate of [k]P, k clamped; may throw when the result is all zero (OpenSSL does). */
export type X25519 = (scalar: Uint8Array, u: Uint8Array) => Uint8Array;

let nativeX25519: X25519 | undefined;

const Fp = ed25519.Point.Fp;
const L = ed25519.Point.Fn.ORDER;
const Y_MASK = (1n << 255n) - 1n;

/*
 * Why one X25519 decides "a curve point of order L". K = 5L − 1 is a multiple of 8 in
 * [2^254, 2^255), so X25519's clamping leaves it as it is, and K ≡ −1 (mod L). The group of
 * the curve is cyclic of order 8L, so A = A_L + A_T (an order-L part and an 8-torsion part),
 * and [K]A = −A_L: X25519(K, u(A)) = u(A_L). Equal u-coordinates mean A = ±A_L, which holds
 * exactly when A_T is zero and A is not the identity (0 is X25519's answer when A_L is).
 * A y with no x on the curve gives a u on the quadratic twist (order 4·L′, L′ prime), where
 * gcd(4L′, K − 1) = gcd(4L′, K + 1) = 1, so [K]P = ±P never holds there. So the decoding,
 * small-order and torsion checks are one scalar multiplication in the runtime's X25519
 * instead of noble's decompression and multiplication by L in BigInt.
 * core-node's test checks this against noble on every kind of input.
 */
const K_BYTES = numberToBytesLE(5n * L - 1n, 32);

function hasOrderLByX25519(fn: X25519, pk: Uint8Array): boolean {
  const y = bytesToNumberLE(pk) & Y_MASK; // the top bit is x's sign, not part of y
  // The identity (u would be infinite) and the point of order 2 (u = 0, where X25519's answer is 0
  // too and so would look like a match).
  if (y === 1n || y === Fp.ORDER - 1n) return false;
  // The birational map of RFC 7748 §4.1: u = (1 + y) / (1 − y).
  const u = Fp.toBytes(Fp.div(Fp.create(1n + y), Fp.create(1n - y)));
  let out: Uint8Array;
  try {
    out = fn(K_BYTES, u);
  } catch {
    return false;
  }
  if (out.length !== 32) return false;
  for (let i = 0; i < 32; i++) if (out[i] !== u[i]) return false;
  return true;
}

// RFC 7748 §5.2 (first vector) and §6.1 (Alice's and Bob's public keys, their shared secret).
const X25519_KAT: [k: string, u: string, out: string][] = [
  [
    'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
    'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
  ],
  [
    '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    '0900000000000000000000000000000000000000000000000000000000000000',
    '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  ],
  [
    '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
    '0900000000000000000000000000000000000000000000000000000000000000',
    'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  ],
  [
    '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
  ],
];

// Keys whose verdict the installed X25519 must reproduce: RFC 8032 §7.1 TEST 1's key (order L),
// that key plus the order-8 point 26e8…fc05 (packages/core-node/test/primitive.test.ts recomputes
// it), the identity, the point of order 2 (y = −1) and a y with no x on the curve (y = 2).
const KEY_KAT: [pk: string, ok: boolean][] = [
  ['d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', true],
  ['3b5b475c4b82dd1572799fc546f4c6c03e478c6654aa4c7f945b347ea32af60d', false],
  ['0100000000000000000000000000000000000000000000000000000000000000', false],
  ['ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', false],
  ['0200000000000000000000000000000000000000000000000000000000000000', false],
];

/**
 * Install a native X25519 (Node: node:crypto) for the strict key check. It must give RFC 7748's
 * answers and the known verdicts above first, so a broken primitive can never change a verdict.
 */
export function useX25519(fn: X25519): void {
  const answers = (k: string, u: string) => {
    try {
      return toHex(fn(hex(k), hex(u)));
    } catch {
      return 'threw';
    }
  };
  for (const [k, u, want] of X25519_KAT)
    if (answers(k, u) !== want)
      throw new Error('useX25519: the replacement fails the RFC 7748 known-answer test');
  for (const [pk, ok] of KEY_KAT)
    if (hasOrderLByX25519(fn, hex(pk)) !== ok)
      throw new Error('useX25519: the replacement fails the key-check known-answer test');
  nativeX25519 = fn;
}

/** Signature pre-checks shared by every primitive: S < L and canonical R. */
function isStrictSignatureShape(sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  // The top bytes almost always decide (L's is 0x10, p's masked one 0x7f): compare the rest only on a tie.
  const sTop = sig[63]!;
  if (sTop > 0x10 || (sTop === 0x10 && !lessThanLE(sig.subarray(32, 64), L_LE))) return false;
  return (sig[31]! & 0x7f) < 0x7f || isCanonicalPointEncoding(sig.subarray(0, 32));
}

type Subtle = SubtleCrypto;
// WebCrypto's types want ArrayBuffer-backed views; ours never come from a SharedArrayBuffer.
const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;
let subtleOk: Promise<boolean> | undefined;
const cryptoKeyCache = new Map<string, CryptoKey>();

/** Does this runtime's WebCrypto do Ed25519? Probed once with a fixed RFC 8032 vector. */
function probeSubtle(): Promise<boolean> {
  subtleOk ??= (async () => {
    const subtle: Subtle | undefined = globalThis.crypto?.subtle;
    if (!subtle) return false;
    try {
      // RFC 8032 §7.1 TEST 1 (empty message).
      const pk = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
      const sig = hex(
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      );
      const key = await subtle.importKey('raw', ab(pk), { name: 'Ed25519' }, false, ['verify']);
      const good = await subtle.verify({ name: 'Ed25519' }, key, ab(sig), new Uint8Array(0));
      sig[0]! ^= 1;
      const bad = await subtle.verify({ name: 'Ed25519' }, key, ab(sig), new Uint8Array(0));
      return good && !bad;
    } catch {
      return false;
    }
  })();
  void subtleOk.then((v) => (subtleReady = v));
  return subtleOk;
}
/** The probe's answer once known, so the hot path does not await it again. */
let subtleReady: boolean | undefined;

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function subtleVerify(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  const key = cryptoKeyCache.get(keyId(pk));
  // Hot path: a known key goes straight to the primitive, no extra await.
  if (key) return subtle.verify({ name: 'Ed25519' }, key, ab(sig), ab(msg));
  return importAndVerify(sig, msg, pk);
}

async function importAndVerify(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  const id = keyId(pk);
  let key = cryptoKeyCache.get(id);
  if (!key) {
    key = await subtle.importKey('raw', ab(pk), { name: 'Ed25519' }, false, ['verify']);
    if (cryptoKeyCache.size >= KEY_CACHE_MAX) cryptoKeyCache.clear();
    cryptoKeyCache.set(id, key);
  }
  return subtle.verify({ name: 'Ed25519' }, key, ab(sig), ab(msg));
}

/** A synchronous cofactorless Ed25519 verify (RFC 8032 §5.1.7 without the ×8), e.g. OpenSSL's. */
export type Ed25519Verify = (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array) => boolean;

let nativeVerify: Ed25519Verify | undefined;

// Known answers a replacement must give. RFC 8032 §7.1 TEST 1–3 verify; each with one bit
// flipped in the signature, the message or the key does not. The last case is a signature
// whose R has an order-8 component (made from seed 07×32, r = 123456789123456789, message
// "KEZ mixed-order R"; packages/core-node/test/primitive.test.ts recomputes it): cofactored
// verifiers accept it, cofactorless ones reject it — and SPEC §3.2 is cofactorless.
const ED25519_KAT: [pk: string, msg: string, sig: string, ok: boolean][] = [
  [
    'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    '',
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    true,
  ],
  [
    '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    '72',
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    true,
  ],
  [
    'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    'af82',
    '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
    true,
  ],
  [
    'ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c',
    '4b455a206d697865642d6f726465722052',
    'dd8952a66f04b15f61df8c66ce93471979a95c884f2dede0f89f1fc9f9b407b469e168c95d5c442ab3145e690fc5bd16c88531b80869d4a979ac5b161de4b30d',
    false,
  ],
];

function flipped(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i % c.length]! ^= 1;
  return c;
}

/**
 * Install a native synchronous Ed25519 verify (Node: node:crypto). It runs behind
 * the same strict pre-checks; it must be cofactorless and pass the known answers
 * above first, so a broken or cofactored primitive can never change a verdict.
 * @example useEd25519Verify((sig, msg, pk) => crypto.verify(null, msg, keyObjectOf(pk), sig));
 */
export function useEd25519Verify(fn: Ed25519Verify): void {
  for (const [pkHex, msgHex, sigHex, ok] of ED25519_KAT) {
    const pk = hex(pkHex);
    const msg = hex(msgHex);
    const sig = hex(sigHex);
    const answers: [Uint8Array, Uint8Array, Uint8Array, boolean][] = [[sig, msg, pk, ok]];
    if (ok)
      answers.push(
        [flipped(sig, 40), msg, pk, false],
        [sig, msg.length ? flipped(msg, 0) : Uint8Array.of(0), pk, false],
        [sig, msg, flipped(pk, 1), false],
      );
    for (const [s, m, k, want] of answers) {
      let got: boolean;
      try {
        got = fn(s, m, k);
      } catch {
        got = false;
      }
      if (got !== want)
        throw new Error('useEd25519Verify: the replacement fails the RFC 8032 known-answer test');
    }
  }
  nativeVerify = fn;
}

function verifyNative(
  fn: Ed25519Verify,
  sig: Uint8Array,
  msg: Uint8Array,
  pk: Uint8Array,
): boolean {
  if (!isStrictPublicKey(pk) || !isStrictSignatureShape(sig)) return false;
  try {
    return fn(sig, msg, pk);
  } catch {
    return false;
  }
}

/**
 * Strict verification. `primitive` is for tests and benchmarks: 'auto' picks the
 * installed native primitive, else WebCrypto when available, else noble; the others
 * force one ('native' needs one installed).
 */
export async function verifyEd25519(
  sig: Uint8Array,
  msg: Uint8Array,
  pk: Uint8Array,
  primitive: 'auto' | 'native' | 'webcrypto' | 'noble' = 'auto',
): Promise<boolean> {
  // A forced primitive that is missing is a programming error, not a bad signature.
  if (primitive === 'native' && !nativeVerify)
    throw new Error('verifyEd25519: no native primitive installed');
  if (nativeVerify && (primitive === 'auto' || primitive === 'native'))
    return verifyNative(nativeVerify, sig, msg, pk);
  if (!isStrictPublicKey(pk) || !isStrictSignatureShape(sig)) return false;
  try {
    const useSubtle =
      (primitive === 'auto' || primitive === 'webcrypto') && (subtleReady ?? (await probeSubtle()));
    if (primitive === 'webcrypto' && !useSubtle) throw new NoWebCrypto();
    if (useSubtle) return await subtleVerify(sig, msg, pk);
    // noble checks the cofactored equation; with A torsion-free, requiring R torsion-free
    // too makes it accept exactly what the cofactorless WebCrypto path accepts.
    if (!ed25519.Point.fromBytes(sig.subarray(0, 32), false).isTorsionFree()) return false;
    return ed25519.verify(sig, msg, pk, { zip215: false });
  } catch (e) {
    if (e instanceof NoWebCrypto) throw e;
    return false;
  }
}

class NoWebCrypto extends Error {
  constructor() {
    super('verifyEd25519: this runtime has no WebCrypto Ed25519');
  }
}

export const ed25519Suite: Suite = {
  name: 'ed25519',
  generateSecretKey: () => ed25519.utils.randomSecretKey(),
  getPublicKey: (sk) => ed25519.getPublicKey(sk),
  async sign(digest, sk) {
    const sig = ed25519.sign(digest, sk);
    if (!(await verifyEd25519(sig, digest, ed25519.getPublicKey(sk)))) {
      throw new Error('ed25519: self-check failed');
    }
    return sig;
  },
  // With a native primitive the check is synchronous: answer without another async frame.
  verify: (sig, digest, pk) =>
    nativeVerify
      ? Promise.resolve(verifyNative(nativeVerify, sig, digest, pk))
      : verifyEd25519(sig, digest, pk),
  verifySync: (sig, digest, pk) =>
    nativeVerify ? verifyNative(nativeVerify, sig, digest, pk) : undefined,
  isValidPublicKey: isStrictPublicKey,
};
