/**
 * The fetch relay: the few fetches a page cannot make itself — DNS without
 * DoH, hosts that send no CORS headers — made here, on the server, through
 * @kez/channels' Node Net, so the same guard applies as in the CLI: a
 * deadline per request, a size cap while reading, bounded redirects each
 * re-checked, names resolved and every address checked against the private
 * ranges (SPEC §7.1.1, §7.1.2). On top of it the relay is narrow: GET only,
 * no credentials forwarded, only the content types the channels read
 * (relay-protocol.ts), and only for the app's own pages (the `x-kez-relay`
 * header forces a CORS preflight on other sites, which is never granted).
 *
 * Results that came through the relay are marked in the page: a signed
 * binding survives it, a transport binding rests on its honesty (BRIEF §5).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChannelError, KezError } from '@kez/core';
import type { ReasonCode } from '@kez/core';
import type { Net } from '@kez/channels';
import {
  FORWARDED_REQUEST_HEADERS,
  FORWARDED_RESPONSE_HEADERS,
  MAX_RELAY_TARGET,
  RELAY_ERROR_HEADER,
  RELAY_MARK_HEADER,
  RELAY_URL_HEADER,
  isRelayedType,
  mediaType,
} from '../lib/relay-protocol.js';

export interface FetchRelayOptions {
  /** The guarded Net (createNodeNet from @kez/channels/node, with the relay's limits). */
  net: Net;
  /** Requests served at once before 503 (default 32). */
  maxConcurrent?: number;
}

export type RelayHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) => Promise<void>;

/** DNS names the relay looks up: LDH and `_` labels, ≤ 253 characters. */
const DNS_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+[A-Za-z0-9-]{2,63}\.?$/;

function fail(res: ServerResponse, status: number, code: ReasonCode, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    [RELAY_ERROR_HEADER]: code,
  });
  res.end(JSON.stringify({ error: code, message }));
}

function failFrom(res: ServerResponse, e: unknown): void {
  if (e instanceof KezError) fail(res, 502, e.code, e.message);
  else fail(res, 502, 'network_error', 'the relay could not complete the request');
}

/**
 * @example
 * const relay = createFetchRelay({ net: createNodeNet(resolveChannelConfig({})) });
 * // in a node:http handler: if (path.startsWith('/relay/')) return relay(req, res, path);
 */
export function createFetchRelay(opts: FetchRelayOptions): RelayHandler {
  const max = opts.maxConcurrent ?? 32;
  let inFlight = 0;
  return async function relay(req, res, path) {
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return fail(res, 405, 'bad_response', 'the relay answers GET only');
    }
    // Same-origin only: a custom header cannot be sent cross-site without a preflight.
    if (req.headers[RELAY_MARK_HEADER] !== '1')
      return fail(res, 403, 'bad_response', `requests must carry ${RELAY_MARK_HEADER}: 1`);
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      return fail(res, 403, 'bad_response', 'the relay serves its own pages only');
    if (inFlight >= max) return fail(res, 503, 'rate_limited', 'the relay is busy; try again');
    const q = new URL(req.url ?? '/', 'http://relay.invalid').searchParams;
    inFlight++;
    try {
      if (path === '/relay/fetch') await relayFetch(opts.net, q.get('url'), req, res);
      else if (path === '/relay/txt') await relayTxt(opts.net, q.get('name'), res);
      else fail(res, 404, 'bad_response', 'unknown relay path');
    } finally {
      inFlight--;
    }
  };
}

async function relayFetch(
  net: Net,
  target: string | null,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!target || target.length > MAX_RELAY_TARGET)
    return fail(res, 400, 'bad_response', `url must be 1-${MAX_RELAY_TARGET} characters`);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return fail(res, 400, 'bad_response', 'url is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail(res, 400, 'bad_response', 'url must be http(s)');
  if (url.username || url.password)
    return fail(res, 400, 'bad_response', 'url must not carry credentials');
  const headers: Record<string, string> = {};
  for (const h of FORWARDED_REQUEST_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string' && v.length <= 256) headers[h] = v;
  }
  let up;
  try {
    // The guarded Node fetch: deadline, cap, redirects, private addresses (SPEC §7.1).
    up = await net.fetch(url.href, { method: 'GET', headers });
  } catch (e) {
    return failFrom(res, e);
  }
  const type = up.headers.get('content-type');
  const ok = up.status >= 200 && up.status < 300;
  if (ok && !isRelayedType(type))
    return fail(
      res,
      502,
      'bad_response',
      `${url.host} answered ${mediaType(type) || 'no content type'}, which the relay does not carry`,
    );
  const out: Record<string, string> = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    [RELAY_URL_HEADER]: up.url,
  };
  for (const h of FORWARDED_RESPONSE_HEADERS) {
    const v = up.headers.get(h);
    if (v !== null) out[h] = v;
  }
  // An error page's body (often HTML) is not needed: the status is the answer.
  const body = ok || isRelayedType(type) ? up.body : new Uint8Array(0);
  if (!ok && !isRelayedType(type)) delete out['content-type'];
  out['content-length'] = String(body.length);
  res.writeHead(up.status, out);
  res.end(body);
}

async function relayTxt(net: Net, name: string | null, res: ServerResponse): Promise<void> {
  if (!name || !DNS_NAME.test(name))
    return fail(res, 400, 'bad_response', 'name must be a DNS name');
  let records: string[][] | null;
  try {
    records = await net.resolveTxt(name);
  } catch (e) {
    if (e instanceof ChannelError || e instanceof KezError) return failFrom(res, e);
    return fail(res, 502, 'dns_error', `cannot look up ${name}`);
  }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ records }));
}
