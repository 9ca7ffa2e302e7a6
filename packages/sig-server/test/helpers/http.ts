/** Small request helpers over app.request() and fetch. */
import type { Hono } from 'hono';
import type { AppEnv } from '@kez/sig-server';

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response> | Response;

export function appFetcher(app: Hono<AppEnv>): Fetcher {
  return (path, init) => app.request(path, init);
}

export function urlFetcher(base: string): Fetcher {
  return (path, init) => fetch(base + path, init);
}

export const keyPath = (key: string) => `/v1/chains/${encodeURIComponent(key)}`;

export async function postEvents(
  f: Fetcher,
  key: string,
  body: string | Uint8Array,
  contentType = 'application/json',
  query = '',
): Promise<{ status: number; json: Record<string, unknown>; res: Response }> {
  const res = await f(`${keyPath(key)}/events${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { unparsed: text };
  }
  return { status: res.status, json, res };
}

export function postOne(f: Fetcher, key: string, event: object, query = '') {
  return postEvents(f, key, JSON.stringify(event), 'application/json', query);
}
