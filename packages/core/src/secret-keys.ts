/**
 * Secret-key text forms (SPEC §3.4): nsec (NIP-19), 64-hex, and passphrase
 * encryption in the NIP-49 layout — scrypt + XChaCha20-Poly1305 — which for a
 * nostr key *is* an ncryptsec, and for an ed25519 key is the same bytes in base64url.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { base64urlnopad, bech32 } from '@scure/base';
import { randomBytes, utf8 } from './bytes.js';
import { InputError } from './errors.js';

export function nsecEncode(sk: Uint8Array): string {
  return bech32.encode('nsec', bech32.toWords(sk), 90);
}

export function nsecDecode(s: string): Uint8Array {
  let dec;
  try {
    dec = bech32.decode(s as `${string}1${string}`, 90);
  } catch {
    throw new InputError('not a valid nsec (bad bech32)');
  }
  if (dec.prefix !== 'nsec') throw new InputError(`expected an nsec, got prefix "${dec.prefix}"`);
  const b = bech32.fromWords(dec.words);
  if (b.length !== 32) throw new InputError('nsec must hold 32 bytes');
  return b;
}

/** NIP-49 §"Encryption": version 0x02. */
const VERSION = 2;
/** NIP-49 key-security byte: 0x02 = "not known whether handled insecurely". */
const KEY_SECURITY = 2;

/** Encrypt a 32-byte secret (NIP-49 layout: ver, log_n, salt16, nonce24, ksb, ct48). */
export async function encryptSecret(
  sk: Uint8Array,
  passphrase: string,
  logN = 16,
): Promise<Uint8Array> {
  if (sk.length !== 32) throw new InputError('secret key must be 32 bytes');
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const key = await scryptAsync(utf8(passphrase.normalize('NFKC')), salt, {
    N: 2 ** logN,
    r: 8,
    p: 1,
    dkLen: 32,
  });
  const ad = Uint8Array.of(KEY_SECURITY);
  const ct = xchacha20poly1305(key, nonce, ad).encrypt(sk);
  const out = new Uint8Array(91);
  out[0] = VERSION;
  out[1] = logN;
  out.set(salt, 2);
  out.set(nonce, 18);
  out[42] = KEY_SECURITY;
  out.set(ct, 43);
  return out;
}

/** Decrypt the NIP-49 layout. A wrong passphrase is an InputError, never garbage. */
export async function decryptSecret(blob: Uint8Array, passphrase: string): Promise<Uint8Array> {
  if (blob.length !== 91 || blob[0] !== VERSION)
    throw new InputError('encrypted key has an unknown format or version');
  const logN = blob[1]!;
  if (logN < 1 || logN > 22) throw new InputError('encrypted key has an out-of-range scrypt cost');
  const salt = blob.subarray(2, 18);
  const nonce = blob.subarray(18, 42);
  const ad = blob.subarray(42, 43);
  const key = await scryptAsync(utf8(passphrase.normalize('NFKC')), salt, {
    N: 2 ** logN,
    r: 8,
    p: 1,
    dkLen: 32,
  });
  try {
    return xchacha20poly1305(key, nonce, ad).decrypt(blob.subarray(43));
  } catch {
    throw new InputError('wrong passphrase (or the encrypted key is corrupt)');
  }
}

export function ncryptsecEncode(blob: Uint8Array): string {
  return bech32.encode('ncryptsec', bech32.toWords(blob), 200);
}

export function ncryptsecDecode(s: string): Uint8Array {
  let dec;
  try {
    dec = bech32.decode(s as `${string}1${string}`, 200);
  } catch {
    throw new InputError('not a valid ncryptsec (bad bech32)');
  }
  if (dec.prefix !== 'ncryptsec')
    throw new InputError(`expected an ncryptsec, got prefix "${dec.prefix}"`);
  return bech32.fromWords(dec.words);
}

export function encodeEncryptedSecret(blob: Uint8Array): string {
  return base64urlnopad.encode(blob);
}

export function decodeEncryptedSecret(s: string): Uint8Array {
  try {
    return base64urlnopad.decode(s);
  } catch {
    throw new InputError('encrypted key is not valid base64url');
  }
}
