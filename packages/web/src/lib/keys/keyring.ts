/**
 * Keys kept by the page: each secret encrypted with the user's passphrase
 * (core encryptSecret: scrypt + XChaCha20-Poly1305, the NIP-49 layout, SPEC
 * §11.7) before it is stored; only the public key ref, a name and the
 * encrypted blob reach storage. Storage is injected: IndexedDB in the page
 * (idb-storage.ts), a Map in tests.
 */
import {
  InputError,
  decodeEncryptedSecret,
  decryptSecret,
  encodeEncryptedSecret,
  encryptSecret,
  formatKeyRef,
  fromHex,
  getSuite,
  ncryptsecDecode,
  nsecDecode,
} from '@kez/core';
import type { SuiteName } from '@kez/core';

export interface StoredKey {
  /** Key ref `<suite>:<hex>` of the public key (the record's id). */
  key: string;
  suite: SuiteName;
  name: string;
  /** base64url of the encrypted secret (NIP-49 layout). */
  encrypted: string;
  /** Unix seconds. */
  created: number;
}

export interface KeyStorage {
  list(): Promise<StoredKey[]>;
  get(key: string): Promise<StoredKey | undefined>;
  put(record: StoredKey): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A Map-backed storage (tests, and pages without IndexedDB). */
export function memoryStorage(): KeyStorage {
  const m = new Map<string, StoredKey>();
  return {
    list: async () => [...m.values()].sort((a, b) => a.created - b.created),
    get: async (k) => m.get(k),
    put: async (r) => void m.set(r.key, r),
    delete: async (k) => void m.delete(k),
  };
}

export interface KeyringOptions {
  /** scrypt cost as log2(N); SPEC §11.7 writers use ≥ 16 (tests may pass less). */
  logN?: number;
  /** Unix seconds. */
  now?: () => number;
}

/** The secret a text holds: nsec (nostr), ncryptsec (nostr, encrypted) or 64 hex (either suite). */
async function readSecretText(
  text: string,
  suite: SuiteName,
  passphrase: string,
): Promise<{ suite: SuiteName; secret: Uint8Array }> {
  const s = text.trim();
  if (s.startsWith('nsec1')) return { suite: 'nostr', secret: nsecDecode(s) };
  if (s.startsWith('ncryptsec1'))
    return { suite: 'nostr', secret: await decryptSecret(ncryptsecDecode(s), passphrase) };
  if (/^[0-9a-fA-F]{64}$/.test(s))
    return { suite, secret: fromHex(s.toLowerCase(), 32, 'secret key') };
  throw new InputError('paste an nsec, an ncryptsec or 64 hex characters of a secret key');
}

/**
 * @example
 * const ring = new Keyring(idbStorage());
 * const k = await ring.create('ed25519', 'laptop', 'correct horse');
 * const secret = await ring.unlock(k.key, 'correct horse');
 */
export class Keyring {
  readonly #storage: KeyStorage;
  readonly #logN: number;
  readonly #now: () => number;

  constructor(storage: KeyStorage, opts: KeyringOptions = {}) {
    this.#storage = storage;
    this.#logN = opts.logN ?? 16;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  list(): Promise<StoredKey[]> {
    return this.#storage.list();
  }

  /** Make a fresh key and store it encrypted. */
  async create(suite: SuiteName, name: string, passphrase: string): Promise<StoredKey> {
    return this.#store(suite, getSuite(suite).generateSecretKey(), name, passphrase);
  }

  /**
   * Import a secret key text. `suite` decides what 64 hex characters are
   * (nsec and ncryptsec are nostr). An ncryptsec is opened with `passphrase`,
   * which then also protects the stored copy.
   */
  async import(
    text: string,
    suite: SuiteName,
    name: string,
    passphrase: string,
  ): Promise<StoredKey> {
    const read = await readSecretText(text, suite, passphrase);
    return this.#store(read.suite, read.secret, name, passphrase);
  }

  /** The secret of a stored key; a wrong passphrase is an InputError. */
  async unlock(key: string, passphrase: string): Promise<Uint8Array> {
    const rec = await this.#storage.get(key);
    if (!rec) throw new InputError(`no stored key ${key}`);
    return decryptSecret(decodeEncryptedSecret(rec.encrypted), passphrase);
  }

  remove(key: string): Promise<void> {
    return this.#storage.delete(key);
  }

  async #store(
    suite: SuiteName,
    secret: Uint8Array,
    name: string,
    passphrase: string,
  ): Promise<StoredKey> {
    if (passphrase.length < 8) throw new InputError('choose a passphrase of at least 8 characters');
    const trimmed = name.trim().slice(0, 64) || 'key';
    const key = formatKeyRef(suite, getSuite(suite).getPublicKey(secret));
    const rec: StoredKey = {
      key,
      suite,
      name: trimmed,
      encrypted: encodeEncryptedSecret(await encryptSecret(secret, passphrase, this.#logN)),
      created: this.#now(),
    };
    await this.#storage.put(rec);
    return rec;
  }
}
