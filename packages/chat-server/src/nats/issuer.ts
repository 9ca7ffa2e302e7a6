/**
 * The auth_callout issuer (an account nkey) as a KeyPair that @nats-io/jwt's
 * encodeUser / encodeAuthorizationResponse accept, signing with node:crypto;
 * and the server's request JWT checked with node:crypto. nkeys.js re-derives
 * the key pair in pure JS on every call (≈40 ms per log-in instead of ≈1 ms,
 * notes/nats-auth-callout §3.5).
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { KeyPair } from '@nats-io/nkeys';
import { encodePublicKey, rawPublicKey, rawSeed } from './nkey-codec.js';
import type { NkeyRole } from './nkey-codec.js';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const te = new TextEncoder();

function privateKeyOf(seed: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

function rawPublicOf(priv: KeyObject): Uint8Array {
  const x = (createPublicKey(priv).export({ format: 'jwk' }) as { x: string }).x;
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

/**
 * A signing KeyPair for an nkey seed (`SA…` for the issuer, `SU…` for users).
 * @example const issuer = fastSigner(process.env.ISSUER_SEED); issuer.getPublicKey() // 'A…'
 */
export function fastSigner(seedText: string): KeyPair {
  const { role, seed } = rawSeed(seedText);
  const priv = privateKeyOf(seed);
  const pub = encodePublicKey(rawPublicOf(priv), role);
  const seedBytes = te.encode(seedText);
  const kp = {
    getPublicKey: () => pub,
    // checkKey(…, seed=true) only asks that this does not throw.
    getPrivateKey: () => seedBytes,
    getSeed: () => seedBytes,
    sign: (input: Uint8Array) => new Uint8Array(sign(null, input, priv)),
    verify: (input: Uint8Array, sig: Uint8Array) => verifyWithNkey(pub, role, input, sig),
    clear: () => undefined,
    seal: () => {
      throw new Error('not a curve key');
    },
    open: () => {
      throw new Error('not a curve key');
    },
  };
  return kp as KeyPair;
}

/** The public nkey of a seed. */
export function publicKeyOfSeed(seedText: string): string {
  const { role, seed } = rawSeed(seedText);
  return encodePublicKey(rawPublicOf(privateKeyOf(seed)), role);
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(nkey: string, role: NkeyRole): KeyObject {
  const id = `${role}:${nkey}`;
  let k = publicKeys.get(id);
  if (!k) {
    const x = Buffer.from(rawPublicKey(nkey, role)).toString('base64url');
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (publicKeys.size > 1024) publicKeys.clear();
    publicKeys.set(id, k);
  }
  return k;
}

function verifyWithNkey(nkey: string, role: NkeyRole, input: Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify(null, input, publicKeyObject(nkey, role), sig);
  } catch {
    return false;
  }
}

/** The claims of a NATS v2 JWT. */
export interface JwtClaims {
  iss: string;
  sub: string;
  aud?: string;
  exp?: number;
  iat?: number;
  name?: string;
  nats?: Record<string, unknown>;
}

/**
 * Decode a NATS v2 JWT ("ed25519-nkey") and check its signature against its
 * issuer, which must have the given role (N: a server). Throws on any fault.
 * The key is a server's own Ed25519 key, so the small-order issue (notes §3.9)
 * does not arise: only a key that can sign as that server makes a valid JWT.
 * @example decodeVerified(text, 'N').nats?.user_nkey
 */
export function decodeVerified(jwt: string, issuerRole: NkeyRole): JwtClaims {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('jwt: expected three parts');
  const [h, b, s] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as {
    alg?: string;
    typ?: string;
  };
  if (header.alg !== 'ed25519-nkey' || String(header.typ).toUpperCase() !== 'JWT')
    throw new Error('jwt: not a NATS v2 JWT');
  const claims = JSON.parse(Buffer.from(b, 'base64url').toString('utf8')) as JwtClaims;
  if (typeof claims.iss !== 'string') throw new Error('jwt: no issuer');
  const sig = new Uint8Array(Buffer.from(s, 'base64url'));
  if (!verifyWithNkey(claims.iss, issuerRole, te.encode(`${h}.${b}`), sig))
    throw new Error('jwt: signature does not verify');
  return claims;
}
