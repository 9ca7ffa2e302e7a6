/**
 * The only place the CLI reads `process.env` (style §6 rule 18). Every KEZ_*
 * variable is parsed and checked here once, then handed around as `Env`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** scrypt cost for new encrypted keys (NIP-49 log_n). Core's default; 2^16 ≈ 64 MiB, ~0.3 s. */
export const DEFAULT_SCRYPT_LOG_N = 16;
export const MIN_SCRYPT_LOG_N = 10;
export const MAX_SCRYPT_LOG_N = 20;

export interface Env {
  /** $KEZ_HOME, default ~/.config/kez; keys live in `<home>/keys`. */
  home: string;
  /** $KEZ_PASSPHRASE: unlocks encrypted keys (and encrypts new ones unless KEZ_NEW_PASSPHRASE is set). */
  passphrase: string | undefined;
  /** $KEZ_NEW_PASSPHRASE: the passphrase to encrypt with (key generate/import --encrypt, export ncryptsec). */
  newPassphrase: string | undefined;
  /** $KEZ_SCRYPT_LOG_N (10..20): scrypt cost for newly encrypted keys; low values only for tests. */
  scryptLogN: number;
  /** $KEZ_NOW: unix seconds used as "now" — for tests only, so expiry is testable without sleeping. */
  now: number | undefined;
  /** $KEZ_DEBUG=1: print stack traces for errors. */
  debug: boolean;
  /** $NO_COLOR set and non-empty: never colour (https://no-color.org). */
  noColor: boolean;
  /** Every KEZ_* variable as given, for settings @kez/channels defines (endpoints, tokens, limits). */
  vars: Readonly<Record<string, string | undefined>>;
}

/**
 * Read the environment once. Bad values are usage errors (exit 2).
 * @example readEnv(process.env).home // '/home/alice/.config/kez'
 */
export function readEnv(e: NodeJS.ProcessEnv): Env {
  return {
    home: e.KEZ_HOME ? resolve(e.KEZ_HOME) : join(homedir(), '.config', 'kez'),
    passphrase: e.KEZ_PASSPHRASE,
    newPassphrase: e.KEZ_NEW_PASSPHRASE,
    scryptLogN: readLogN(e.KEZ_SCRYPT_LOG_N),
    now: readNow(e.KEZ_NOW),
    debug: e.KEZ_DEBUG === '1',
    noColor: e.NO_COLOR !== undefined && e.NO_COLOR !== '',
    vars: Object.fromEntries(Object.entries(e).filter(([k]) => k.startsWith('KEZ_'))),
  };
}

function readLogN(v: string | undefined): number {
  if (v === undefined || v === '') return DEFAULT_SCRYPT_LOG_N;
  const n = Number(v);
  if (!Number.isInteger(n) || n < MIN_SCRYPT_LOG_N || n > MAX_SCRYPT_LOG_N) {
    throw new UsageError(
      `KEZ_SCRYPT_LOG_N must be an integer from ${MIN_SCRYPT_LOG_N} to ${MAX_SCRYPT_LOG_N}, got "${v.slice(0, 20)}"`,
    );
  }
  return n;
}

function readNow(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new UsageError(`KEZ_NOW must be unix seconds, got "${v.slice(0, 20)}"`);
  }
  return n;
}
