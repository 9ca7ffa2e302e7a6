/**
 * The chat-server's typed configuration with defaults, from the environment
 * (env.ts) and/or code; values given in code win. Bad values throw one line
 * naming the variable.
 */
import { LOG_LEVELS } from '../logger.js';
import type { LogLevel } from '../logger.js';
import type { EnvInput } from './env.js';
import { ENV_VARS } from './env.js';

export interface ChatServerConfig {
  /** nats://… of the nats-server (or a comma list for a cluster). */
  natsUrl: string;
  /** Account seed (SA…) named as auth_callout.issuer in nats.conf. */
  issuerSeed: string;
  /** Curve seed (SX…) whose public key is auth_callout.xkey; null when nats.conf sets no xkey. */
  xkeySeed: string | null;
  /** User seed (SU…) of the callout service in the AUTH account (an auth_users entry). */
  calloutSeed: string;
  /** User seed (SU…) of the chat service in the users' account (an auth_users entry). */
  serviceSeed: string;
  /** The account logged-in users are placed in (nats.conf account name). */
  userAccount: string;
  /** sig-server base URLs for sigchains; empty: every key stands alone. */
  sigServers: string[];
  /** User JWT lifetime, seconds: when it ends the client logs in again (and is re-checked). */
  jwtTtl: number;
  /** Oldest log-in accepted, seconds. */
  loginMaxAge: number;
  /** Callout requests handled at once per process; more wait in the queue. */
  concurrency: number;
  /** JetStream replicas for the chat stream and rooms bucket (3 on a cluster). */
  replicas: number;
  /** Seconds a fetched sigchain is reused. */
  chainTtl: number;
  logLevel: LogLevel;
}

export type ChatServerConfigInput = Partial<ChatServerConfig>;

function int(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${v.slice(0, 20)}"`);
  return n;
}

function need(v: string | undefined, name: string): string {
  if (!v) throw new Error(`${name} is not set (make keys with: kez-chat-server keys)`);
  return v;
}

/**
 * @example loadConfig(readEnv(), { natsUrl: server.url })
 */
export function loadConfig(env: EnvInput, given: ChatServerConfigInput = {}): ChatServerConfig {
  const logLevel = (given.logLevel ?? env.logLevel ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(`${ENV_VARS.logLevel} must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    natsUrl: given.natsUrl ?? env.natsUrl ?? 'nats://127.0.0.1:4222',
    issuerSeed: given.issuerSeed ?? need(env.issuerSeed, ENV_VARS.issuerSeed),
    xkeySeed: given.xkeySeed !== undefined ? given.xkeySeed : (env.xkeySeed ?? null),
    calloutSeed: given.calloutSeed ?? need(env.calloutSeed, ENV_VARS.calloutSeed),
    serviceSeed: given.serviceSeed ?? need(env.serviceSeed, ENV_VARS.serviceSeed),
    userAccount: given.userAccount ?? env.userAccount ?? 'APP',
    sigServers:
      given.sigServers ??
      (env.sigServers ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    jwtTtl: given.jwtTtl ?? int(env.jwtTtl, ENV_VARS.jwtTtl, 5, 86_400) ?? 600,
    loginMaxAge: given.loginMaxAge ?? int(env.loginMaxAge, ENV_VARS.loginMaxAge, 5, 3600) ?? 120,
    concurrency: given.concurrency ?? int(env.concurrency, ENV_VARS.concurrency, 1, 1024) ?? 16,
    replicas: given.replicas ?? int(env.replicas, ENV_VARS.replicas, 1, 5) ?? 1,
    chainTtl: given.chainTtl ?? int(env.chainTtl, ENV_VARS.chainTtl, 0, 3600) ?? 5,
    logLevel,
  };
}
