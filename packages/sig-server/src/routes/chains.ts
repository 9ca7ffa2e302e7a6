/**
 * GET /v1/chains/{key}        the chain: a JSONL bundle (SPEC §8.9) or JSON pages
 * GET /v1/chains/{key}/head   its head: small, ETag, cacheable, 304 on If-None-Match
 * A key finds its own chain or one that rotated into it (SPEC §8.10).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { etagMatches, etagOf, headAnswer, headJson } from '../chain/head.js';
import { JSONL_TYPE } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { header } from '../http/header.js';
import { pathKey } from '../http/keyref.js';
import { intParam, preferredType } from '../http/query.js';
import type { ChainHead } from '../store/store.js';
import type { RouteDeps } from './context.js';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const CHAIN_CACHE_CONTROL = 'public, max-age=5';

/** The head route's pattern, also its metrics label (the lane in front of hono records under it). */
export const HEAD_ROUTE = '/v1/chains/:key/head';

export function chainRoutes(deps: RouteDeps): void {
  const { store, config } = deps;

  const noChain = (key: string) =>
    new HttpError('not_found', `this server has no chain for ${key}`);

  function headResponse(c: Context<AppEnv>, head: ChainHead): Response {
    const a = headAnswer(head, header(c, 'if-none-match'));
    // A plain Response with plain headers: the hot path, kept off hono's Headers objects.
    return new Response(a.body, { status: a.status, headers: a.headers });
  }

  // Cached heads are usually answered before hono (http/head-lane.ts); this is every other case.
  deps.routes.get(HEAD_ROUTE, (c) => {
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
      if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
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
