/**
 * The key store: one JSON file per key in `$KEZ_HOME/keys/<name>.json`
 * (directory 0700, files 0600). Files are written to a temp file in the same
 * directory, fsynced and renamed into place, so a crash never leaves a
 * half-written key; without `force` an existing key is never replaced.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { KEZ_VERSION, fromHex, isSuiteName, parseKeyRef } from '@kez/core';
import type { SuiteName } from '@kez/core';
import { LocalError, UsageError } from './errors.js';

export const DEFAULT_KEY_NAME = 'default';
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The JSON stored in a key file. Exactly one of `secret` and `encrypted` is present. */
export interface KeyFile {
  kez: typeof KEZ_VERSION;
  type: 'key';
  name: string;
  suite: SuiteName;
  /** Key ref `<suite>:<hex>` of the public key. */
  public: string;
  /** Unix seconds. */
  created_at: number;
  /** 32-byte secret as lowercase hex (unencrypted keys). */
  secret?: string;
  /** base64url of core's encryptSecret blob (NIP-49 layout: scrypt + XChaCha20-Poly1305). */
  encrypted?: string;
}

/**
 * Check a key name (letters, digits, `.`, `_`, `-`; 1–64; no leading dot). Bad names are usage errors.
 * @example checkKeyName('work') // 'work'
 */
export function checkKeyName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new UsageError(
      `"${name.slice(0, 70)}" is not a valid key name`,
      'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  return name;
}

/**
 * Key files under one KEZ_HOME.
 * @example const store = new KeyStore('/home/alice/.config/kez'); store.read('default')
 */
export class KeyStore {
  readonly home: string;
  readonly dir: string;

  constructor(home: string) {
    this.home = home;
    this.dir = join(home, 'keys');
  }

  /** Path of the file for `name` (the file may not exist). */
  pathOf(name: string): string {
    return join(this.dir, `${checkKeyName(name)}.json`);
  }

  exists(name: string): boolean {
    try {
      return statSync(this.pathOf(name)).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /**
   * Early "name taken" check (key_exists, exit 4), so nobody types a passphrase
   * for nothing; `write` checks again atomically.
   */
  assertFree(name: string): void {
    if (this.exists(name)) throw keyExists(name, this.pathOf(name));
  }

  /** Names of all stored keys, sorted. */
  names(): string[] {
    let entries: string[];
    try {
      entries = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return entries
      .filter((f) => f.endsWith('.json') && NAME_RE.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort();
  }

  /** Read and check one key file. Missing → key_not_found; broken → bad_key_file (both exit 4). */
  read(name: string): KeyFile {
    const path = this.pathOf(name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new LocalError(
          'key_not_found',
          `no key named "${name}" in ${this.dir}`,
          name === DEFAULT_KEY_NAME
            ? 'create one with: kez key generate'
            : 'list keys with: kez key list',
        );
      }
      throw e;
    }
    return parseKeyFile(text, name, path);
  }

  /**
   * Write a key file atomically with mode 0600. Without `force`, refuses
   * (key_exists) when the name is taken — checked by the final link(2), so two
   * writers racing cannot both win.
   */
  write(key: KeyFile, opts: { force?: boolean } = {}): string {
    const path = this.pathOf(key.name);
    this.ensureDir();
    const tmp = join(this.dir, `.${key.name}.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(key, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      if (opts.force) {
        renameSync(tmp, path);
      } else {
        try {
          linkSync(tmp, path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw keyExists(key.name, path);
          throw e;
        }
        unlinkSync(tmp);
      }
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // already renamed or gone
      }
      throw e;
    }
    syncDir(this.dir);
    return path;
  }

  /** Create `$KEZ_HOME` and `keys/` (0700); tighten `keys/` if it is looser. */
  private ensureDir(): void {
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if ((statSync(this.dir).mode & 0o077) !== 0) chmodSync(this.dir, 0o700);
  }
}

function keyExists(name: string, path: string): LocalError {
  return new LocalError(
    'key_exists',
    `a key named "${name}" already exists (${path})`,
    'pick another --name, or pass --force to replace it (the old key is lost)',
  );
}

function syncDir(dir: string): void {
  // The rename is durable only once the directory entry is on disk.
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Parse a key file strictly; anything unexpected is bad_key_file (exit 4).
 * @example parseKeyFile(text, 'default', '/home/a/.config/kez/keys/default.json')
 */
export function parseKeyFile(text: string, name: string, path: string): KeyFile {
  const bad = (why: string): never => {
    throw new LocalError('bad_key_file', `key file ${path} is not usable: ${why}`);
  };
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    bad('not valid JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('not a JSON object');
  const k = o as Record<string, unknown>;
  if (k.kez !== KEZ_VERSION || k.type !== 'key')
    bad(`"kez" must be "${KEZ_VERSION}" and "type" "key"`);
  if (k.name !== name) bad(`"name" is "${String(k.name)}", expected "${name}"`);
  if (!isSuiteName(k.suite)) bad(`unknown suite "${String(k.suite)}"`);
  if (typeof k.public !== 'string') bad('"public" is missing');
  try {
    const ref = parseKeyRef(k.public as string);
    if (ref.suite !== k.suite || ref.text !== k.public) bad('"public" does not match "suite"');
  } catch (e) {
    if (e instanceof LocalError) throw e;
    bad('"public" is not a valid key ref');
  }
  if (typeof k.created_at !== 'number' || !Number.isSafeInteger(k.created_at))
    bad('"created_at" must be unix seconds');
  const hasSecret = k.secret !== undefined;
  const hasEncrypted = k.encrypted !== undefined;
  if (hasSecret === hasEncrypted) bad('exactly one of "secret" and "encrypted" must be present');
  if (hasSecret) {
    try {
      fromHex(k.secret as string, 32, 'secret');
    } catch {
      bad('"secret" must be 64 lowercase hex characters');
    }
  } else if (typeof k.encrypted !== 'string' || !/^[A-Za-z0-9_-]+$/.test(k.encrypted)) {
    bad('"encrypted" must be base64url');
  }
  return k as unknown as KeyFile;
}
