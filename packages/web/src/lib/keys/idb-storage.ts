/**
 * KeyStorage on IndexedDB: one object store, records keyed by key ref. Only
 * encrypted secrets are ever written here (keyring.ts).
 */
import type { KeyStorage, StoredKey } from './keyring.js';

const DB = 'kez-web';
const STORE = 'keys';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function open(factory: IDBFactory): Promise<IDBDatabase> {
  const r = factory.open(DB, 1);
  r.onupgradeneeded = () => {
    if (!r.result.objectStoreNames.contains(STORE))
      r.result.createObjectStore(STORE, { keyPath: 'key' });
  };
  return request(r);
}

/**
 * @example const ring = new Keyring(idbStorage());
 */
export function idbStorage(factory: IDBFactory = globalThis.indexedDB): KeyStorage {
  let db: Promise<IDBDatabase> | undefined;
  const store = async (mode: IDBTransactionMode) =>
    (await (db ??= open(factory))).transaction(STORE, mode).objectStore(STORE);
  return {
    async list() {
      const all = (await request((await store('readonly')).getAll())) as StoredKey[];
      return all.sort((a, b) => a.created - b.created);
    },
    async get(key) {
      return (await request((await store('readonly')).get(key))) as StoredKey | undefined;
    },
    async put(rec) {
      await request((await store('readwrite')).put(rec));
    },
    async delete(key) {
      await request((await store('readwrite')).delete(key));
    },
  };
}
