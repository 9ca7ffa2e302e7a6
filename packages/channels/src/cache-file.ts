/**
 * The Node file store of the result cache: one JSON file per entry under a
 * directory (the CLI uses $KEZ_HOME/cache/verify), named by the SHA-256 of
 * the entry key, written atomically (temporary file + rename) with mode 0600.
 * A missing, unreadable or corrupt file is no entry; a failed write is
 * ignored: the cache can only save work, never fail a verification.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheStore } from './cache.js';

/** Largest entry read back (a result holds one claim and a few candidates). */
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * @example const store = createFileCacheStore(join(home, 'cache', 'verify'));
 */
export function createFileCacheStore(dir: string): CacheStore {
  const file = (key: string) => join(dir, createHash('sha256').update(key).digest('hex') + '.json');
  return {
    async get(key) {
      try {
        const text = await readFile(file(key), 'utf8');
        if (text.length > MAX_ENTRY_BYTES) return undefined;
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      const path = file(key);
      const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
        await rename(tmp, path);
      } catch {
        await rm(tmp, { force: true }).catch(() => {});
      }
    },
  };
}
