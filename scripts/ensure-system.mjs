#!/usr/bin/env node
// Installs the system software the tests run against, only what is missing:
//   - Debian (bookworm) packages through apt-get: knot, knot-dnsutils, dnsdist,
//     postgresql, zstd, chromium;
//   - two packages only Debian trixie has, fetched with `apt-get download`
//     through a private apt state (the machine's own apt set-up is untouched)
//     and unpacked with `dpkg -x` into .cache/debs/<pkg>: nats-server (>= 2.10)
//     and snac2. Their programs are linked at .cache/bin/nats-server and
//     .cache/bin/snac.
// When everything is present it only runs `dpkg -s` (and `nats-server
// --version`): no apt at all. Nothing is started: tests start their own peers.
//
//   node scripts/ensure-system.mjs [name…]     (default: everything)
//   import { ensureSystem } from './ensure-system.mjs'; ensureSystem(['knot']);
//
// $NATS_SERVER_BIN, when set, names the nats-server to use instead.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), '..');
const cacheDir = join(root, '.cache');
const binDir = join(cacheDir, 'bin');
const debsDir = join(cacheDir, 'debs');
const trixieDir = join(cacheDir, 'apt-trixie');

/** Packages from the machine's own Debian release. */
export const APT_PACKAGES = ['knot', 'knot-dnsutils', 'dnsdist', 'postgresql', 'zstd', 'chromium'];
/** Packages fetched from Debian trixie, unpacked under .cache (never installed). */
export const TRIXIE_PACKAGES = ['nats-server', 'snac2'];
export const ALL = [...APT_PACKAGES, ...TRIXIE_PACKAGES];

const NATS_MIN = [2, 10];
/** Where each trixie package's program lands, relative to its unpacked root. */
const TRIXIE_BINS = {
  'nats-server': { bin: 'nats-server', path: 'usr/sbin/nats-server' },
  snac2: { bin: 'snac', path: 'usr/bin/snac' },
};

function log(line) {
  console.error(`ensure-system: ${line}`);
}

function sh(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** Runs a command, throws with the tail of its output when it fails. */
function must(cmd, args, opts = {}) {
  const r = sh(cmd, args, opts);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed (${why})${out ? `:\n${out}` : ''}`);
  }
  return r;
}

// ---- what is there -------------------------------------------------------

/** Installed versions of the given Debian packages (missing ones are absent). */
function dpkgInstalled(pkgs) {
  const r = sh('dpkg', ['-s', ...pkgs]);
  const found = new Map();
  for (const stanza of (r.stdout ?? '').split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const status = /^Status: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name && status === 'install ok installed') found.set(name, version ?? '?');
  }
  return found;
}

/** The version of a nats-server binary as [major, minor, patch], or null. */
function natsVersion(bin) {
  const r = sh(bin, ['--version']);
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.status === 0 && m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function natsOk(bin) {
  const v = natsVersion(bin);
  return !!v && (v[0] > NATS_MIN[0] || (v[0] === NATS_MIN[0] && v[1] >= NATS_MIN[1]));
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The nats-server to use: $NATS_SERVER_BIN, else one >= 2.10 on PATH, else
 * the one unpacked from trixie. Null when none is usable.
 */
export function natsServerBin() {
  const env = process.env.NATS_SERVER_BIN;
  if (env) {
    if (!natsOk(env)) throw new Error(`$NATS_SERVER_BIN=${env} is not a nats-server >= 2.10`);
    return env;
  }
  const found = onPath('nats-server');
  if (found && natsOk(found)) return found;
  const cached = join(binDir, 'nats-server');
  return executable(cached) ? cached : null;
}

/** Bookworm packages a trixie program needs at run time (its shared libraries). */
const TRIXIE_RUNTIME = { snac2: ['libcurl4'] };

function missingOf(list) {
  const apt = list.filter((p) => !TRIXIE_PACKAGES.includes(p));
  const installed = apt.length ? dpkgInstalled(apt) : new Map();
  const missing = apt.filter((p) => !installed.has(p));
  for (const p of list.filter((x) => TRIXIE_PACKAGES.includes(x))) {
    if (p === 'nats-server' ? !natsServerBin() : !executable(join(binDir, TRIXIE_BINS[p].bin)))
      missing.push(p);
  }
  return missing;
}

function normalize(list) {
  const names = (list?.length ? list : ALL).map((n) => (n === 'snac' ? 'snac2' : n));
  const known = [...ALL, ...Object.values(TRIXIE_RUNTIME).flat()];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new Error(`unknown package(s): ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  for (const [pkg, libs] of Object.entries(TRIXIE_RUNTIME))
    if (names.includes(pkg)) names.unshift(...libs);
  return [...new Set(names)];
}

// ---- apt (the machine's own release) ---------------------------------------

const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
const aptOpts = [
  '-q',
  '-y',
  '-o',
  'DPkg::Lock::Timeout=300',
  '-o',
  'Dpkg::Options::=--force-confdef',
  '-o',
  'Dpkg::Options::=--force-confold',
];

function listsPresent(listsDir) {
  try {
    return readdirSync(listsDir).some((f) => f.endsWith('_Packages') || f.includes('_Packages.'));
  } catch {
    return false;
  }
}

function requireRoot(what) {
  if (process.getuid?.() !== 0)
    throw new Error(`${what} needs root (run \`sudo node scripts/ensure-system.mjs\` once)`);
}

function aptInstall(pkgs) {
  requireRoot(`installing ${pkgs.join(' ')}`);
  const install = () =>
    sh('apt-get', [...aptOpts, 'install', '--no-install-recommends', ...pkgs], { env: aptEnv });
  let updated = false;
  if (!listsPresent('/var/lib/apt/lists')) {
    must('apt-get', [...aptOpts, 'update'], { env: aptEnv });
    updated = true;
  }
  let r = install();
  if (r.status !== 0 && !updated) {
    // Stale or missing package lists: refresh once and try again.
    must('apt-get', [...aptOpts, 'update'], { env: aptEnv });
    r = install();
  }
  if (r.status !== 0) {
    const tail = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`apt-get install ${pkgs.join(' ')} failed:\n${tail}`);
  }
  const now = dpkgInstalled(pkgs);
  for (const p of pkgs) {
    if (!now.has(p)) throw new Error(`apt-get said it installed ${p}, but dpkg does not list it`);
    log(`installed ${p} ${now.get(p)} (apt)`);
  }
}

