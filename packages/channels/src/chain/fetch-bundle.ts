/**
 * The shared part of every chain source: GET a URL through the guarded Net
 * and read the body as a JSONL bundle (SPEC §8.9). A network failure or an
 * unreadable bundle is `failed` (bad_response, too_large), never `none`.
 */
import { ChannelError, KezError, parseBundle } from '@kez/core';
import type { ChannelContext, NetRequest, NetResponse } from '../types.js';
import type { ChainSourceKind, SourceResult } from './types.js';

/** SPEC §8.9: readers MUST accept 1 MiB; long chains get room up to core's default cap. */
export const MAX_CHAIN_BYTES = 16 * 1024 * 1024;
export const JSONL_TYPE = 'application/jsonl';

/** GET through the Net; a ChannelError becomes a failed result. */
export async function getForChain(
  ctx: ChannelContext,
  kind: ChainSourceKind,
  url: string,
  req: NetRequest = {},
): Promise<NetResponse | Extract<SourceResult, { type: 'failed' }>> {
  try {
    return await ctx.net.fetch(url, { maxBytes: MAX_CHAIN_BYTES, ...req });
  } catch (e) {
    if (!(e instanceof ChannelError)) throw e;
    return { type: 'failed', kind, location: e.location ?? url, reason: e.code, detail: e.message };
  }
}

/** A non-2xx answer as a failure: 429 is a rate limit, the rest HTTP errors. */
export function httpFailed(kind: ChainSourceKind, res: NetResponse, what: string): SourceResult {
  return {
    type: 'failed',
    kind,
    location: res.url,
    reason: res.status === 429 ? 'rate_limited' : 'http_error',
    detail: `${what} → HTTP ${res.status}`,
  };
}

/**
 * Parse a bundle served by a source. A bundle that is not one is the
 * source's fault: `bad_response` (or `too_large`), SPEC §8.9.
 */
export function bundleResult(
  kind: ChainSourceKind,
  location: string,
  body: string | Uint8Array,
): SourceResult {
  try {
    return {
      type: 'found',
      kind,
      location,
      events: parseBundle(body, { maxBytes: MAX_CHAIN_BYTES }),
    };
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    return {
      type: 'failed',
      kind,
      location,
      reason: e.code === 'too_large' ? 'too_large' : 'bad_response',
      detail: `${location}: not a sigchain bundle: ${e.message}`,
    };
  }
}
