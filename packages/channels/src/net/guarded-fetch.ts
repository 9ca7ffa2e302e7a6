/**
 * The one place network limits live (SPEC §7.6, style §6.10): a deadline per
 * request (connect, headers, body and every redirect together), a byte cap
 * enforced while streaming, manual redirects (bounded, loops caught, no
 * credentials across origins) and no private addresses unless allowed.
 * Every failure is a ChannelError with its own reason code; HTTP error
 * statuses are returned, not thrown.
 */
import { ChannelError } from '@kez/core';
import type { NetRequest, NetResponse } from '../types.js';
import { isIpLiteral, isPrivateAddress } from './address.js';
import { makeNetResponse } from './response.js';
import type { HopResponse, Transport } from './transport.js';

export interface GuardOptions {
  transport: Transport;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivate: boolean;
  /**
   * Hosts (`host[:port]`) of endpoints the user configured: allowed even on a
   * private address and over plain http, for the first hop only (SPEC §7.1.2).
   */
  trustedHosts?: ReadonlySet<string>;
  /** Plain http to any host (the user configured an http scheme, e.g. ap over http in tests). */
  allowHttp?: boolean;
  /** Sent unless the request sets its own (GitHub requires one). */
  userAgent?: string;
}

export type GuardedFetch = (url: string, req?: NetRequest) => Promise<NetResponse>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: never sent to another origin after a redirect. */
const SECRET_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function parseTarget(raw: string | URL, from?: URL): URL {
  let u: URL;
  try {
    u = new URL(raw, from);
  } catch {
    throw new ChannelError('bad_response', `not a URL: "${String(raw).slice(0, 200)}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ChannelError('bad_response', `refusing ${u.protocol} URL ${u.href}`, u.href);
  return u;
}

function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname;
  if (!allowPrivate && isIpLiteral(host) && isPrivateAddress(host.replace(/^\[|\]$/g, ''))) {
    throw new ChannelError(
      'private_address',
      `refusing ${url.host}: a private or loopback address (allow with --allow-private)`,
      url.href,
    );
  }
}

async function readCapped(res: HopResponse, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.cancel();
    throw new ChannelError(
      'too_large',
      `${url} declares ${declared} bytes; the cap is ${maxBytes}`,
      url,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.length;
    if (total > maxBytes) {
      res.cancel();
      throw new ChannelError('too_large', `${url} sent more than ${maxBytes} bytes`, url);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Build a fetch that enforces the guard. Per-call NetRequest values override
 * the defaults given here.
 *
 * @example
 * const get = createGuardedFetch({ transport: createNodeTransport(), timeoutMs: 5000,
 *   maxBytes: 1 << 20, maxRedirects: 5, allowPrivate: false });
 * const res = await get('https://api.github.com/users/octocat/gists');
 */
export function createGuardedFetch(opts: GuardOptions): GuardedFetch {
  return async function guardedFetch(url: string, req: NetRequest = {}): Promise<NetResponse> {
    const timeoutMs = req.timeoutMs ?? opts.timeoutMs;
    const maxBytes = req.maxBytes ?? opts.maxBytes;
    const maxRedirects = req.maxRedirects ?? opts.maxRedirects;
    let current = parseTarget(url);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    let method: string = req.method ?? 'GET';
    let body = req.body;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    if (opts.userAgent && headers['user-agent'] === undefined)
      headers['user-agent'] = opts.userAgent;
    const seen = new Set<string>();
    try {
      for (let hop = 0; ; hop++) {
        const trusted = hop === 0 && (opts.trustedHosts?.has(current.host) ?? false);
        const allowPrivate = opts.allowPrivate || trusted;
        // SPEC §7.1.1: https, except to configured endpoints or while private addresses are allowed.
        if (current.protocol === 'http:' && !(allowPrivate || opts.allowHttp))
          throw new ChannelError(
            'bad_response',
            `refusing plain http to ${current.host}`,
            current.href,
          );
        checkLiteralHost(current, allowPrivate);
        seen.add(current.href);
        const res = await opts.transport({
          url: current,
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: ctl.signal,
          allowPrivate,
        });
        const location = res.headers.get('location');
        if (REDIRECTS.has(res.status) && location !== null) {
          res.cancel();
          const next = parseTarget(location, current);
          if (current.protocol === 'https:' && next.protocol === 'http:')
            throw new ChannelError(
              'bad_response',
              `refusing a redirect from https to http (${next.href})`,
              url,
            );
          if (seen.has(next.href))
            throw new ChannelError(
              'too_many_redirects',
              `redirect loop: ${current.href} → ${next.href}`,
              url,
            );
          if (hop + 1 > maxRedirects)
            throw new ChannelError(
              'too_many_redirects',
              `more than ${maxRedirects} redirects starting at ${url}`,
              url,
            );
          // RFC 9110 §15.4: 303 always becomes GET; 301/302 after POST do in practice.
          if (
            res.status === 303 ||
            ((res.status === 301 || res.status === 302) && method === 'POST')
          ) {
            method = 'GET';
            body = undefined;
            delete headers['content-type'];
          }
          if (next.origin !== current.origin) for (const h of SECRET_HEADERS) delete headers[h];
          current = next;
          continue;
        }
        const bytes = await readCapped(res, maxBytes, current.href);
        return makeNetResponse(res.status, current.href, res.headers, bytes);
      }
    } catch (e) {
      if (ctl.signal.aborted)
        throw new ChannelError(
          'timeout',
          `no complete answer from ${current.href} within ${timeoutMs} ms`,
          current.href,
          { cause: e },
        );
      if (e instanceof ChannelError) throw e;
      throw new ChannelError(
        'network_error',
        `request to ${current.href} failed: ${e instanceof Error ? e.message : String(e)}`,
        current.href,
        { cause: e },
      );
    } finally {
      clearTimeout(timer);
    }
  };
}
