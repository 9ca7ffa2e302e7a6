/**
 * A key's chain on a sig-server (SPEC §8.10): `GET {server}/v1/chains/{keyref}`
 * → 200 with a JSONL bundle, 404 = none. A server is never trusted: what it
 * serves is validated like any other source; it can withhold, not forge.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ChannelError, InputError, canonicalize, toHex, utf8 } from '@kez/core';
import type { ChainState } from '@kez/core';
import type { ChannelContext } from '../types.js';
import { JSONL_TYPE, bundleResult, getForChain, httpFailed } from './fetch-bundle.js';
import type { SourceResult } from './types.js';

/** @example chainUrl('https://sig.example', 'nostr:3bf0…') // 'https://sig.example/v1/chains/nostr%3A3bf0…' */
export function chainUrl(server: string, keyRef: string): string {
  return `${server.replace(/\/+$/, '')}/v1/chains/${encodeURIComponent(keyRef)}`;
}

/** Ask one sig-server for the chain of `keyRef` (the chain id or a key rotated into). */
export async function fetchFromSigServer(
  server: string,
  keyRef: string,
  ctx: ChannelContext,
): Promise<SourceResult> {
  const url = chainUrl(server, keyRef);
  const res = await getForChain(ctx, 'sig-server', url, { headers: { accept: JSONL_TYPE } });
  if ('type' in res) return res;
  if (res.status === 404)
    return { type: 'none', kind: 'sig-server', location: url, detail: `GET ${url} → 404` };
  if (res.status !== 200) return httpFailed('sig-server', res, `GET ${url}`);
  return bundleResult('sig-server', url, res.body);
}

/** What a sig-server answered to a publish. */
export interface SigServerPublish {
  server: string;
  /** Events it stored now. */
  appended: number;
  /** Its head seq afterwards. */
  head: number;
  /** 409 answers: the server holds a different event at a seq (a fork), or kept ours as evidence. */
  conflicts: string[];
}

/** Events per request: sig-servers cap requests (default 100 events, 256 KiB). */
const BATCH_EVENTS = 50;
const BATCH_BYTES = 128 * 1024;

async function post(url: string, lines: string[], ctx: ChannelContext) {
  const res = await ctx.net.fetch(url, {
    method: 'POST',
    headers: { 'content-type': JSONL_TYPE, accept: 'application/json' },
    body: lines.map((l) => l + '\n').join(''),
  });
  let body: Record<string, unknown> = {};
  try {
    const v = res.json();
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      body = v as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  const message = typeof body.message === 'string' ? body.message.slice(0, 300) : '';
  if (res.status !== 200 && res.status !== 201 && res.status !== 409)
    throw new ChannelError(
      res.status === 429 ? 'rate_limited' : 'http_error',
      `POST ${url} → HTTP ${res.status}${message ? `: ${message}` : ''}`,
      url,
    );
  const appended = Array.isArray(body.appended) ? body.appended.length : 0;
  const head = body.head as { seq?: unknown } | null | undefined;
  return {
    status: res.status,
    appended,
    head: typeof head?.seq === 'number' ? head.seq : undefined,
    message,
  };
}

/** The server's head seq for `chain`, 0 when it has none. */
async function remoteHead(server: string, chain: string, ctx: ChannelContext): Promise<number> {
  const url = `${chainUrl(server, chain)}/head`;
  const res = await ctx.net.fetch(url, { headers: { accept: 'application/json' } });
  if (res.status === 404) return 0;
  if (res.status !== 200)
    throw new ChannelError(
      res.status === 429 ? 'rate_limited' : 'http_error',
      `GET ${url} → HTTP ${res.status}`,
      url,
    );
  const seq = (res.json() as { seq?: unknown }).seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq))
    throw new ChannelError('bad_response', `GET ${url}: no head seq`, url);
  return seq;
}

/**
 * Send a processed chain to a sig-server (`POST {server}/v1/chains/{chain}/events`):
 * the applied events past the server's head, in batches, then each fork
 * sibling alone so the server keeps it as evidence (SPEC §8.5). The server
 * checks signatures and linkage itself. Network failures throw ChannelError.
 * @example await publishToSigServer('https://sig.example', state, ctx)
 */
export async function publishToSigServer(
  server: string,
  state: ChainState,
  ctx: ChannelContext,
): Promise<SigServerPublish> {
  const chain = state.chain;
  if (chain === null) throw new InputError('the chain is empty: nothing to publish');
  const url = `${chainUrl(server, chain)}/events`;
  const out: SigServerPublish = { server, appended: 0, head: 0, conflicts: [] };
  out.head = await remoteHead(server, chain, ctx);
  const set = new Set<string>([
    ...state.forks.flatMap((f) => f.ids),
    ...state.unapplied.map((u) => u.id),
  ]);
  const line: string[] = [];
  const evidence: string[] = [];
  for (const ev of state.events) {
    const jcs = canonicalize(ev);
    const id = toHex(sha256(utf8(jcs)));
    const seq = (ev as { seq: number }).seq;
    if (state.forks.some((f) => f.ids.includes(id))) evidence.push(jcs);
    else if (!set.has(id) && seq > out.head) line.push(jcs);
  }
  for (let i = 0; i < line.length;) {
    const batch: string[] = [];
    let bytes = 0;
    while (
      i < line.length &&
      batch.length < BATCH_EVENTS &&
      bytes + line[i]!.length < BATCH_BYTES
    ) {
      bytes += line[i]!.length + 1;
      batch.push(line[i++]!);
    }
    if (batch.length === 0) batch.push(line[i++]!); // one event larger than a batch: let the server judge it
    const r = await post(url, batch, ctx);
    out.appended += r.appended;
    if (r.head !== undefined) out.head = Math.max(out.head, r.head);
    if (r.status === 409) {
      out.conflicts.push(r.message);
      break; // the server's line differs: later batches would not link
    }
  }
  for (const jcs of evidence) {
    const r = await post(url, [jcs], ctx);
    if (r.status === 409) out.conflicts.push(r.message);
  }
  return out;
}
