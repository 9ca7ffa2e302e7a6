/**
 * GET /v1/chains/{key}        the chain: a JSONL bundle (SPEC §8.9) or JSON pages
 * GET /v1/chains/{key}/head   its head: small, ETag, cacheable, 304 on If-None-Match
 * A key finds its own chain or one that rotated into it (SPEC §8.10).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { headJson } from '../chain/head.js';
import { JSONL_TYPE } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { header } from '../http/header.js';
import { pathKey } from '../http/keyref.js';
import { intParam, preferredType } from '../http/query.js';
import type { ChainHead } from '../store/store.js';
import type { RouteDeps } from './context.js';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** A head may be a few seconds stale in a cache; the bundle itself is self-authenticating. */
const HEAD_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30';
const CHAIN_CACHE_CONTROL = 'public, max-age=5';

function etagOf(h: ChainHead): string {
  return `"${h.id.slice(0, 32)}-${h.seq}-${h.forks}"`;
}

/** RFC 9110 §13.1.2: weak comparison; `*` matches any current representation. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

export function chainRoutes(deps: RouteDeps): void {
  const { store, config } = deps;

  const noChain = (key: string) =>
    new HttpError('not_found', `this server has no chain for ${key}`);

  // The answer for a head object, made once: cached heads are the same object until they change.
  const rendered = new WeakMap<ChainHead, { json: string; etag: string }>();
  function headResponse(c: Context<AppEnv>, head: ChainHead): Response {
    let r = rendered.get(head);
    if (!r) rendered.set(head, (r = { json: JSON.stringify(headJson(head)), etag: etagOf(head) }));
    // A plain Response with plain headers: the hot path, kept off hono's Headers objects.
    if (matches(header(c, 'if-none-match'), r.etag))
      return new Response(null, {
        status: 304,
        headers: { etag: r.etag, 'cache-control': HEAD_CACHE_CONTROL },
      });
    return new Response(r.json, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        etag: r.etag,
        'cache-control': HEAD_CACHE_CONTROL,
      },
    });
  }

  deps.routes.get('/v1/chains/:key/head', (c) => {
    const key = pathKey(c.req.param('key'));
    // Served without waiting when the head is cached (no promise on the common path).
    const cached = deps.heads.peek(key);
    if (cached === null) throw noChain(key);
    if (cached) return headResponse(c, cached);
    return deps.heads.get(key).then((head) => {
      if (!head) throw noChain(key);
      return headResponse(c, head);
    });
  });

  deps.routes.get(
    '/v1/chains/:key',
    async (c) => {
      // Fresh from the database: a reader of the events wants what is stored now.
      const key = pathKey(c.req.param('key'));
      const head = await store.headFor(key);
      if (!head) throw noChain(key);
      const after = intParam(c.req.query('after'), 'after', 0, MAX_SEQ, 0);
      const etag = etagOf(head);
      c.header('ETag', etag);
      c.header('Cache-Control', CHAIN_CACHE_CONTROL);
      c.header('Vary', 'Accept');
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      const type = preferredType(c.req.header('accept'), [JSONL_TYPE, 'application/json']);
      if (type === JSONL_TYPE) {
        const limit = intParam(c.req.query('limit'), 'limit', 1, MAX_SEQ, MAX_SEQ - after);
        const rows = await store.events(head.chain, after, Math.min(limit, head.seq));
        // SPEC §8.9: every line, the last included, ends with LF; store order is seq then id.
        let text = '';
        for (const r of rows) text += r.body + '\n';
        c.header('Content-Type', `${JSONL_TYPE}; charset=utf-8`);
        return c.body(text, 200);
      }
      const limit = intParam(c.req.query('limit'), 'limit', 1, config.limits.maxPageSize, 100);
      const rows = await store.events(head.chain, after, limit);
      const last = Math.min(after + limit, head.seq);
      const events = rows.map((r) => JSON.parse(r.body) as unknown);
      return c.json({
        chain: head.chain,
        head: headJson(head),
        events,
        evidence: rows.filter((r) => !r.primary).map((r) => r.id),
        // Transparency-log leaf of each event, in the same order (GET /v1/log/proof/inclusion).
        leaves: rows.map((r) => r.leaf),
        next_after: last < head.seq ? last : null,
      });
    },
    { deadline: true },
  );
}
