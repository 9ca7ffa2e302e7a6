#!/usr/bin/env node
// `npm run bench`: every packages/*/bench/*.bench.ts, each in its own process,
// printing ratios against a raw primitive or peer measured in the same run.
// Filter by substring: npm run bench -- claims
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, ensureNodeModules, root } from './lib.mjs';

ensureNodeModules();
build();

const filter = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir))
    if (f.endsWith('.bench.ts')) files.push(relative(root, join(dir, f)));
}
const chosen = files.sort().filter((f) => !filter.length || filter.some((x) => f.includes(x)));
let failed = 0;
for (const f of chosen) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=kez-source', f], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
console.log(`\n${chosen.length - failed} benchmarks ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
