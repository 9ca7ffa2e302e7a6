/**
 * The browser build: @kez/core (from its TypeScript sources, condition
 * `kez-source`) and the independent page code, bundled by esbuild as ES
 * modules. @bokuweb/zstd-wasm's browser build loads its WASM with
 * `new URL('./zstd.wasm', import.meta.url)`; esbuild keeps `import.meta.url`
 * in ESM output, so copying zstd.wasm next to core.js is all it needs — no
 * change to core.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { applyMutation, MUTATIONS } from './mutations.js';
import type { MutationName } from './mutations.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');

const PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>KEZ crosstest</title>
<link rel="icon" href="data:,">
<h1>KEZ crosstest</h1>
<div id="out"></div>
<script type="module" src="/core.js"></script>
<script type="module" src="/indep.js"></script>
</html>
`;

function mutationPlugin(name: MutationName): Plugin {
  const target = resolve(repoRoot, MUTATIONS[name].file);
  return {
    name: `kez-mutation-${name}`,
    setup(b) {
      let applied = false;
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (resolve(args.path) !== target) return undefined;
        applied = true;
        return { contents: applyMutation(name, readFileSync(target, 'utf8')), loader: 'ts' };
      });
      b.onEnd((r) => {
        if (!applied && r.errors.length === 0)
          throw new Error(`mutation ${name}: ${MUTATIONS[name].file} is not in the core bundle`);
      });
    },
  };
}

/** Build core.js, indep.js, zstd.wasm and index.html into `outDir`. */
export async function buildBrowserBundle(outDir: string, mutation?: MutationName): Promise<void> {
  const common = {
    bundle: true,
    format: 'esm' as const,
    platform: 'browser' as const,
    target: 'es2022',
    conditions: ['kez-source'],
    logLevel: 'silent' as const,
    sourcemap: 'inline' as const,
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(here, 'browser/page-core.ts')],
      outfile: join(outDir, 'core.js'),
      plugins: mutation ? [mutationPlugin(mutation)] : [],
    }),
    build({
      ...common,
      entryPoints: [join(here, 'browser/page-indep.ts')],
      outfile: join(outDir, 'indep.js'),
    }),
  ]);
  // The wasm of the zstd-wasm build the bundle resolved (its `browser` export).
  const req = createRequire(join(repoRoot, 'packages/core/package.json'));
  const nodeEntry = req.resolve('@bokuweb/zstd-wasm');
  const pkgDir = nodeEntry.slice(0, nodeEntry.lastIndexOf('/dist/'));
  copyFileSync(join(pkgDir, 'dist/web/zstd.wasm'), join(outDir, 'zstd.wasm'));
  writeFileSync(join(outDir, 'index.html'), PAGE);
}
