/**
 * The sig-server's typed, validated configuration with its defaults. Input
 * comes from the environment (env.ts) and/or from code (startSigServer);
 * values given in code win.
 */
import { join, resolve } from 'node:path';
import { InputError } from '@kez/core';
import type { EnvInput } from './env.js';
import { ENV_VARS } from './env.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Limits {
  /** Largest request body accepted, in bytes (413 above). */
  maxBodyBytes: number;
  /** Most events one POST may carry (413 above). */
  maxEventsPerRequest: number;
  /** Most events one chain may hold (422 above). */
  maxChainLength: number;
  /** Most fork-evidence events kept per chain; more are reported but not stored. */
  maxForkEvidence: number;
  /** Largest page of a chain or of the change feed. */
  maxPageSize: number;
  /** A request that takes longer is answered 503 (timeout). */
  requestTimeoutMs: number;
  /** How long a head read from the database is served from memory (0: never); appends here update it at once. */
  headCacheMs: number;
}

export interface RateLimit {
  /** Tokens added per second per client address. */
  perSecond: number;
  /** Bucket size: how many requests a client may make at once. */
  burst: number;
}

export interface SigServerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** postgres://… — when set, PostgreSQL is the store; otherwise SQLite. */
  databaseUrl: string | null;
  /** Directory of the SQLite file (and the transparency-log key). */
  dataDir: string;
  /** SQLite file; default `<dataDir>/kez-sig.db`. */
  sqliteFile: string;
  /** Base URL clients should use, when it differs from the bound address (a proxy in front). */
  publicUrl: string | null;
  limits: Limits;
  /** null: no rate limit. */
  rateLimit: RateLimit | null;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
  logLevel: LogLevel;
  /** File holding the transparency log's ed25519 seed (hex); default `<dataDir>/tlog-key.hex`. */
  tlogKeyFile: string;
}

/** What a caller may set; every field is optional. */
export interface SigServerConfigInput {
  host?: string;
  port?: number;
  databaseUrl?: string | null;
  dataDir?: string;
  sqliteFile?: string;
  publicUrl?: string | null;
  limits?: Partial<Limits>;
  rateLimit?: RateLimit | null;
  trustProxy?: boolean;
  logLevel?: LogLevel;
  tlogKeyFile?: string;
}

export const DEFAULT_PORT = 8420;
export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 256 * 1024,
  maxEventsPerRequest: 100,
  maxChainLength: 10_000,
  maxForkEvidence: 16,
  maxPageSize: 1000,
  requestTimeoutMs: 10_000,
  headCacheMs: 1000,
};
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 100 };

function int(name: string, v: string | number | undefined, min: number, max: number) {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new InputError(`${name} must be an integer from ${min} to ${max}, got "${String(v)}"`);
  return n;
}

function bool(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new InputError(`${name} must be true or false, got "${v}"`);
}

function url(name: string, v: string | null | undefined, schemes: string[]) {
  if (v === undefined || v === null) return v;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InputError(`${name} is not a URL`);
  }
  if (!schemes.includes(u.protocol))
    throw new InputError(`${name} must start with ${schemes.map((s) => s + '//').join(' or ')}`);
  return v;
}

/**
 * Check and complete a configuration. `code` wins over `env`. Throws
 * InputError naming the first bad setting (never echoing DATABASE_URL).
 * @example const cfg = resolveConfig(readEnv(), { port: 0 });
 */
export function resolveConfig(
  env: EnvInput = {},
  code: SigServerConfigInput = {},
): SigServerConfig {
  const E = ENV_VARS;
  const dataDir = resolve(code.dataDir ?? env.dataDir ?? './data');
  const l = code.limits ?? {};
  const limits: Limits = {
    maxBodyBytes:
      int('maxBodyBytes', l.maxBodyBytes, 1024, 64 << 20) ??
      int(E.maxBodyBytes, env.maxBodyBytes, 1024, 64 << 20) ??
      DEFAULT_LIMITS.maxBodyBytes,
    maxEventsPerRequest:
      int('maxEventsPerRequest', l.maxEventsPerRequest, 1, 100_000) ??
      int(E.maxEventsPerRequest, env.maxEventsPerRequest, 1, 100_000) ??
      DEFAULT_LIMITS.maxEventsPerRequest,
    maxChainLength:
      int('maxChainLength', l.maxChainLength, 1, 10_000_000) ??
      int(E.maxChainLength, env.maxChainLength, 1, 10_000_000) ??
      DEFAULT_LIMITS.maxChainLength,
    maxForkEvidence:
      int('maxForkEvidence', l.maxForkEvidence, 0, 100_000) ??
      int(E.maxForkEvidence, env.maxForkEvidence, 0, 100_000) ??
      DEFAULT_LIMITS.maxForkEvidence,
    maxPageSize: int('maxPageSize', l.maxPageSize, 1, 100_000) ?? DEFAULT_LIMITS.maxPageSize,
    requestTimeoutMs:
      int('requestTimeoutMs', l.requestTimeoutMs, 10, 3_600_000) ??
      int(E.requestTimeoutMs, env.requestTimeoutMs, 10, 3_600_000) ??
      DEFAULT_LIMITS.requestTimeoutMs,
    headCacheMs:
      int('headCacheMs', l.headCacheMs, 0, 60_000) ??
      int(E.headCacheMs, env.headCacheMs, 0, 60_000) ??
      DEFAULT_LIMITS.headCacheMs,
  };
  let rateLimit: RateLimit | null;
  if (code.rateLimit !== undefined) rateLimit = code.rateLimit;
  else {
    const perSecond = int(E.rateLimitPerSecond, env.rateLimitPerSecond, 0, 1_000_000);
    const burst = int(E.rateLimitBurst, env.rateLimitBurst, 1, 10_000_000);
    rateLimit =
      perSecond === 0
        ? null
        : {
            perSecond: perSecond ?? DEFAULT_RATE_LIMIT.perSecond,
            burst: burst ?? DEFAULT_RATE_LIMIT.burst,
          };
  }
  if (rateLimit && (!(rateLimit.perSecond > 0) || !(rateLimit.burst >= 1)))
    throw new InputError('rateLimit needs perSecond > 0 and burst >= 1 (or null for none)');
  const logLevel = code.logLevel ?? (env.logLevel?.toLowerCase() as LogLevel | undefined) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new InputError(`${E.logLevel} must be one of ${LOG_LEVELS.join(', ')}`);
  const host = code.host ?? env.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new InputError(`${E.host} is not a host name`);
  return {
    host,
    port: int('port', code.port, 0, 65535) ?? int(E.port, env.port, 0, 65535) ?? DEFAULT_PORT,
    databaseUrl:
      code.databaseUrl !== undefined
        ? (url('databaseUrl', code.databaseUrl, ['postgres:', 'postgresql:']) ?? null)
        : (url(E.databaseUrl, env.databaseUrl, ['postgres:', 'postgresql:']) ?? null),
    dataDir,
    sqliteFile: resolve(code.sqliteFile ?? join(dataDir, 'kez-sig.db')),
    publicUrl:
      code.publicUrl !== undefined
        ? (url('publicUrl', code.publicUrl, ['http:', 'https:']) ?? null)
        : (url(E.publicUrl, env.publicUrl, ['http:', 'https:']) ?? null),
    limits,
    rateLimit,
    trustProxy: code.trustProxy ?? bool(E.trustProxy, env.trustProxy) ?? false,
    logLevel,
    tlogKeyFile: resolve(code.tlogKeyFile ?? env.tlogKeyFile ?? join(dataDir, 'tlog-key.hex')),
  };
}
