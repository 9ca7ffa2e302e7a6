/**
 * AT Protocol signing keys (atproto cryptography spec): secp256k1 ("k256")
 * or NIST P-256, written as Multikey `publicKeyMultibase` — `z` + base58btc of
 * a multicodec prefix (secp256k1-pub 0xe7, p256-pub 0x1200) and the
 * compressed point — and ECDSA signatures over SHA-256 in the 64-byte compact
 * form, low-S only. Pure.
 */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58 } from '@scure/base';

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
