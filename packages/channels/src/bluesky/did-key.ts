/**
 * AT Protocol signing keys (atproto cryptography spec): secp256k1 ("k256")
 * or NIST P-256, written as Multikey `publicKeyMultibase` — `z` + base58btc of
 * a multicodec prefix (secp256k1-pub 0xe7, p256-pub 0x1200) and the
 * compressed point — and ECDSA signatures over SHA-256 in the 64-byte compact
 * form, low-S only. Pure; a platform may install a faster primitive for the
 * same check (useEcdsaVerify; Node: OpenSSL on the thread pool, node.ts).
 */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58 } from '@scure/base';
import { fromHex, utf8 } from '@kez/core';

export type AtprotoCurve = 'secp256k1' | 'p256';

export interface AtprotoKey {
  curve: AtprotoCurve;
  /** SEC1 point (compressed for Multikey; legacy documents may hold uncompressed). */
  publicKey: Uint8Array;
}

/** Varint multicodec prefixes of the two key types. */
const SECP256K1_PUB = [0xe7, 0x01];
const P256_PUB = [0x80, 0x24];

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  return prefix.every((x, i) => b[i] === x);
}

function checkPoint(curve: AtprotoCurve, publicKey: Uint8Array): AtprotoKey {
  try {
    (curve === 'secp256k1' ? secp256k1 : p256).Point.fromBytes(publicKey).assertValidity();
  } catch {
    throw new Error(`the ${curve} public key is not a valid curve point`);
  }
  return { curve, publicKey };
}

/**
 * Parse a Multikey `publicKeyMultibase` (or a `did:key:` of it). For the
 * legacy verification method types (`EcdsaSecp256k1VerificationKey2019`,
 * `EcdsaSecp256r1VerificationKey2019`) the multibase holds the bare point.
 * Throws Error naming what is wrong.
 */
export function parseAtprotoKey(multibase: string, type = 'Multikey'): AtprotoKey {
  const mb = multibase.startsWith('did:key:') ? multibase.slice(8) : multibase;
  if (!mb.startsWith('z')) throw new Error('publicKeyMultibase must be base58btc (z…)');
  let b: Uint8Array;
  try {
    b = base58.decode(mb.slice(1));
  } catch {
    throw new Error('publicKeyMultibase is not valid base58btc');
  }
  if (type === 'EcdsaSecp256k1VerificationKey2019') return checkPoint('secp256k1', b);
  if (type === 'EcdsaSecp256r1VerificationKey2019') return checkPoint('p256', b);
  if (startsWith(b, SECP256K1_PUB)) return checkPoint('secp256k1', b.slice(2));
  if (startsWith(b, P256_PUB)) return checkPoint('p256', b.slice(2));
  throw new Error('publicKeyMultibase is neither a secp256k1 nor a P-256 key');
}

/** Verify an atproto signature over `message` (hashed with SHA-256 here). Never throws. */
export function verifyAtprotoSignature(
  key: AtprotoKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  try {
    const curve = key.curve === 'secp256k1' ? secp256k1 : p256;
    // atproto: high-S signatures are rejected (malleability); compact r‖s only.
    return curve.verify(signature, message, key.publicKey, {
      prehash: true,
      lowS: true,
      format: 'compact',
    });
  } catch {
    return false;
  }
}

/**
 * A platform's ECDSA-over-SHA-256 check of a 64-byte r‖s. It is only asked
 * about signatures already known to be low-S (OpenSSL accepts high-S), under
 * keys already checked to be curve points (parseAtprotoKey).
 */
export type EcdsaVerify = (
  key: AtprotoKey,
  message: Uint8Array,
  signature: Uint8Array,
) => Promise<boolean>;

/** n/2 of each curve: atproto refuses s above it. */
const HALF_ORDER: Record<AtprotoCurve, bigint> = {
  secp256k1: secp256k1.Point.Fn.ORDER >> 1n,
  p256: p256.Point.Fn.ORDER >> 1n,
};

function isLowS(curve: AtprotoCurve, signature: Uint8Array): boolean {
  let s = 0n;
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i]!);
  return s <= HALF_ORDER[curve];
}

/** RFC 6979 signatures made with noble (secret keys 0x01…01 and 0x02…02): what any primitive must agree with. */
const KNOWN_MESSAGE = 'KEZ atproto ECDSA known answer';
const KNOWN: { curve: AtprotoCurve; publicKey: string; signature: string }[] = [
  {
    curve: 'secp256k1',
    publicKey: '031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f',
    signature:
      'debeafe8584785e6f301fcde4e52df6df4f3b4f59a59fe55a924c550be22d5b51288feaf71650d2b822cd5bfd72a3a5bf74137e63674f5ddf1ef3a7723c2a397',
  },
  {
    curve: 'p256',
    publicKey: '02550f471003f3df97c3df506ac797f6721fb1a1fb7b8f6f83d224498a65c88e24',
    signature:
      '664198e09a849ed5f84ee7a4ef6f9ab39a4f3226db70da10670d2db9c23985e46ab066361719b3064fae8e45b4ee474265331554ba004c9ee68c05565b151dbb',
  },
];

/** True when `fn` accepts each known answer and refuses it for a changed message. Never rejects. */
async function agreesOnKnownAnswers(fn: EcdsaVerify): Promise<boolean> {
  try {
    const results = await Promise.all(
      KNOWN.flatMap((k) => {
        const key = { curve: k.curve, publicKey: fromHex(k.publicKey, 33, 'publicKey') };
        const sig = fromHex(k.signature, 64, 'signature');
        return [fn(key, utf8(KNOWN_MESSAGE), sig), fn(key, utf8(KNOWN_MESSAGE + '.'), sig)];
      }),
    );
    return results.every((ok, i) => ok === (i % 2 === 0));
  } catch {
    return false;
  }
}

let platform: { fn: EcdsaVerify; agrees: Promise<boolean> } | undefined;

/**
 * Install a platform ECDSA primitive (undefined: back to the pure one). It is
 * used only once it agrees with the known answers; until then, or if it never
 * does, the pure check runs.
 *
 * @example
 * useEcdsaVerify(nodeEcdsaVerify);
 */
export function useEcdsaVerify(fn: EcdsaVerify | undefined): void {
  platform = fn ? { fn, agrees: agreesOnKnownAnswers(fn) } : undefined;
}

/**
 * verifyAtprotoSignature through the installed primitive when there is one
 * (off the event loop on Node), with the same rules: 64-byte compact, low-S.
 * Never throws.
 */
export async function checkAtprotoSignature(
  key: AtprotoKey,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64 || !isLowS(key.curve, signature)) return false;
  const p = platform;
  if (!p || !(await p.agrees)) return verifyAtprotoSignature(key, message, signature);
  try {
    return await p.fn(key, message, signature);
  } catch {
    return false;
  }
}
