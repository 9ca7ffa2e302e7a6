/** POST /v1/chains/{key}/events — append one event, a JSONL bundle or {"events": [...]}. */
import { appendEvents } from '../chain/append.js';
import type { ConflictMode } from '../chain/append.js';
import { parseAppendBody, readBodyCapped, readIncomingCapped } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { pathKey } from '../http/keyref.js';
import type { RouteDeps } from './context.js';

function conflictMode(raw: string | undefined): ConflictMode {
  if (raw === undefined || raw === 'evidence') return 'evidence';
  if (raw === 'reject') return 'reject';
  throw new HttpError('malformed', 'query parameter "on_conflict" must be evidence or reject');
}

/** Refusals by code in the metrics: 409s as conflicts, other 4xx as rejected events. */
async function countRefusals<T>(deps: RouteDeps, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof HttpError) {
      if (e.status === 409) deps.metrics.conflicts.inc({ error: e.code });
      else if (e.status < 500) deps.metrics.rejected.inc({ error: e.code });
    }
    throw e;
  }
}

export function eventRoutes(deps: RouteDeps): void {
  const { limits } = deps.config;
  deps.routes.post(
    '/v1/chains/:key/events',
    async (c) => {
      const chain = pathKey(c.req.param('key'));
      const mode = conflictMode(c.req.query('on_conflict'));
      const incoming = c.env?.incoming;
      const bytes = incoming
        ? await readIncomingCapped(incoming, limits.maxBodyBytes)
        : await readBodyCapped(c.req.raw, limits.maxBodyBytes);
      const values = parseAppendBody(
        bytes,
        c.req.header('content-type'),
        limits.maxEventsPerRequest,
      );
      const answer = await countRefusals(deps, () =>
        appendEvents(
          {
            store: deps.store,
            cache: deps.cache,
            limits,
            metrics: deps.metrics,
            now: () => Math.floor(deps.clock() / 1000),
          },
          chain,
          values,
          mode,
        ),
      );
      if (answer.head) deps.heads.update(answer.head);
      return c.json(answer.body, answer.status);
    },
    { deadline: true },
  );
}
