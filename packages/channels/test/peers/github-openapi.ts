/**
 * GitHub's official OpenAPI description (@octokit/openapi, MIT), reduced to
 * the operations the github channel uses. The full package is ~415 MB
 * unpacked (every GHES version), so instead of a dependency the test set-up
 * fetches its tarball once with `npm pack`, extracts only
 * generated/api.github.com.json, keeps the needed paths plus every component
 * they reference (same walk as shared notes/peers/trim-openapi.mjs), and
 * caches that subset under .cache/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPENAPI_PACKAGE = '@octokit/openapi@23.0.2';

/** The operations the github channel calls (and the fixture serves). */
export const OPERATIONS: Record<string, string[]> = {
  '/users/{username}/gists': ['get'],
  '/gists/{gist_id}': ['get', 'patch'],
  '/gists': ['post'],
  '/user': ['get'],
};

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const cacheFile = join(
  root,
  '.cache',
  'github-openapi',
  `${OPENAPI_PACKAGE.replace(/[@/]/g, '_')}-subset.json`,
);

type Json = Record<string, unknown>;

export function trimSpec(spec: Json, ops: Record<string, string[]>): Json {
  const components = spec.components as Record<string, Record<string, unknown>>;
  const paths = spec.paths as Record<string, Record<string, unknown>>;
  const keep: Json & { paths: Json; components: Record<string, Json> } = {
    openapi: spec.openapi,
    info: spec.info,
    paths: {},
    components: {},
  };
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/') && !seen.has(ref)) {
      seen.add(ref);
      const [, , kind, name] = ref.split('/') as [string, string, string, string];
      const def = components[kind]![name];
      (keep.components[kind] ??= {})[name] = def;
      walk(def);
    }
    Object.values(node).forEach(walk);
  };
  for (const [p, methods] of Object.entries(ops)) {
    const item: Json = {};
    for (const m of methods) {
      const op = paths[p]?.[m];
      if (!op) throw new Error(`${OPENAPI_PACKAGE} has no ${m.toUpperCase()} ${p}`);
      item[m] = op;
    }
    keep.paths[p] = item;
    walk(item);
  }
  // basic-error is what GitHub sends for statuses an operation does not list (403 rate limit …).
  walk({ $ref: '#/components/schemas/basic-error' });
  return keep;
}

/** The subset, fetched and trimmed on first use. */
export function loadGithubOpenApi(): Json {
  if (!existsSync(cacheFile)) {
    const tmp = mkdtempSync(join(tmpdir(), 'kez-openapi-'));
    try {
      const name = execFileSync(
        'npm',
        ['pack', OPENAPI_PACKAGE, '--pack-destination', tmp, '--silent'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
        .trim()
        .split('\n')
        .pop()!;
      execFileSync('tar', [
        '-xzf',
        join(tmp, name),
        '-C',
        tmp,
        'package/generated/api.github.com.json',
      ]);
      const spec = JSON.parse(
        readFileSync(join(tmp, 'package/generated/api.github.com.json'), 'utf8'),
      ) as Json;
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(cacheFile, JSON.stringify(trimSpec(spec, OPERATIONS)));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(cacheFile, 'utf8')) as Json;
}
