/**
 * `npm run bench -- bundle-size`: the explorer's JavaScript, gzipped, against
 * its 150 KB budget (the build is made first when stale). Fails when over.
 */
import { buildApp, appDir } from '../e2e/_build.js';
import {
  EXPLORER_BUDGET_BYTES,
  bundleReport,
  formatBundleReport,
} from '../src/server/bundle-size.js';

const ms = await buildApp();
if (ms) console.log(`vite build: ${(ms / 1000).toFixed(1)} s`);
const r = bundleReport(appDir);
console.log(formatBundleReport(r));
console.log(
  `ratio explorer / budget: ${(r.explorerGzip / EXPLORER_BUDGET_BYTES).toFixed(2)}` +
    `; lazy chunks add ${(r.lazy.reduce((s, c) => s + c.gzip, 0) / 1024).toFixed(1)} KB gz when Keys or Chat open`,
);
if (r.explorerGzip > EXPLORER_BUDGET_BYTES) {
  console.error('kez: the explorer is over its JavaScript budget');
  process.exitCode = 1;
}
