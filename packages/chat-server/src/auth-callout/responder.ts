/**
 * The auth_callout responder: NATS I/O around decide.ts. nats-server sends
 * each CONNECT that is not an auth_users entry to `$SYS.REQ.USER.AUTH`
 * (sealed to our xkey); we open it, check the server's request JWT, let
 * decide.ts judge the KEZ log-in (fetching the sigchain and the user's rooms
 * in between), and answer with a signed authorization response carrying a
 * short-lived user JWT or an error.
 *
 * Responders of every chat-server share the work as one queue group. Each
 * handles at most `concurrency` requests at once; the rest wait in the
 * subscription, so a burst of log-ins queues instead of every handler
 * finishing late (unbounded, 2,000 at once let only 10–38 in:
 * notes/nats-auth-callout §3.7). Requests whose deadline has passed are
 * dropped unanswered: nats-server already gave up on them.
 */
import { encodeAuthorizationResponse, encodeUser } from '@nats-io/jwt';
import type { AuthorizationRequest } from '@nats-io/jwt';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { fromPublic } from '@nats-io/nkeys';
import type { KeyPair } from '@nats-io/nkeys';
import type { ChainSource } from '../chain/chain-source.js';
import type { Logger } from '../logger.js';
import { decodeVerified } from '../nats/issuer.js';
import { readLogin } from '../login.js';
import type { XkeyBox } from '../nats/xkey.js';
import { AUTH_CALLOUT_SUBJECT, CALLOUT_QUEUE } from '../subjects.js';
import { DEFAULT_POLICY, chainKeyOf, checkLogin, grantLogin, judgeLoginKey } from './decide.js';
import type { Decision, LoginPolicy } from './decide.js';
import { ReplayGuard } from './replay-guard.js';

export interface ResponderOptions {
  /** A connection in the callout's account (an auth_users entry). */
  nc: NatsConnection;
  /** The auth_callout issuer key pair (fastSigner of the SA… seed). */
  issuer: KeyPair;
  /** The xkey box, when nats.conf sets auth_callout.xkey. */
  xkey: XkeyBox | null;
  /** Account name users are placed in. */
  userAccount: string;
  chains: ChainSource;
  /** The rooms a user id belongs to. */
  roomsOf(userId: string): Promise<string[]>;
  policy?: LoginPolicy;
  /** Requests handled at once (default 16). */
  concurrency?: number;
  log: Logger;
  /** Unix milliseconds. */
  nowMs?: () => number;
  /** Called after every answered request (metrics, tests). */
  onDecision?(d: Decision, info: { ms: number; client?: string }): void;
}

export interface ResponderStats {
  allowed: number;
  denied: number;
  /** Dropped: past their deadline, or not a valid request from a nats-server. */
  dropped: number;
  inFlight: number;
}

export interface Responder {
  readonly stats: ResponderStats;
  /** Stop taking requests and wait for those in flight. */
  stop(): Promise<void>;
}

const te = new TextEncoder();
const td = new TextDecoder();

function guessUserId(token: unknown, sig: unknown): string | null {
  try {
    const login = readLogin(token, sig);
    return login.primary ?? login.key;
  } catch {
    return null;
  }
}

/**
 * @example const r = startResponder({ nc, issuer, xkey, userAccount: 'APP', chains, roomsOf, log });
 *          … await r.stop();
 */
