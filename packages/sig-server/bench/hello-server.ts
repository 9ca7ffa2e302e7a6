/** The baseline for the head benchmark: a bare hono hello-world on @hono/node-server, nothing else. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('hello'));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => process.exit(0));
