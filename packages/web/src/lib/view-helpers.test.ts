import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatTime, shortKey, shortShown } from './format.js';
import { layoutGraph } from './graph-layout.js';
import { parseRoute, routeHash } from './route.js';

describe('view helpers', () => {
  test('routes round-trip through the hash', () => {
    assert.deepEqual(parseRoute(''), { page: 'explore' });
    assert.deepEqual(parseRoute('#/chat'), { page: 'chat' });
    assert.deepEqual(parseRoute('#/nope'), { page: 'explore' });
    const r = { page: 'explore', q: 'dns:example.com' } as const;
    assert.deepEqual(parseRoute(routeHash(r)), r);
  });

  test('the graph layout keeps every node inside the picture and apart', () => {
    for (const n of [1, 2, 5, 12, 13, 40]) {
      const l = layoutGraph(n);
      assert.equal(l.nodes.length, n);
      for (const p of l.nodes) {
        assert.ok(p.x > 0 && p.x < l.width && p.y > 0 && p.y < l.height, `${n}: ${p.x},${p.y}`);
        assert.ok(Math.hypot(p.x - l.cx, p.y - l.cy) > 60, 'nodes clear the key');
      }
      const keys = new Set(l.nodes.map((p) => `${p.x},${p.y}`));
      assert.equal(keys.size, n);
    }
    assert.equal(layoutGraph(1).nodes[0]!.anchor, 'middle');
  });

  test('short forms', () => {
    const hex = 'ab'.repeat(32);
    assert.equal(shortKey(`ed25519:${hex}`), 'ed25519:abababab…abababab');
    assert.equal(shortShown(`npub1${'q'.repeat(58)}`), `npub1qqqqqqq…qqqqqq`);
    assert.equal(formatTime('2026-11-25T14:03:07.000Z'), '2026-11-25 14:03:07 UTC');
  });

  test('src/lib stays browser-only: no Node built-ins', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join, dirname } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const root = dirname(fileURLToPath(import.meta.url));
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) => {
        const p = join(d, f);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
    for (const f of walk(root).filter((p) => /\.(ts|svelte)$/.test(p) && !p.endsWith('.test.ts'))) {
      const src = readFileSync(f, 'utf8');
      assert.doesNotMatch(
        src,
        /from 'node:|process\.env|@kez\/channels\/node|from '@kez\/channels'/,
        f,
      );
    }
  });
});