// ---- trixie packages, fetched into .cache ------------------------------------

/** The Debian mirror this machine already uses, read from its apt sources. */
function debianMirror() {
  const candidates = [];
  const partsDir = '/etc/apt/sources.list.d';
  let parts = [];
  try {
    parts = readdirSync(partsDir).filter((f) => f.endsWith('.sources'));
  } catch {
    // no deb822 sources
  }
  for (const f of parts.sort()) {
    for (const stanza of readFileSync(join(partsDir, f), 'utf8').split(/\n\s*\n/)) {
      if (/^Enabled:\s*no/im.test(stanza)) continue;
      const uris = /^URIs:\s*(.+)$/im.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      const suites = /^Suites:\s*(.+)$/im.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      const components = /^Components:\s*(.+)$/im.exec(stanza)?.[1] ?? '';
      if (!/\bmain\b/.test(components) || suites.some((s) => s.includes('security'))) continue;
      for (const u of uris) candidates.push(u);
    }
  }
  // The one-line format, for machines set up the older way.
  if (existsSync('/etc/apt/sources.list')) {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+.*\bmain\b/.exec(line.trim());
      if (m && m[1] && !m[2].includes('security')) candidates.push(m[1]);
    }
  }
  const uri = candidates.find((u) => /^https?:\/\//.test(u)) ?? candidates[0];
  if (!uri) throw new Error('found no Debian mirror in /etc/apt/sources.list.d/*.sources');
  return uri;
}

function trixieApt() {
  const etc = join(trixieDir, 'etc');
  const lists = join(trixieDir, 'lists');
  for (const d of [
    join(etc, 'sources.list.d'),
    join(etc, 'preferences.d'),
    join(lists, 'partial'),
    join(trixieDir, 'cache', 'archives', 'partial'),
    join(trixieDir, 'download'),
  ])
    mkdirSync(d, { recursive: true });
  // Rewritten on every run so a changed mirror is picked up; the host is never stored in the repo.
  writeFileSync(join(etc, 'sources.list'), '');
  writeFileSync(
    join(etc, 'sources.list.d', 'trixie.sources'),
    [
      'Types: deb',
      `URIs: ${debianMirror()}`,
      'Suites: trixie',
      'Components: main',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
    ].join('\n'),
  );
  const opts = [
    '-q',
    '-o',
    `Dir::Etc::SourceList=${join(etc, 'sources.list')}`,
    '-o',
    `Dir::Etc::SourceParts=${join(etc, 'sources.list.d')}`,
    '-o',
    `Dir::Etc::Preferences=${join(etc, 'preferences')}`,
    '-o',
    `Dir::Etc::PreferencesParts=${join(etc, 'preferences.d')}`,
    '-o',
    `Dir::State::Lists=${lists}`,
    '-o',
    `Dir::Cache=${join(trixieDir, 'cache')}`,
    '-o',
    'Acquire::Languages=none',
    '-o',
    'APT::Get::List-Cleanup=false',
  ];
  // Running as root, apt would hand downloads to the _apt user, who cannot write in .cache.
  if (process.getuid?.() === 0) opts.push('-o', 'APT::Sandbox::User=root');
  return { opts, lists, download: join(trixieDir, 'download') };
}

