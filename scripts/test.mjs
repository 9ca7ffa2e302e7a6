#!/usr/bin/env node
// `npm test`: install what is missing, build, then run every test with node's
// own runner. Test files live in packages/*/test and packages/*/src (unit tests
// next to their code); they run against the TypeScript sources through tsx.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, ensureNodeModules, ensureSystem, root, run } from './lib.mjs';

ensureNodeModules();
ensureSystem();
build();

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const filter = process.argv.slice(2);
let files = collect(join(root, 'packages'), []).sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (!files.length) {
  console.error('kez: no test files matched');
  process.exit(2);
}
run(process.execPath, [
  '--import',
  'tsx',
  '--conditions=kez-source',
  '--test',
  '--test-reporter=spec',
  ...files,
]);
