// Knot DNS, a real authoritative server, serving one zone on 127.0.0.1 (UDP and
// TCP). Records can be changed while it runs (knotc transactions); the zone
// file is never rewritten (zonefile-sync: -1).
import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
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
import { ensureTools } from './tools.js';

const execFileP = promisify(execFile);

export interface KnotOptions {
  /** The zone file's text (master-file format; `$ORIGIN` optional). */
  zone: string;
  /** The zone's apex, e.g. 'example.test'. */
  origin: string;
  /** Readiness timeout. */
  timeoutMs?: number;
}

/** One TXT record: a string (split into 255-byte character-strings) or the character-strings themselves. */
export type TxtValue = string | readonly string[];

export interface Knot extends Peer {
  host: '127.0.0.1';
  port: number;
  /** `127.0.0.1:PORT`, the form node:dns `Resolver.setServers()` takes. */
  server: string;
  /** The zone apex, lower case, without the trailing dot. */
  origin: string;
  /**
   * Replaces every TXT record at `name` with `values` (one record each).
   * `name` is relative to the origin ('_kez', '@') or absolute ('_kez.example.test').
   */
  setTxt(name: string, values: readonly TxtValue[], ttl?: number): Promise<void>;
  /** Replaces every record of `type` at `name` with the given rdata texts (e.g. '127.0.0.1'). */
  setRecords(name: string, type: string, rdata: readonly string[], ttl?: number): Promise<void>;
  /** Removes every record of `type` at `name`; a no-op when there is none. */
  removeRecord(name: string, type: string): Promise<void>;
  /** What knotd printed so far. */
  logs(): string;
}

const enc = new TextEncoder();

/** One character-string in zone-file syntax: quoted, with `\"`, `\\` and `\DDD` escapes. */
function quote(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) s += `\\${String(b).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return `${s}"`;
}

/** A TXT record's rdata: a string is split into 255-byte pieces, an array is taken as its pieces. */
export function txtRdata(value: TxtValue): string {
  if (typeof value === 'string') {
    const bytes = enc.encode(value);
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 255) parts.push(quote(bytes.subarray(i, i + 255)));
    return parts.length ? parts.join(' ') : '""';
  }
  return value
    .map((piece) => {
      const bytes = enc.encode(piece);
      if (bytes.length > 255) throw new Error(`TXT character-string longer than 255 bytes`);
      return quote(bytes);
    })
    .join(' ');
}

function normalizeOrigin(origin: string): string {
  const o = origin.trim().toLowerCase().replace(/\.$/, '');
  if (!o || !/^[a-z0-9_.-]+$/.test(o)) throw new Error(`startKnot: bad origin '${origin}'`);
  return o;
}

/** Starts knotd with the zone; resolves once it answers the zone's SOA. */
export async function startKnot(opts: KnotOptions): Promise<Knot> {
  await ensureTools(['knot']);
  const origin = normalizeOrigin(opts.origin);
  const dir = makeTempDir('knot');
  for (const d of ['zones', 'run', 'storage']) mkdirSync(join(dir, d));
  const port = await freePort({ udp: true });
  const socket = join(dir, 'run', 'knot.sock');
  const zoneText = /^\$ORIGIN/im.test(opts.zone) ? opts.zone : `$ORIGIN ${origin}.\n${opts.zone}`;
  writeFileSync(
    join(dir, 'zones', `${origin}.zone`),
    zoneText.endsWith('\n') ? zoneText : `${zoneText}\n`,
  );
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    `server:
    rundir: "${dir}/run"
    listen: 127.0.0.1@${port}
control:
    listen: "${socket}"
database:
    storage: "${dir}/storage"
log:
  - target: stdout
    any: info
template:
  - id: default
    storage: "${dir}/zones"
    file: "%s.zone"
    semantic-checks: on
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: ${origin}
`,
  );

  const proc = new ManagedProcess('/usr/sbin/knotd', ['-c', conf], { name: 'knotd', cwd: dir });
  const stopOnce = async (): Promise<void> => {
    await proc.stop('SIGTERM', 3000);
    await removeTempDir(dir);
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const resolver = new Resolver({ timeout: 300, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    await waitUntil(
      'knotd answering SOA',
      timeoutMs,
      async () => {
        const soa = await resolver.resolveSoa(origin);
        return soa ? true : undefined;
      },
      proc,
    );
  } catch (e) {
    await stopOnce();
    throw e;
  }

  const knotc = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await execFileP('/usr/sbin/knotc', ['-s', socket, '-t', '10', ...args]);
      return stdout;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      const out = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
      throw new Error(`knotc ${args.join(' ')}: ${out || err.message}`);
    }
  };
  const owner = (name: string): string => {
    const n = name.trim().toLowerCase();
    if (n === '@' || n === '' || n === `${origin}.` || n === origin) return `${origin}.`;
    if (n.endsWith('.')) return n;
    if (n.endsWith(`.${origin}`)) return `${n}.`;
    return `${n}.${origin}.`;
  };
  // knotd handles one transaction per zone at a time: serialize ours.
  let queue: Promise<unknown> = Promise.resolve();
  const transaction = (edit: () => Promise<void>): Promise<void> => {
    const run = async (): Promise<void> => {
      await knotc('zone-begin', origin);
      try {
        await edit();
        await knotc('zone-commit', origin);
      } catch (e) {
        await knotc('zone-abort', origin).catch(() => undefined);
        throw e;
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  const unset = async (name: string, type: string): Promise<void> => {
    try {
      await knotc('zone-unset', origin, owner(name), type.toUpperCase());
    } catch (e) {
      if (!/no such|not exist|nothing/i.test((e as Error).message)) throw e;
    }
  };
  const setRecords = (name: string, type: string, rdata: readonly string[], ttl = 60) =>
    transaction(async () => {
      await unset(name, type);
      for (const r of rdata)
        await knotc('zone-set', origin, owner(name), String(ttl), type.toUpperCase(), r);
    });

  return peer(
    {
      host: '127.0.0.1' as const,
      port,
      server: `127.0.0.1:${port}`,
      origin,
      setTxt: (name: string, values: readonly TxtValue[], ttl?: number) =>
        setRecords(name, 'TXT', values.map(txtRdata), ttl),
      setRecords,
      removeRecord: (name: string, type: string) => transaction(() => unset(name, type)),
      logs: () => proc.output(),
    },
    stopOnce,
  );
}
