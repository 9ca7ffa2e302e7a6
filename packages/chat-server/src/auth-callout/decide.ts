/**
 * The log-in decision, pure: (challenge, signed log-in, sigchain, rooms, now)
 * → allow with permissions, or deny with a reason. No I/O, no clock: the
 * responder fetches and passes everything in (style §6 rule 19).
 *
 * Three steps, each usable on its own so the responder can stop early:
 *   1. checkLogin   — shape, nonce binding, replay, freshness, signature
 *   2. judgeLoginKey — what the key's sigchain says (SPEC §9.3 rows 3–9)
 *   3. grantLogin   — the user id's permissions and the JWT lifetime
 */
import { InputError, parseKeyRef, signingDigest } from '@kez/core';
import type { ChainState, ReasonCode } from '@kez/core';
import { loginSignature, readLogin } from '../login.js';
import { verifyDigest } from '../crypto-hooks.js';
import type { LoginObject } from '../login.js';
import { userToken } from '../subjects.js';
import type { LoginReason } from './faults.js';
import { userPermissions } from './permissions.js';
import type { UserPermissions } from './permissions.js';

export interface LoginPolicy {
  /** Oldest acceptable log-in, seconds before now. */
  maxAge: number;
  /** How far in the future a log-in may be dated (clock skew, SPEC §1.2). */
  skew: number;
  /** Lifetime of the user JWT, seconds; when it ends the client logs in again. */
  ttl: number;
}

export const DEFAULT_POLICY: LoginPolicy = { maxAge: 120, skew: 300, ttl: 600 };

/** What the server said about this connection. */
export interface Challenge {
  /** The nonce nats-server gave this connection (auth request client_info.nonce). */
  nonce: string | undefined;
  /** The replay guard has seen this nonce before. */
  seenBefore: boolean;
}

/** What the sigchain source answered for the log-in's chain key. */
export type ChainLookup =
  | { type: 'none' }
  | { type: 'failed'; reason: ReasonCode; detail: string }
  | { type: 'found'; state: ChainState };

export interface Denial {
  allow: false;
  reason: LoginReason;
  detail: string;
}

export interface Grant {
  allow: true;
  reason: 'ok';
  /** The chat identity: the chain id when the key has a sigchain, else the key. */
  userId: string;
  /** The key that signed the log-in. */
  key: string;
  permissions: UserPermissions;
  /** JWT expiry, unix seconds. */
  expires: number;
}

export type Decision = Grant | Denial;

function deny(reason: LoginReason, detail: string): Denial {
  return { allow: false, reason, detail };
}

/**
 * Step 1: the log-in itself. `token` and `sig` are the CONNECT auth_token and sig.
 * @example await checkLogin({ token, sig, challenge: { nonce, seenBefore: false }, now })
 */
export async function checkLogin(input: {
  token: unknown;
  sig: unknown;
  challenge: Challenge;
  now: number;
  policy?: LoginPolicy;
}): Promise<{ allow: true; login: LoginObject } | Denial> {
  const policy = input.policy ?? DEFAULT_POLICY;
  let login: LoginObject;
  try {
    login = readLogin(input.token, input.sig);
  } catch (e) {
    if (e instanceof InputError) return deny(e.code, e.message);
    throw e;
  }
  const { nonce, seenBefore } = input.challenge;
  if (nonce === undefined) return deny('no_nonce', 'the auth request carries no nonce');
  // The nonce is per connection: a log-in signed for another one is a replay.
  if (login.nonce !== nonce) return deny('replayed', 'the log-in was signed for another nonce');
  if (seenBefore) return deny('replayed', 'this nonce was already used');
  if (login.created_at > input.now + policy.skew)
    return deny('not_yet_valid', `the log-in is dated ${login.created_at - input.now} s ahead`);
  if (login.created_at < input.now - policy.maxAge)
    return deny(
      'challenge_expired',
      `the log-in is ${input.now - login.created_at} s old (at most ${policy.maxAge})`,
    );
  const ref = parseKeyRef(login.key);
  if (!(await verifyDigest(ref, loginSignature(login), signingDigest('chat-login', login))))
    return deny('bad_signature', `the chat-login signature does not verify for ${login.key}`);
  return { allow: true, login };
}

