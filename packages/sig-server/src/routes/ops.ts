/** /healthz (process up), /readyz (database reachable), /metrics (Prometheus), /openapi.json. */
import { readFileSync } from 'node:fs';
import { HttpError } from '../http/errors.js';
import { errorMessage } from '../logger.js';
import { METRICS_CONTENT_TYPE } from '../metrics.js';
import type { RouteDeps } from './context.js';

/** The OpenAPI document shipped in the package root (one level above src/ and dist/). */
export function loadOpenApi(): string {
  return readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');
}

export function opsRoutes(deps: RouteDeps): void {
  const openapi = loadOpenApi();
  deps.routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  deps.routes.get('/readyz', async (c) => {
    try {
      await deps.store.ping();
    } catch (e) {
      deps.log.warn('not ready', { error: errorMessage(e) });
      throw new HttpError('not_ready', 'the database cannot be reached');
    }
    return c.json({ status: 'ready', store: deps.store.kind });
  });
  deps.routes.get('/metrics', (c) => {
    c.header('Content-Type', METRICS_CONTENT_TYPE);
    return c.body(deps.metrics.render());
  });
  deps.routes.get('/openapi.json', (c) => {
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(openapi);
  });
}
