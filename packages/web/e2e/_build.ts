/**
 * `vite build` of the app before the end-to-end tests, skipped when the last
 * build is newer than every source it reads (the app and the packages it
 * bundles from source), so a re-run does not pay for it twice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const appDir = join(webDir, 'dist', 'app');
const stamp = join(appDir, '.vite', 'manifest.json');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    m = Math.max(m, newest(join(path, name)));
  }
  return m;
}

function sourcesTime(): number {
  const pkgs = join(webDir, '..');
  return Math.max(
    newest(join(webDir, 'src')),
    newest(join(webDir, 'index.html')),
    newest(join(webDir, 'vite.config.ts')),
    ...['core', 'channels', 'chat-server'].map((p) => newest(join(pkgs, p, 'src'))),
  );
}

/** Build when stale; returns the build's wall time in ms (0 when skipped). */
export function buildApp(): number {
  if (existsSync(stamp) && statSync(stamp).mtimeMs > sourcesTime()) return 0;
  const pkg = createRequire(join(webDir, 'package.json')).resolve('vite/package.json');
  const vite = join(dirname(pkg), 'bin', 'vite.js');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: webDir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  return Date.now() - t0;
}
