/**
 * `kez` checks a sig-server's transparency log (RFC 6962 hashing, C2SP
 * checkpoints): the signed head verifies under the server's Ed25519 key,
 * that key is the one seen before (pinned per server on first use, in
 * $KEZ_HOME/sig-servers/), the new head is consistent with the last one seen
 * (RFC 9162 §2.1.4.2: the server did not rewrite or fork its history), and
 * each event read or written is included (§2.1.3.2). Written apart from the
 * server's code on purpose: the verifier does not share the prover's bugs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize, fromHex, getSuite, parseJson, parseKeyRef } from '@kez/core';
import type { GuardedFetch } from '@kez/channels';
import type { Deps } from '../../deps.js';
import { writeFileAtomic } from '../../files.js';

export interface LogCheck {
  /** verified: every check passed; absent: the server has no log; failed: a check failed or the log could not be read. */
  status: 'verified' | 'absent' | 'failed';
  origin?: string;
  size?: number;
  /** Leaves whose inclusion was proven. */
  included?: number;
  error?: string;
  message?: string;
}

interface Head {
  origin: string;
  key: string;
  size: number;
  root: string;
  checkpoint: string;
}

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const node = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const unhex = (h: unknown) => fromHex(String(h), 32, 'hash');
const half = (n: number) => Math.floor(n / 2);

/** RFC 6962 leaf hash of an event: SHA-256(0x00 ‖ JCS(event)). */
export function eventLeafHash(event: object): Uint8Array {
  return sha(Uint8Array.of(0), new TextEncoder().encode(canonicalize(event)));
}

/** RFC 9162 §2.1.3.2. */
export function inclusionOk(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else r = node(r, p);
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && eq(r, root);
}

/** RFC 9162 §2.1.4.2. */
export function consistencyOk(
  m: number,
  n: number,
  proof: Uint8Array[],
  r1: Uint8Array,
  r2: Uint8Array,
): boolean {
  if (!(m >= 0 && m <= n)) return false;
  if (m === n) return proof.length === 0 && eq(r1, r2);
  if (m === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [r1, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else sr = node(sr, c);
    [fn, sn] = [half(fn), half(sn)];
  }
  return eq(fr, r1) && eq(sr, r2) && sn === 0;
}

/** The C2SP signed note of a head verifies under its key, and says what the JSON says. */
async function noteOk(h: Head): Promise<string | null> {
  const key = parseKeyRef(h.key);
  if (key.suite !== 'ed25519') return `log key ${h.key} is not an ed25519 key`;
  const root = unhex(h.root);
  const body = `${h.origin}\n${h.size}\n${Buffer.from(root).toString('base64')}\n`;
  if (!h.checkpoint.startsWith(body + '\n')) return 'the checkpoint does not match the head';
  const sigLines = h.checkpoint
    .slice(body.length + 1)
    .split('\n')
    .filter(Boolean);
  const id = sha(
    new TextEncoder().encode(h.origin + '\n'),
    Uint8Array.of(1),
    key.publicKey,
  ).subarray(0, 4);
  for (const line of sigLines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== h.origin) continue;
    const blob = new Uint8Array(Buffer.from(m[2]!, 'base64'));
    if (blob.length !== 68 || !eq(blob.subarray(0, 4), id)) continue;
    if (
      await getSuite('ed25519').verify(
        blob.subarray(4),
        new TextEncoder().encode(body),
        key.publicKey,
      )
    )
      return null;
  }
  return 'the checkpoint signature does not verify under the log key';
}

function stateFile(home: string, server: string): string {
  const tag = createHash('sha256').update(server).digest('hex').slice(0, 16);
  return join(home, 'sig-servers', `${tag}.json`);
}

function readSeen(home: string, server: string): Head | null {
  try {
    return parseJson(readFileSync(stateFile(home, server), 'utf8')) as unknown as Head;
  } catch {
    return null;
  }
}

async function getJson(
  fetch: GuardedFetch,
  url: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: res.status, body: res.status === 200 ? res.json() : null };
}

/**
 * Check `server`'s log and that each `{leaf, event}` is in it; on success remember the head.
 * @example await checkLog(client.fetch, deps, server, [{ leaf: 7, event }])
 */
export async function checkLog(
  fetch: GuardedFetch,
  deps: Deps,
  server: string,
  leaves: readonly { leaf: number; event: object }[],
): Promise<LogCheck> {
  const failed = (error: string, message: string, h?: Head): LogCheck => ({
    status: 'failed',
    error,
    message,
    ...(h ? { origin: h.origin, size: h.size } : {}),
  });
  try {
    const got = await getJson(fetch, `${server}/v1/log`);
    if (got.status === 404) return { status: 'absent' };
    if (got.status !== 200) return failed('http_error', `GET /v1/log answered ${got.status}`);
    const h = got.body as Head;
    if (
      typeof h.origin !== 'string' ||
      !Number.isSafeInteger(h.size) ||
      typeof h.checkpoint !== 'string'
    )
      return failed('bad_response', 'GET /v1/log is not a log head');
    const bad = await noteOk(h);
    if (bad) return failed('bad_signature', bad, h);
    const seen = readSeen(deps.env.home, server);
    if (seen) {
      if (seen.key !== h.key)
        return failed('key_mismatch', `the log key changed from ${seen.key} to ${h.key}`, h);
      if (seen.size > h.size)
        return failed('bad_response', `the log shrank from ${seen.size} to ${h.size} leaves`, h);
      if (seen.size < h.size && seen.size > 0) {
        const c = await getJson(
          fetch,
          `${server}/v1/log/proof/consistency?from=${seen.size}&to=${h.size}`,
        );
        const proof = ((c.body as { proof?: unknown[] } | null)?.proof ?? []).map(unhex);
        if (
          c.status !== 200 ||
          !consistencyOk(seen.size, h.size, proof, unhex(seen.root), unhex(h.root))
        )
          return failed(
            'bad_response',
            `the log at ${h.size} leaves is not an extension of the log at ${seen.size} seen before: it rewrote its history`,
            h,
          );
      } else if (seen.size === h.size && seen.root !== h.root)
        return failed(
          'bad_response',
          `two different logs of ${h.size} leaves: the server equivocates`,
          h,
        );
    }
    let included = 0;
    for (const { leaf, event } of leaves) {
      const p = await getJson(
        fetch,
        `${server}/v1/log/proof/inclusion?leaf=${leaf}&size=${h.size}`,
      );
      const proof = ((p.body as { proof?: unknown[] } | null)?.proof ?? []).map(unhex);
      if (
        p.status !== 200 ||
        !inclusionOk(leaf, h.size, eventLeafHash(event), proof, unhex(h.root))
      )
        return failed(
          'bad_response',
          `event at leaf ${leaf} is not in the log the server signed`,
          h,
        );
      included++;
    }
    mkdirSync(join(deps.env.home, 'sig-servers'), { recursive: true, mode: 0o700 });
    writeFileAtomic(stateFile(deps.env.home, server), JSON.stringify({ server, ...h }) + '\n');
    return { status: 'verified', origin: h.origin, size: h.size, included };
  } catch (e) {
    return failed((e as { code?: string }).code ?? 'bad_response', (e as Error).message);
  }
}
