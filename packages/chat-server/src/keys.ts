/**
 * The deployment keys of kez-chat: four nkeys that tie nats.conf and the
 * chat-server together. Only public halves go into nats.conf; seeds stay with
 * the chat-server (environment or a secret store).
 *
 *   issuer  (SA…/A…)  signs authorization responses and user JWTs (auth_callout.issuer)
 *   xkey    (SX…/X…)  encrypts callout requests and responses (auth_callout.xkey)
 *   callout (SU…/U…)  the responder's user in the AUTH account (auth_users)
 *   service (SU…/U…)  the chat service's user in the users' account (auth_users)
 */
import { createAccount, createCurve, createUser } from '@nats-io/nkeys';
import { ENV_VARS } from './config/env.js';
import { publicKeyOfSeed } from './nats/issuer.js';
import { XkeyBox } from './nats/xkey.js';

export interface ChatKeys {
  issuerSeed: string;
  xkeySeed: string;
  calloutSeed: string;
  serviceSeed: string;
}

export interface ChatPublicKeys {
  issuer: string;
  xkey: string;
  callout: string;
  service: string;
}

/** Environment names of the public keys, as deploy/nats.conf references them. */
export const PUBLIC_ENV = {
  issuer: 'KEZ_CHAT_ISSUER',
  xkey: 'KEZ_CHAT_XKEY',
  callout: 'KEZ_CHAT_CALLOUT_NKEY',
  service: 'KEZ_CHAT_SERVICE_NKEY',
} as const;

const td = new TextDecoder();

/** @example const keys = generateChatKeys(); publicKeys(keys).issuer // 'A…' */
export function generateChatKeys(): ChatKeys {
  return {
    issuerSeed: td.decode(createAccount().getSeed()),
    xkeySeed: td.decode(createCurve().getSeed()),
    calloutSeed: td.decode(createUser().getSeed()),
    serviceSeed: td.decode(createUser().getSeed()),
  };
}

export function publicKeys(keys: ChatKeys): ChatPublicKeys {
  return {
    issuer: publicKeyOfSeed(keys.issuerSeed),
    xkey: new XkeyBox(keys.xkeySeed).publicKey,
    callout: publicKeyOfSeed(keys.calloutSeed),
    service: publicKeyOfSeed(keys.serviceSeed),
  };
}

/**
 * An env file: the seeds for the chat-server, the public keys for nats.conf.
 * @example writeFileSync('.env', keysEnvFile(generateChatKeys()), { mode: 0o600 })
 */
export function keysEnvFile(keys: ChatKeys): string {
  const pub = publicKeys(keys);
  return [
    '# kez-chat keys. Seeds (S…) are secrets: the chat-server needs them, nothing else does.',
    `${ENV_VARS.issuerSeed}=${keys.issuerSeed}`,
    `${ENV_VARS.xkeySeed}=${keys.xkeySeed}`,
    `${ENV_VARS.calloutSeed}=${keys.calloutSeed}`,
    `${ENV_VARS.serviceSeed}=${keys.serviceSeed}`,
    '# Public keys: deploy/nats.conf reads these from the environment.',
    `${PUBLIC_ENV.issuer}=${pub.issuer}`,
    `${PUBLIC_ENV.xkey}=${pub.xkey}`,
    `${PUBLIC_ENV.callout}=${pub.callout}`,
    `${PUBLIC_ENV.service}=${pub.service}`,
    '',
  ].join('\n');
}
