/**
 * The page's side of the fetch relay: a Transport (one hop, below the guard)
 * that asks `{relay}/fetch?url=…` instead of the origin, and a TXT resolver
 * over `{relay}/txt?name=…`. The relay follows redirects and enforces its own
 * guard (server/fetch-relay.ts); the page's guard still applies its deadline
 * and size cap to what comes back.
 */
import { ChannelError, REASONS } from '@kez/core';
import type { ReasonCode } from '@kez/core';
import type { GuardedFetch, Transport } from '@kez/channels/browser';
import {
  FORWARDED_REQUEST_HEADERS,
  RELAY_ERROR_HEADER,
  RELAY_MARK_HEADER,
} from '../relay-protocol.js';

function isReason(code: string | null): code is ReasonCode {
  return code !== null && Object.hasOwn(REASONS, code);
}

async function* chunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Turn a relay failure answer into the ChannelError the guard behind the relay raised. */
async function relayError(res: Response, target: string): Promise<ChannelError> {
  const code = res.headers.get(RELAY_ERROR_HEADER);
  let message = `the fetch relay answered HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = `relay: ${body.message.slice(0, 300)}`;
  } catch {
    // keep the generic message
  }
  return new ChannelError(isReason(code) ? code : 'bad_response', message, target);
}

/**
 * @example
 * const viaRelay = createRelayTransport('https://app.example/relay', fetch.bind(globalThis));
 */
export function createRelayTransport(relayUrl: string, fetchFn: typeof fetch): Transport {
  return async (req) => {
    if (req.method !== 'GET')
      throw new ChannelError(
        'network_error',
        `the fetch relay carries GET only; cannot ${req.method} ${req.url.host}`,
        req.url.href,
      );
    const headers: Record<string, string> = { [RELAY_MARK_HEADER]: '1' };
    for (const h of FORWARDED_REQUEST_HEADERS) if (req.headers[h]) headers[h] = req.headers[h];
    let res: Response;
    try {
      res = await fetchFn(`${relayUrl}/fetch?url=${encodeURIComponent(req.url.href)}`, {
        method: 'GET',
        headers,
        signal: req.signal,
        credentials: 'same-origin',
        redirect: 'error',
        cache: 'no-store',
      });
    } catch (e) {
      if (req.signal.aborted) throw e;
      throw new ChannelError(
        'network_error',
        `the fetch relay could not be reached: ${e instanceof Error ? e.message : String(e)}`,
        req.url.href,
      );
    }
    if (res.headers.has(RELAY_ERROR_HEADER)) throw await relayError(res, req.url.href);
    return {
      status: res.status,
      headers: res.headers,
      body: chunks(res.body),
      cancel: () => void res.body?.cancel().catch(() => {}),
    };
  };
}

/**
 * TXT lookups by the relay's resolver. `get` is a guarded fetch (deadline and
 * cap) that reaches the relay directly.
 *
 * @example
 * const resolveTxt = createRelayResolveTxt('https://app.example/relay', guardedDirectFetch);
 */
export function createRelayResolveTxt(
  relayUrl: string,
  get: GuardedFetch,
): (name: string) => Promise<string[][] | null> {
  return async (name) => {
    const res = await get(`${relayUrl}/txt?name=${encodeURIComponent(name)}`, {
      headers: { [RELAY_MARK_HEADER]: '1', accept: 'application/json' },
    });
    if (res.headers.has(RELAY_ERROR_HEADER)) {
      const code = res.headers.get(RELAY_ERROR_HEADER);
      let message = `the fetch relay answered HTTP ${res.status}`;
      try {
        const m = (res.json() as { message?: unknown }).message;
        if (typeof m === 'string') message = `relay: ${m.slice(0, 300)}`;
      } catch {
        // keep the generic message
      }
      throw new ChannelError(isReason(code) ? code : 'dns_error', message, name);
    }
    if (res.status !== 200)
      throw new ChannelError('dns_error', `the fetch relay answered HTTP ${res.status}`, name);
    const body = res.json() as { records?: unknown };
    const recs = body.records;
    if (recs === null) return null;
    if (
      !Array.isArray(recs) ||
      !recs.every((r) => Array.isArray(r) && r.every((s) => typeof s === 'string'))
    )
      throw new ChannelError('bad_response', `the fetch relay sent no TXT list for ${name}`, name);
    return recs as string[][];
  };
}
