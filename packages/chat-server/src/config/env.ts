/**
 * The only place the chat-server reads `process.env` (style §6 rule 18).
 * Names are listed once so the README, docker-compose and `kez-chat-server
 * keys` agree.
 */
export const ENV_VARS = {
  natsUrl: 'NATS_URL',
  issuerSeed: 'KEZ_CHAT_ISSUER_SEED',
  xkeySeed: 'KEZ_CHAT_XKEY_SEED',
  calloutSeed: 'KEZ_CHAT_CALLOUT_SEED',
  serviceSeed: 'KEZ_CHAT_SERVICE_SEED',
  userAccount: 'KEZ_CHAT_USER_ACCOUNT',
  sigServers: 'KEZ_SIG_SERVERS',
  jwtTtl: 'KEZ_CHAT_JWT_TTL',
  loginMaxAge: 'KEZ_CHAT_LOGIN_MAX_AGE',
  concurrency: 'KEZ_CHAT_CALLOUT_CONCURRENCY',
  replicas: 'KEZ_CHAT_REPLICAS',
  chainTtl: 'KEZ_CHAT_CHAIN_TTL',
  logLevel: 'KEZ_LOG_LEVEL',
} as const;

export type EnvInput = Partial<Record<keyof typeof ENV_VARS, string>>;

/**
 * The chat-server's variables from an environment (process.env by default).
 * @example readEnv().natsUrl
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvInput {
  const out: EnvInput = {};
  for (const [field, name] of Object.entries(ENV_VARS) as [keyof typeof ENV_VARS, string][]) {
    const v = env[name];
    if (v !== undefined && v !== '') out[field] = v;
  }
  return out;
}
