/** openapi.json describes exactly the app's routes (style §6 rule 13), and /openapi.json serves it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createApp, openSqliteStore, resolveConfig } from '@kez/sig-server';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

test('openapi.json paths and methods equal the app routes', async () => {
  const store = openSqliteStore(':memory:');
  try {
    const app = createApp({ store, config: resolveConfig({}, { logLevel: 'silent' }) });
    const routes = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`),
    );
    const doc = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m} ${p}`),
      ),
    );
    assert.deepEqual([...documented].sort(), [...routes].sort());
    const served = await app.request('/openapi.json');
    assert.deepEqual(await served.json(), doc);
  } finally {
    await store.close();
  }
});

test('every $ref in openapi.json resolves', () => {
  const text = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
  const doc = JSON.parse(text) as Record<string, unknown>;
  const refs = [...text.matchAll(/"\$ref":\s*"#\/([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 10);
  for (const ref of refs) {
    let node: unknown = doc;
    for (const part of ref.split('/')) node = (node as Record<string, unknown>)[part];
    assert.ok(node, `unresolved $ref #/${ref}`);
  }
});
