/**
 * The client's address, for rate limiting: the socket's, or the first
 * X-Forwarded-For hop when the operator trusts a proxy in front.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { rawHeader } from './header.js';

function firstHop(xff: string | undefined): string | undefined {
  return xff?.split(',')[0]?.trim().slice(0, 64) || undefined;
}

/** From node's request (the head lane runs before hono; hono's routes go through socketAddress). */
export function incomingAddress(trustProxy: boolean) {
  return (incoming: IncomingMessage): string =>
    (trustProxy ? firstHop(rawHeader(incoming.rawHeaders, 'x-forwarded-for')) : undefined) ??
    incoming.socket?.remoteAddress ??
    'unknown';
}

/** For hono routes: the same, from the request under the Context (app.request has none: the header or 'unknown'). */
export function socketAddress(trustProxy: boolean) {
  const fromIncoming = incomingAddress(trustProxy);
  return (c: Context<AppEnv>): string => {
    const incoming = c.env?.incoming;
    if (incoming) return fromIncoming(incoming);
    return (trustProxy ? firstHop(c.req.header('x-forwarded-for')) : undefined) ?? 'unknown';
  };
}
