// Shared helpers for the project scripts (start, test, bench): install what is
// missing, build, and run commands with inherited output.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystem as ensureSystemPackages } from './ensure-system.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`kez: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  return r;
}

/** npm ci when node_modules is missing or older than the lockfile. */
export function ensureNodeModules() {
  const nm = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(nm) || statSync(nm).mtimeMs < statSync(lock).mtimeMs) {
    console.error('kez: installing npm packages (npm ci)…');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

export function build() {
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
}

/** Installs the missing system software the tests use (scripts/ensure-system.mjs). */
export function ensureSystem(list) {
  try {
    ensureSystemPackages(list);
  } catch (e) {
    console.error(`kez: ensure-system: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