/**
 * The key whose sigchain decides the log-in (SPEC §8.10: a device is checked
 * against its primary's chain).
 */
export function chainKeyOf(login: LoginObject): string {
  return login.primary ?? login.key;
}

/**
 * Step 2: the key's standing in its sigchain, after SPEC §9.3 (rows 3–9; a
 * log-in is not a claim, so row 2 does not apply). Allowed → the user id.
 * @example judgeLoginKey(login, { type: 'none' }, now) // { allow: true, userId: login.key }
 */
export function judgeLoginKey(
  login: LoginObject,
  chain: ChainLookup,
  now: number,
): { allow: true; userId: string } | Denial {
  const K = login.key;
  const P = login.primary;
  if (chain.type === 'failed') return deny(chain.reason, chain.detail);
  if (chain.type === 'none' || chain.state.chain === null) {
    // No chain: the key stands alone, as a claim would (SPEC §9.2 step 9) —
    // except a device, whose link to its primary only a chain can confirm.
    if (P !== undefined) return deny('not_in_chain', `no sigchain found for primary ${P}`);
    return { allow: true, userId: K };
  }
  const s = chain.state;
  const C = s.chain as string;
  const chainKeys = new Set([C, ...s.rotated.map((r) => r.key), ...(s.current ? [s.current] : [])]);
  if (P !== undefined && !chainKeys.has(P))
    return deny('not_in_chain', `${P} is not a primary key of chain ${C}`);
  const rotated = s.rotated.find((r) => r.key === K);
  if (rotated) return deny('key_rotated', `${K} was rotated away at seq ${rotated.at.seq}`);
  const device = Object.hasOwn(s.devices, K) ? s.devices[K] : undefined;
  if (device?.revoked)
    return deny('device_revoked', `device ${K} was revoked at seq ${device.revoked.seq}`);
  if (device?.expires_at !== undefined && now >= device.expires_at)
    return deny('device_expired', `device ${K} expired at ${device.expires_at}`);
  if (s.end.kind === 'fork') return deny('fork', `chain ${C} forks at seq ${s.end.seq}`);
  if (s.end.kind === 'gap')
    return deny('chain_gap', `chain ${C} misses events from seq ${s.end.seq}`);
  if (s.end.kind === 'halted')
    return deny('malformed', `chain ${C} halts at seq ${s.end.seq}: ${s.end.detail}`);
  if (K === s.current) return { allow: true, userId: C };
  // A device signs for the chain only when the log-in names the primary (SPEC §8.10).
  if (device && P !== undefined) return { allow: true, userId: C };
  return deny('not_in_chain', `${K} is neither the current key nor a live device of chain ${C}`);
}

/**
 * Step 3: the grant for an allowed user id.
 * @example grantLogin(userId, login.key, ['general'], now).permissions.sub.allow
 */
export function grantLogin(
  userId: string,
  key: string,
  rooms: readonly string[],
  now: number,
  policy: LoginPolicy = DEFAULT_POLICY,
): Grant {
  return {
    allow: true,
    reason: 'ok',
    userId,
    key,
    permissions: userPermissions(userToken(userId), userToken(key), rooms),
    expires: now + policy.ttl,
  };
}

/**
 * The whole decision in one call, for callers that have every input at hand.
 * @example await decideLogin({ token, sig, challenge, chain: { type: 'none' }, rooms: [], now })
 */
export async function decideLogin(input: {
  token: unknown;
  sig: unknown;
  challenge: Challenge;
  chain: ChainLookup;
  rooms: readonly string[];
  now: number;
  policy?: LoginPolicy;
}): Promise<Decision> {
  const checked = await checkLogin(input);
  if (!checked.allow) return checked;
  const judged = judgeLoginKey(checked.login, input.chain, input.now);
  if (!judged.allow) return judged;
  return grantLogin(judged.userId, checked.login.key, input.rooms, input.now, input.policy);
}
