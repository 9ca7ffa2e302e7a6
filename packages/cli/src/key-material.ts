/**
 * Secret keys in and out of the key store: parse what a user pastes (nsec,
 * ncryptsec, 64 hex), unlock a stored key for signing, and describe a key for
 * display. Secret text never appears in an error message.
 */
import { statSync } from 'node:fs';
import {
  InputError,
  decodeEncryptedSecret,
  decryptSecret,
  displayKey,
  encodeEncryptedSecret,
  encryptSecret,
  formatKeyRef,
  fromHex,
  getSuite,
  ncryptsecDecode,
  nsecDecode,
  parseKeyRef,
} from '@kez/core';
import type { SuiteName } from '@kez/core';
import type { Deps } from './deps.js';
import { LocalError, UsageError } from './errors.js';
import type { KeyFile, KeyStore } from './key-store.js';
import { warn } from './output.js';
import { unlockPassphrase } from './passphrase.js';
import type { PassphraseSources } from './passphrase.js';

/** A secret key and its public key ref. */
export interface SecretKey {
  suite: SuiteName;
  secret: Uint8Array;
  /** Key ref `<suite>:<hex>`. */
  public: string;
}

/** What a pasted secret turned out to be. */
export type SecretInput =
  | { kind: 'plain'; suite: SuiteName; secret: Uint8Array }
  | { kind: 'ncryptsec'; suite: SuiteName; blob: Uint8Array };

/**
 * Public key ref of a secret key; throws InputError (exit 2) for a secret the suite rejects.
 * @example publicRefOf('ed25519', seed) // 'ed25519:3b6a…'
 */
export function publicRefOf(suite: SuiteName, secret: Uint8Array): string {
  if (secret.length !== 32) throw new InputError(`${suite} secret key must be 32 bytes`);
  let pub: Uint8Array;
  try {
    pub = getSuite(suite).getPublicKey(secret);
  } catch {
    // secp256k1 secrets must be in [1, n-1]; noble throws a plain Error otherwise.
    throw new InputError(`${suite} secret key is out of range for its curve`);
  }
  return formatKeyRef(suite, pub);
}

/**
 * Recognize a pasted secret. Decision (documented in the README): nsec and
 * ncryptsec are nostr keys; bare 64-hex could be either suite, so it needs --alg.
 * @example parseSecretInput('nsec1…') // { kind: 'plain', suite: 'nostr', secret }
 */
export function parseSecretInput(text: string, alg?: SuiteName): SecretInput {
  const s = text.trim();
  const lower = s.toLowerCase();
  if (lower.startsWith('nsec1') || lower.startsWith('ncryptsec1')) {
    const kind = lower.startsWith('nsec1') ? 'nsec' : 'ncryptsec';
    if (alg !== undefined && alg !== 'nostr')
      throw new UsageError(
        `an ${kind} is a nostr key, not ${alg}`,
        'drop --alg, or pass --alg nostr',
      );
    if (kind === 'nsec') return { kind: 'plain', suite: 'nostr', secret: nsecDecode(lower) };
    return { kind: 'ncryptsec', suite: 'nostr', blob: ncryptsecDecode(lower) };
  }
  if (/^[0-9a-fA-F]{64}$/.test(s)) {
    if (alg === undefined) {
      throw new UsageError(
        'a 64-hex secret key could be nostr or ed25519',
        'say which with --alg nostr or --alg ed25519',
      );
    }
    return { kind: 'plain', suite: alg, secret: fromHex(lower, 32, 'secret key') };
  }
  throw new InputError('not a secret key (expected nsec1…, ncryptsec1… or 64 hex characters)');
}

/**
 * Decrypt a NIP-49 blob; a wrong passphrase is exit 4 (bad_passphrase), not a crash.
 * @example await decryptWithPassphrase(blob, 'hunter2', 'key "default"')
 */
export async function decryptWithPassphrase(
  blob: Uint8Array,
  passphrase: string,
  what: string,
): Promise<Uint8Array> {
  try {
    return await decryptSecret(blob, passphrase);
  } catch (e) {
    if (e instanceof InputError && /passphrase/.test(e.message)) {
      throw new LocalError(
        'bad_passphrase',
        `wrong passphrase for ${what} (or the encrypted key is corrupt)`,
        'check --passphrase-file / KEZ_PASSPHRASE',
      );
    }
    throw e;
  }
}

/**
 * Encrypt a secret for the key file (`encrypted` field) at the configured scrypt cost.
 * @example await encryptForStore(secret, 'hunter2', deps.env.scryptLogN)
 */
export async function encryptForStore(
  secret: Uint8Array,
  passphrase: string,
  logN: number,
): Promise<string> {
  return encodeEncryptedSecret(await encryptSecret(secret, passphrase, logN));
}

/**
 * Read a key from the store and unlock its secret (asking for the passphrase if encrypted).
 * @example const key = await loadSecretKey(deps, store, 'default', { file: opts.passphraseFile })
 */
export async function loadSecretKey(
  deps: Deps,
  store: KeyStore,
  name: string,
  src: PassphraseSources,
): Promise<SecretKey & { file: KeyFile }> {
  const file = store.read(name);
  const path = store.pathOf(name);
  if ((statSync(path).mode & 0o077) !== 0) {
    warn(deps, `${path} is readable by other users; run: chmod 600 ${path}`);
  }
  let secret: Uint8Array;
  if (file.secret !== undefined) {
    secret = fromHex(file.secret, 32, 'secret');
  } else {
    const what = `key "${name}"`;
    const pass = await unlockPassphrase(deps, src, what);
    secret = await decryptWithPassphrase(decodeEncryptedSecret(file.encrypted!), pass, what);
  }
  if (publicRefOf(file.suite, secret) !== file.public) {
    throw new LocalError('bad_key_file', `key file ${path}: secret does not match "public"`);
  }
  return { suite: file.suite, secret, public: file.public, file };
}

/** A key as shown by `key show` / `key list` and their --json. */
export interface KeyInfo {
  name: string;
  suite: SuiteName;
  public: string;
  npub?: string;
  path: string;
  encrypted: boolean;
  created_at: number;
}

/**
 * The public facts about a stored key (never the secret).
 * @example describeKey(store.read('default'), store.pathOf('default'))
 */
export function describeKey(file: KeyFile, path: string): KeyInfo {
  return {
    name: file.name,
    suite: file.suite,
    public: file.public,
    ...(file.suite === 'nostr' ? { npub: displayKey(parseKeyRef(file.public)) } : {}),
    path,
    encrypted: file.encrypted !== undefined,
    created_at: file.created_at,
  };
}
