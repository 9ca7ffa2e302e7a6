/** The hono environment of the sig-server app: node bindings (absent under app.request) and per-request variables. */
import type { HttpBindings } from '@hono/node-server';

export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: { requestId: string };
}
