/**
 * The one place that reads `process.env` (style §6 rule 18). It only picks the
 * sig-server's variables out; config.ts checks them and fills in defaults.
 */

/** The environment variables the sig-server understands, by config field. */
export const ENV_VARS = {
  port: 'KEZ_SIG_PORT',
  host: 'KEZ_SIG_HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'KEZ_SIG_DATA_DIR',
  publicUrl: 'KEZ_SIG_PUBLIC_URL',
  maxBodyBytes: 'KEZ_SIG_MAX_BODY_BYTES',
  maxEventsPerRequest: 'KEZ_SIG_MAX_EVENTS_PER_REQUEST',
  maxChainLength: 'KEZ_SIG_MAX_CHAIN_LENGTH',
  maxForkEvidence: 'KEZ_SIG_MAX_FORK_EVIDENCE',
  rateLimitPerSecond: 'KEZ_SIG_RATE_PER_SECOND',
  rateLimitBurst: 'KEZ_SIG_RATE_BURST',
  requestTimeoutMs: 'KEZ_SIG_REQUEST_TIMEOUT_MS',
  headCacheMs: 'KEZ_SIG_HEAD_CACHE_MS',
  trustProxy: 'KEZ_SIG_TRUST_PROXY',
  logLevel: 'KEZ_SIG_LOG_LEVEL',
  tlogKeyFile: 'KEZ_SIG_TLOG_KEY_FILE',
} as const;

export type EnvInput = Partial<Record<keyof typeof ENV_VARS, string>>;

/**
 * The sig-server's settings as given in the environment (strings, unchecked).
 * @example const cfg = resolveConfig(readEnv());
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvInput {
  const out: EnvInput = {};
  for (const [field, name] of Object.entries(ENV_VARS) as [keyof typeof ENV_VARS, string][]) {
    const v = env[name];
    if (v !== undefined && v !== '') out[field] = v;
  }
  return out;
}
