/** GET /v1/changes?since=&limit= — chains changed after a cursor, oldest first, for mirrors. */
import { headJson } from '../chain/head.js';
import { intParam } from '../http/query.js';
import type { RouteDeps } from './context.js';

export function changeRoutes(deps: RouteDeps): void {
  deps.routes.get(
    '/v1/changes',
    async (c) => {
      const since = intParam(c.req.query('since'), 'since', 0, Number.MAX_SAFE_INTEGER, 0);
      const limit = intParam(c.req.query('limit'), 'limit', 1, deps.config.limits.maxPageSize, 100);
      const rows = await deps.store.changes(since, limit);
      return c.json({
        changes: rows.map((h) => ({ ...headJson(h), cursor: h.cursor })),
        // Pass `next` as `since` to continue; equal to `since` when nothing changed.
        next: rows.length ? rows.at(-1)!.cursor : since,
      });
    },
    { deadline: true },
  );
}
