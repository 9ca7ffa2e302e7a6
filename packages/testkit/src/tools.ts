// Where the peers' programs are, installing them through
// scripts/ensure-system.mjs when a test runs before `npm test` did.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'ensure-system.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** The KEZ repository root (holds scripts/ and .cache/). */
export const repoRoot = findRoot();
/** Where ensure-system links the programs it unpacks from Debian trixie. */
export const cacheBinDir = join(repoRoot, '.cache', 'bin');

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** True when `bin --version` reports nats-server 2.10 or later. */
function natsOk(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /v?(\d+)\.(\d+)\.\d+/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0 || !m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 2 || (major === 2 && minor >= 10);
}

let natsMemo: string | null = null;

function findNats(): string | null {
  const env = process.env.NATS_SERVER_BIN;
  if (env) {
    if (!natsOk(env)) throw new Error(`$NATS_SERVER_BIN=${env} is not a nats-server >= 2.10`);
    return env;
  }
  const found = onPath('nats-server');
  if (found && natsOk(found)) return found;
  const cached = join(cacheBinDir, 'nats-server');
  return executable(cached) ? cached : null;
}

/**
 * The nats-server binary to use: $NATS_SERVER_BIN, else a nats-server >= 2.10
 * on PATH, else the one ensure-system unpacked into .cache/bin. Throws when
 * there is none (run `node scripts/ensure-system.mjs nats-server`).
 */
export function natsServerBin(): string {
  natsMemo ??= findNats();
  if (!natsMemo)
    throw new Error('no nats-server >= 2.10: run `node scripts/ensure-system.mjs nats-server`');
  return natsMemo;
}

/** The newest PostgreSQL server bin dir, /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  let majors: number[] = [];
  try {
    majors = readdirSync(base)
      .map(Number)
      .filter((n) => Number.isInteger(n) && executable(join(base, String(n), 'bin', 'initdb')));
  } catch {
    return null;
  }
  majors.sort((a, b) => b - a);
  return majors.length ? join(base, String(majors[0]), 'bin') : null;
}

/** Programs each ensure-system package provides: present means installed. */
const probes: Record<string, () => boolean> = {
  knot: () => executable('/usr/sbin/knotd') && executable('/usr/sbin/knotc'),
  'knot-dnsutils': () => executable('/usr/bin/kdig'),
  dnsdist: () => executable('/usr/bin/dnsdist'),
  postgresql: () => postgresBinDir() !== null,
  zstd: () => executable('/usr/bin/zstd'),
  chromium: () => executable('/usr/bin/chromium'),
  'nats-server': () => {
    try {
      natsServerBin();
      return true;
    } catch {
      natsMemo = null;
      return false;
    }
  },
  snac2: () => executable(join(cacheBinDir, 'snac')),
};

type EnsureModule = { ensureSystem(list: string[]): string[] };
const pending = new Map<string, Promise<void>>();

/**
 * Makes sure the given ensure-system packages are present, running
 * scripts/ensure-system.mjs for the missing ones (which needs root).
 */
export async function ensureTools(names: readonly string[]): Promise<void> {
  const missing = names.filter((n) => !probes[n]?.());
  if (!missing.length) return;
  const key = missing.join(' ');
  let p = pending.get(key);
  if (!p) {
    p = (async () => {
      const script = pathToFileURL(join(repoRoot, 'scripts', 'ensure-system.mjs')).href;
      const mod = (await import(script)) as EnsureModule;
      mod.ensureSystem(missing);
      natsMemo = null;
    })();
    pending.set(key, p);
    p.catch(() => pending.delete(key));
  }
  await p;
}

/** Debian's Chromium, installed by ensure-system. Throws when it is missing. */
export function chromiumPath(): string {
  const p = '/usr/bin/chromium';
  if (!executable(p))
    throw new Error('chromium is not installed: run `node scripts/ensure-system.mjs chromium`');
  return p;
}

/** Flags for headless Chromium in tests and CI (no sandbox: CI runs as root). */
export const chromiumFlags: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