function trixieFetch(pkgs) {
  const apt = trixieApt();
  const fresh = (() => {
    try {
      const p = readdirSync(apt.lists).find((f) => f.includes('_Packages'));
      return !!p && Date.now() - statSync(join(apt.lists, p)).mtimeMs < 7 * 86400e3;
    } catch {
      return false;
    }
  })();
  const update = () => must('apt-get', [...apt.opts, 'update'], { env: aptEnv });
  if (!fresh || !listsPresent(apt.lists)) update();
  for (const f of readdirSync(apt.download)) rmSync(join(apt.download, f), { force: true });
  const download = () =>
    sh('apt-get', [...apt.opts, 'download', ...pkgs], { env: aptEnv, cwd: apt.download });
  let r = download();
  if (r.status !== 0 && fresh) {
    update(); // the lists named files the mirror no longer has
    r = download();
  }
  if (r.status !== 0) {
    const tail = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`apt-get download ${pkgs.join(' ')} (trixie) failed:\n${tail}`);
  }
  mkdirSync(binDir, { recursive: true });
  for (const pkg of pkgs) {
    const deb = readdirSync(apt.download).find(
      (f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'),
    );
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb`);
    const dest = join(debsDir, pkg);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    must('dpkg', ['-x', join(apt.download, deb), dest]);
    rmSync(join(apt.download, deb), { force: true });
    const { bin, path } = TRIXIE_BINS[pkg];
    const target = join(dest, path);
    if (!executable(target)) throw new Error(`${pkg}: ${path} is missing from the package`);
    const missingLibs = sh('ldd', [target])
      .stdout?.split('\n')
      .filter((l) => l.includes('not found'))
      .map((l) => l.trim().split(/\s+/)[0]);
    if (missingLibs?.length)
      throw new Error(
        `${pkg}: ${bin} needs libraries this machine lacks: ${missingLibs.join(', ')}`,
      );
    const link = join(binDir, bin);
    if (existsSync(link) || isSymlink(link)) unlinkSync(link);
    symlinkSync(relative(binDir, target), link);
    const version = /_([^_]+)_[^_]+\.deb$/.exec(deb)?.[1] ?? '?';
    log(`fetched ${pkg} ${decodeURIComponent(version)} (trixie) -> .cache/bin/${bin}`);
  }
  if (pkgs.includes('nats-server') && !natsOk(join(binDir, 'nats-server')))
    throw new Error('the trixie nats-server does not report version >= 2.10');
}

function isSymlink(p) {
  return lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

// ---- entry points -------------------------------------------------------------

function installMissing(missing) {
  const apt = missing.filter((p) => !TRIXIE_PACKAGES.includes(p));
  const trixie = missing.filter((p) => TRIXIE_PACKAGES.includes(p));
  if (apt.length) aptInstall(apt);
  if (trixie.length) trixieFetch(trixie);
}

/**
 * Makes sure the named system packages (default: all of them) are present,
 * installing only what is missing. Synchronous; throws an Error with a short
 * reason when something cannot be installed. Returns the names it installed.
 */
export function ensureSystem(list) {
  const names = normalize(list);
  const missing = missingOf(names);
  if (!missing.length) return [];
  if (process.env.KEZ_ENSURE_SYSTEM_LOCKED === '1') {
    installMissing(missing);
  } else {
    // Several test processes may ask at once: one installs, the others wait and re-check.
    mkdirSync(cacheDir, { recursive: true });
    const r = spawnSync(
      'flock',
      ['-w', '1200', join(cacheDir, 'ensure-system.lock'), process.execPath, here, ...missing],
      {
        stdio: ['ignore', 'inherit', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, KEZ_ENSURE_SYSTEM_LOCKED: '1' },
      },
    );
    const err = r.stderr ?? '';
    const at = err.indexOf('ensure-system: error: ');
    process.stderr.write(at >= 0 ? err.slice(0, at) : err);
    if (r.status !== 0) {
      const why = at >= 0 ? err.slice(at + 'ensure-system: error: '.length).trim() : null;
      throw new Error(why ?? `ensure-system failed (exit ${r.status ?? r.signal})`);
    }
  }
  const still = missingOf(names);
  if (still.length) throw new Error(`still missing after install: ${still.join(', ')}`);
  return missing;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    ensureSystem(process.argv.slice(2));
  } catch (e) {
    log(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
