/**
 * A Transport over the platform's `fetch` (browsers, Deno, workers). Browsers
 * hide redirect targets (`redirect: 'manual'` yields an opaque response), so
 * here the platform follows redirects itself (it caps them at 20) and the
 * guard sees only the final answer; names cannot be resolved from a page, so
 * only IP literals are checked against the private ranges (guarded-fetch.ts).
 */
import { ChannelError } from '@kez/core';
import type { HopRequest, HopResponse, Transport } from './transport.js';

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

/**
 * @example
 * const transport = createFetchTransport(globalThis.fetch.bind(globalThis));
 */
export function createFetchTransport(fetchFn: typeof fetch): Transport {
  return async (req: HopRequest): Promise<HopResponse> => {
    let res: Response;
    try {
      res = await fetchFn(req.url.href, {
        method: req.method,
        headers: req.headers,
        // A copy into a fresh ArrayBuffer satisfies BodyInit for any Uint8Array.
        ...(req.body === undefined
          ? {}
          : { body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body) }),
        signal: req.signal,
        redirect: 'follow',
        credentials: 'omit',
      });
    } catch (e) {
      if (req.signal.aborted) throw e;
      // Browsers report refused connections, CORS and TLS failures alike as a TypeError.
      throw new ChannelError(
        'network_error',
        `request to ${req.url.host} failed: ${e instanceof Error ? e.message : String(e)}`,
        req.url.href,
      );
    }
    return {
      status: res.status,
      headers: res.headers,
      body: chunks(res.body),
      cancel: () => void res.body?.cancel().catch(() => {}),
    };
  };
}
