// snac2, a real ActivityPub server (with part of the Mastodon API), on
// loopback over plain HTTP, with one user created up front.
//
// Quirks worth knowing (see shared notes/test-peers.md, "snac2"):
// - The host includes the port: the account is `alice@localhost:PORT` and
//   ids are `http://localhost:PORT/alice`.
// - snac caches an actor's JSON the first time it serves it, so the profile
//   (name, bio, metadata) is written before the server starts; addUser() at
//   run time writes the new user's profile before anything asks for it.
// - Only `Accept: application/activity+json` (or ld+json) gets JSON.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { peer, type Peer } from './peer.js';
import { freePort } from './ports.js';
import {
  DEFAULT_TIMEOUT_MS,
  ManagedProcess,
  makeTempDir,
  removeTempDir,
  waitUntil,
} from './process.js';
import { cacheBinDir, ensureTools } from './tools.js';

const execFileP = promisify(execFile);

export interface SnacProfile {
  /** Display name. */
  name?: string;
  /** The bio (becomes the actor's HTML `summary`). */
  bio?: string;
  /** Profile fields (the actor's `attachment` PropertyValues, Mastodon's `fields`). */
  metadata?: Record<string, string>;
}

export interface SnacOptions extends SnacProfile {
  /** The first user's name. Default 'alice'. */
  user?: string;
  /** Host name used in ids and accounts (the port is added). Default 'localhost'. */
  hostname?: string;
  /** Notes the first user posts once the server runs. */
  notes?: string[];
  /** Readiness timeout. */
  timeoutMs?: number;
}

export interface SnacAccount {
  user: string;
  /** `alice@localhost:PORT` (WebFinger `acct:` without the scheme). */
  acct: string;
  /** `http://localhost:PORT/alice` */
  actorUrl: string;
  /** The web password snac generated. */
  password: string;
}

export interface SnacNote {
  /** The Note's id (also its URL), e.g. `http://localhost:PORT/alice/p/1795652024.207977`. */
  id: string;
}

export interface Snac extends Peer, SnacAccount {
  /** `http://localhost:PORT` */
  url: string;
  port: number;
  /** `localhost:PORT`, the host part of accounts. */
  host: string;
  dataDir: string;
  /** Posts a public note as `user` (default: the first user). */
  note(text: string, user?: string): Promise<SnacNote>;
  /** Creates another user, with its profile written before anything is served. */
  addUser(user: string, profile?: SnacProfile): Promise<SnacAccount>;
  logs(): string;
}

const snacBin = (): string => join(cacheBinDir, 'snac');

async function snac(args: string[], input?: string): Promise<string> {
  const p = execFileP(snacBin(), args, { timeout: 30_000 });
  if (input !== undefined) {
    p.child.stdin?.end(input);
  } else {
    p.child.stdin?.end();
  }
  try {
    const { stdout, stderr } = await p;
    return `${stdout}${stderr}`;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `snac ${args[0]}: ${`${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || err.message}`,
    );
  }
}

/** Starts snac httpd with one user; resolves once WebFinger answers for that user. */
export async function startSnac(opts: SnacOptions = {}): Promise<Snac> {
  await ensureTools(['snac2']);
  const dir = makeTempDir('snac');
  const data = join(dir, 'data');
  const port = await freePort();
  const host = `${opts.hostname ?? 'localhost'}:${port}`;
  const base = `http://${host}`;
  // address, port, host name, URL prefix, admin email
  await snac(['init', data], `127.0.0.1\n${port}\n${host}\n\nadmin@example.test\n`);
  const serverJson = join(data, 'server.json');
  const server = JSON.parse(readFileSync(serverJson, 'utf8')) as Record<string, unknown>;
  server.protocol = 'http'; // plain-HTTP ids on loopback
  writeFileSync(serverJson, JSON.stringify(server, null, 4));

  const addUser = async (user: string, profile: SnacProfile = {}): Promise<SnacAccount> => {
    if (!/^[A-Za-z0-9_]+$/.test(user)) throw new Error(`startSnac: bad user name '${user}'`);
    const out = await snac(['adduser', data, user]);
    const password = /password is (\S+)/.exec(out)?.[1] ?? '';
    const userJson = join(data, 'user', user, 'user.json');
    const u = JSON.parse(readFileSync(userJson, 'utf8')) as Record<string, unknown>;
    if (profile.name !== undefined) u.name = profile.name;
    if (profile.bio !== undefined) u.bio = profile.bio;
    if (profile.metadata !== undefined) u.metadata = profile.metadata;
    writeFileSync(userJson, JSON.stringify(u, null, 4));
    return { user, acct: `${user}@${host}`, actorUrl: `${base}/${user}`, password };
  };
  const first = await addUser(opts.user ?? 'alice', opts);

  const proc = new ManagedProcess(snacBin(), ['httpd', data], { name: 'snac', cwd: dir });
  const stopOnce = async (): Promise<void> => {
    // The data is thrown away: no need for snac's one-second graceful stop.
    await proc.stop('SIGKILL');
    await removeTempDir(dir);
  };
  const note = async (text: string, user = first.user): Promise<SnacNote> => {
    const publicDir = join(data, 'user', user, 'public');
    const before = new Set(readdirSync(publicDir));
    await snac(['note', data, user, text]);
    for (const f of readdirSync(publicDir)) {
      if (before.has(f) || !f.endsWith('.json')) continue;
      const obj = JSON.parse(readFileSync(join(publicDir, f), 'utf8')) as { id?: string };
      if (obj.id) return { id: obj.id };
    }
    throw new Error(`snac note: found no new note in ${publicDir}`);
  };
  try {
    await proc.waitForOutput(/httpd start/, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    await waitUntil(
      'snac WebFinger',
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      async () => {
        const r = await fetch(
          `http://127.0.0.1:${port}/.well-known/webfinger?resource=acct:${first.acct}`,
        );
        return r.ok ? true : undefined;
      },
      proc,
    );
    for (const text of opts.notes ?? []) await note(text);
  } catch (e) {
    await stopOnce();
    throw e;
  }
  return peer(
    {
      ...first,
      url: base,
      port,
      host,
      dataDir: data,
      note,
      addUser,
      logs: () => proc.output(),
    },
    stopOnce,
  );
}
