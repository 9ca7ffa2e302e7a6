/**
 * The client's address, for rate limiting: the socket's, or the first
 * X-Forwarded-For hop when the operator trusts a proxy in front.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { header, rawHeader } from './header.js';

function firstHop(xff: string | undefined): string | undefined {
  return xff?.split(',')[0]?.trim().slice(0, 64) || undefined;
}

/** For hono routes (under app.request there is no socket: 'unknown'). */
export function socketAddress(trustProxy: boolean) {
  return (c: Context<AppEnv>): string =>
    (trustProxy ? firstHop(header(c, 'x-forwarded-for')) : undefined) ??
    c.env?.incoming?.socket?.remoteAddress ??
    'unknown';
}

/** The same address straight from node's request (the head lane runs before hono). */
export function incomingAddress(trustProxy: boolean) {
  return (incoming: IncomingMessage): string =>
    (trustProxy ? firstHop(rawHeader(incoming.rawHeaders, 'x-forwarded-for')) : undefined) ??
    incoming.socket?.remoteAddress ??
    'unknown';
}