export function startResponder(opts: ResponderOptions): Responder {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const limit = Math.max(1, opts.concurrency ?? 16);
  const nowMs = opts.nowMs ?? (() => Date.now());
  const guard = new ReplayGuard(policy.maxAge + policy.skew);
  const issuerPub = opts.issuer.getPublicKey();
  const stats: ResponderStats = { allowed: 0, denied: 0, dropped: 0, inFlight: 0 };
  const sub: Subscription = opts.nc.subscribe(AUTH_CALLOUT_SUBJECT, { queue: CALLOUT_QUEUE });
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;

  async function handle(m: Msg): Promise<void> {
    const t0 = performance.now();
    const serverXkey = m.headers?.get('Nats-Server-Xkey') || undefined;
    let data = m.data;
    if (serverXkey) {
      const opened = opts.xkey?.open(m.data, serverXkey) ?? null;
      if (!opened) {
        stats.dropped++;
        opts.log.error('callout request cannot be opened (is auth_callout.xkey ours?)');
        return;
      }
      data = opened;
    }
    let req: AuthorizationRequest;
    try {
      const claims = decodeVerified(td.decode(data), 'N');
      const nats = (claims.nats ?? {}) as AuthorizationRequest & { type?: string };
      // decode() checks neither type, aud nor sub (notes §2.4): we do.
      if (
        nats.type !== 'authorization_request' ||
        claims.aud !== 'nats-authorization-request' ||
        claims.sub !== issuerPub
      )
        throw new Error('not an authorization request for our issuer');
      if (claims.exp !== undefined && claims.exp * 1000 < nowMs()) {
        stats.dropped++;
        return;
      }
      req = nats;
    } catch (e) {
      stats.dropped++;
      opts.log.warn('callout request refused', { error: (e as Error).message });
      return;
    }
    const decision = await decide(req);
    const user = fromPublic(req.user_nkey);
    const server = fromPublic(req.server_id.id);
    let response: string;
    if (decision.allow) {
      const jwt = await encodeUser(
        decision.userId,
        user,
        opts.issuer,
        { pub: decision.permissions.pub, sub: decision.permissions.sub },
        { aud: opts.userAccount, exp: decision.expires },
      );
      response = await encodeAuthorizationResponse(user, server, opts.issuer, { jwt }, {});
      stats.allowed++;
    } else {
      response = await encodeAuthorizationResponse(
        user,
        server,
        opts.issuer,
        { error: `${decision.reason}: ${decision.detail}` },
        {},
      );
      stats.denied++;
      opts.log.info('log-in refused', {
        reason: decision.reason,
        detail: decision.detail,
        client: req.client_info.host,
      });
    }
    m.respond(serverXkey && opts.xkey ? opts.xkey.seal(te.encode(response), serverXkey) : response);
    const ms = performance.now() - t0;
    opts.onDecision?.(
      decision,
      req.client_info.host !== undefined ? { ms, client: req.client_info.host } : { ms },
    );
  }

  async function decide(req: AuthorizationRequest): Promise<Decision> {
    const now = Math.floor(nowMs() / 1000);
    const nonce = req.client_info.nonce;
    const { auth_token: token, sig } = req.connect_opts;
    // Read the rooms of the likely user id while the signature is checked: the
    // chain id is usually the key itself (or the named primary). A cheap KV
    // read, used only if the decision lands on that id.
    const guess = guessUserId(token, sig);
    const early = guess ? opts.roomsOf(guess).catch(() => null) : null;
    const checked = await checkLogin({
      token,
      sig,
      challenge: { nonce, seenBefore: nonce !== undefined && guard.check(nonce, now) },
      now,
      policy,
    });
    if (!checked.allow) return checked;
    const chain = await opts.chains.lookup(chainKeyOf(checked.login));
    const judged = judgeLoginKey(checked.login, chain, now);
    if (!judged.allow) return judged;
    const rooms =
      (judged.userId === guess ? await early : null) ?? (await opts.roomsOf(judged.userId));
    return grantLogin(judged.userId, checked.login.key, rooms, now, policy);
  }

  const loop = (async () => {
    for await (const m of sub) {
      while (stats.inFlight >= limit) await new Promise<void>((r) => (wake = r));
      stats.inFlight++;
      const p = handle(m)
        .catch((e: unknown) => {
          stats.dropped++;
          opts.log.error('callout handler failed', { error: (e as Error).message });
        })
        .finally(() => {
          stats.inFlight--;
          running.delete(p);
          const w = wake;
          wake = undefined;
          w?.();
        });
      running.add(p);
    }
  })();

  return {
    stats,
    async stop() {
      sub.unsubscribe();
      await loop;
      await Promise.all(running);
    },
  };
}
