/**
 * The one interface every channel implements (SPEC §7): from an identity alone,
 * locate and fetch the texts that may hold proofs, and say who published each.
 * Matching, signature checks and the verdict are shared (verify.ts), so every
 * channel is judged by the same rules.
 */
import type { Channel, Claim, Identity, ReasonCode } from '@kez/core';
import type { ChannelConfig } from './config.js';

/** What a proof's account binding rests on (BRIEF §5). */
export type Binding =
  /** Signed by the account itself (a nostr event; a Bluesky record under a signed commit): no relay can forge it. */
  | { kind: 'signature'; detail: string }
  /** Only the origin's transport (TLS to GitHub / a Mastodon host, the DNS answer): whoever relays it could forge it. */
  | { kind: 'transport'; detail: string };

/** One text that may hold one or more claims, and who published it. */
export interface ProofText {
  text: string;
  /** Where it was found (URL, DNS name, relay + event id …). */
  location: string;
  /** The account that published it, in the channel's normalized id form (compared with identity.id). */
  owner: string;
  /** Why `owner` differs from the claimed account, when the channel could tell (e.g. "actor id ≠ WebFinger self link"). */
  ownerDetail?: string;
  binding: Binding;
}

/** Three outcomes kept apart so "deleted", "bad" and "down" never blur (SPEC §9.1). */
export type FetchOutcome =
  | { type: 'found'; texts: ProofText[] }
  | { type: 'absent'; location: string; detail: string }
  | { type: 'failed'; reason: ReasonCode; location?: string; detail: string };

export interface PublishResult {
  /** Where the proof now lives. */
  location: string;
  /** Per-target outcomes (one per nostr relay, …). */
  targets?: { target: string; ok: boolean; message?: string }[];
  /** For channels without a write API (dns): what the user must add by hand. */
  instructions?: string;
}

/** What every channel call receives: the network, the endpoints and limits, the clock. */
export interface ChannelContext {
  net: Net;
  config: ChannelConfig;
  /** Unix seconds (injected so tests can pin time). */
  now(): number;
  /**
   * Set by verify.ts: true when a text holds a claim that passes every check
   * before the sigchain. Lets a channel stop fetching once a proof is found
   * (SPEC §7.3 "MAY stop"); channels must work without it.
   */
  probe?: (text: ProofText) => Promise<boolean>;
}

/** Options of one publish call; channels ignore what they do not use. */
export interface PublishOptions {
  /** ap: put the claim in a profile field, the bio or a post (default: a field when it fits, else the bio). */
  apTarget?: 'field' | 'bio' | 'post';
  /** nostr: the npub's secret key that signs the proof event (for nostr-suite claims, the KEZ key itself). */
  nostrSecretKey?: Uint8Array;
}

export interface ChannelPlugin<Ctx = ChannelContext> {
  readonly name: Channel;
  fetchProofs(identity: Identity, ctx: Ctx): Promise<FetchOutcome>;
  publish?(
    claim: Claim,
    identity: Identity,
    ctx: Ctx,
    opts?: PublishOptions,
  ): Promise<PublishResult>;
}

/** Options of one guarded request (SPEC §7.6); defaults come from ChannelConfig. */
export interface NetRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

export interface NetResponse {
  status: number;
  /** Final URL after redirects. */
  url: string;
  headers: Headers;
  body: Uint8Array;
  text(): string;
  /** Strict JSON (core parseJson); throws ChannelError bad_response. */
  json(): unknown;
}

/**
 * All network access a channel may do, injected (never a module global) so
 * Node, browsers and tests can each supply theirs. Failures throw
 * ChannelError (timeout, too_large, too_many_redirects, private_address,
 * network_error, dns_error); HTTP error statuses are returned, not thrown.
 */
export interface Net {
  fetch(url: string, req?: NetRequest): Promise<NetResponse>;
  /** TXT records of a name, each record's character-strings unjoined; null when the name has none (NXDOMAIN/NODATA). */
  resolveTxt(name: string): Promise<string[][] | null>;
  /** WebSocket for nostr relays: the browser's global, or `ws` in Node (with the private-address guard). */
  webSocket?: WebSocketConstructor;
}

/** An event handler property, compared bivariantly so the DOM's and `ws`'s richer event types fit. */
type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** The part of the WHATWG WebSocket KEZ uses; the browser's global and Node's `ws` both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<unknown> | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;
