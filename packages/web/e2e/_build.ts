/**
 * The app's build before the end-to-end tests (`vite build`, skipped when the
 * last build is newer than every source it reads, so a re-run does not pay
 * for it twice), and `svelte-check`: Vite strips types without checking them,
 * so test/svelte-check.test.ts checks the components against the packages'
 * types.
 */
import { spawn } from 'node:child_process';
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

function bin(pkg: string, path: string): string {
  return join(
    dirname(createRequire(join(webDir, 'package.json')).resolve(`${pkg}/package.json`)),
    path,
  );
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { cwd: webDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.slice(1).join(' ')} failed:\n${out}`)),
    );
  });
}

/** Check and build when stale; returns the wall time in ms (0 when skipped). */
export async function buildApp(): Promise<number> {
  if (existsSync(stamp) && statSync(stamp).mtimeMs > sourcesTime()) return 0;
  const t0 = Date.now();
  await run([bin('vite', 'bin/vite.js'), 'build', '--logLevel', 'warn']);
  return Date.now() - t0;
}

/** svelte-check over the components (types and a11y warnings both fail). */
export function checkComponents(): Promise<void> {
  return run([
    bin('svelte-check', 'bin/svelte-check'),
    '--tsconfig',
    './tsconfig.svelte.json',
    '--threshold',
    'warning',
    '--fail-on-warnings',
  ]);
}
