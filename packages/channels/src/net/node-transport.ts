/**
 * The Node transport behind guarded-fetch.ts: node:http/node:https with a
 * lookup hook that checks every address a name resolves to *at connect time*
 * (dns.lookup all:true), so a DNS answer cannot swap in a private address
 * between a check and the connection (SPEC §7.6).
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { ChannelError } from '@kez/core';
import { isPrivateAddress } from './address.js';
import type { HopRequest, HopResponse, Transport } from './transport.js';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);

/** A dns.lookup replacement that refuses private addresses unless allowed. */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!allowPrivate) {
        const bad = addresses.find((a) => isPrivateAddress(a.address));
        if (bad) {
          const e = new ChannelError(
            'private_address',
            `refusing ${hostname}: it resolves to ${bad.address}, a private or loopback address (allow with --allow-private)`,
            hostname,
          );
          return callback(e as unknown as NodeJS.ErrnoException, []);
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

function mapError(e: unknown, url: URL): unknown {
  if (e instanceof ChannelError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && DNS_CODES.has(code))
    return new ChannelError('dns_error', `cannot resolve ${url.hostname} (${code})`, url.href, {
      cause: e,
    });
  if (code)
    return new ChannelError(
      'network_error',
      `connection to ${url.host} failed (${code})`,
      url.href,
      {
        cause: e,
      },
    );
  return e;
}

/**
 * One transport per Net: its own keep-alive agents, so sockets opened under
 * one allowPrivate setting are never reused under another.
 *
 * @example
 * const transport = createNodeTransport();
 */
export function createNodeTransport(): Transport & { close(): void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };
  const send = (req: HopRequest, retried = false): Promise<HopResponse> =>
    new Promise((resolve, reject) => {
      const mod = req.url.protocol === 'https:' ? https : http;
      const r = mod.request(
        req.url,
        {
          method: req.method,
          headers: req.headers,
          signal: req.signal,
          agent: agents[req.url.protocol as 'http:' | 'https:'],
          lookup: guardedLookup(req.allowPrivate) as unknown as typeof dns.lookup,
        },
        (res) => {
          const headers = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i + 1 < raw.length; i += 2) {
            try {
              headers.append(raw[i]!, raw[i + 1]!);
            } catch {
              // A header value Headers rejects (bad bytes) is dropped, not fatal.
            }
          }
          const body = (async function* () {
            try {
              for await (const chunk of res) yield chunk as Uint8Array;
            } catch (e) {
              throw mapError(e, req.url);
            }
          })();
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body,
            cancel: () => res.destroy(),
          });
        },
      );
      r.on('error', (e) => {
        // A kept-alive socket the server closed without saying so (snac does) fails on reuse:
        // Node's documented remedy is to retry an idempotent request once on a fresh socket.
        const code = (e as NodeJS.ErrnoException).code;
        if (r.reusedSocket && !retried && code === 'ECONNRESET' && /^(GET|HEAD)$/.test(req.method))
          return resolve(send(req, true));
        reject(mapError(e, req.url));
      });
      r.end(req.body === undefined ? undefined : req.body);
    });
  return Object.assign((req: HopRequest) => send(req), {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}
