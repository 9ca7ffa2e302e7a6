/**
 * A request header by lower-case name. Under @hono/node-server it scans
 * node's `incoming.rawHeaders` (name, value, name, value…): going through the
 * Web `Request` would build a `Headers` object, and `incoming.headers` a
 * whole object, per request just to read one value. Elsewhere (app.request
 * in tests) it asks the Request. Repeated headers are joined with ", ".
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';

export function header(c: Context<AppEnv>, name: string): string | undefined {
  const raw = c.env?.incoming?.rawHeaders;
  return raw ? rawHeader(raw, name) : c.req.header(name);
}

/** `name` (lower case) in node's rawHeaders list; repeats joined with ", " as a Headers object would. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === name.length && k.toLowerCase() === name)
      out = out === undefined ? raw[i + 1] : `${out}, ${raw[i + 1]}`;
  }
  return out;
}
