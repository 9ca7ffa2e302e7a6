/**
 * Every status of SPEC §9.5, end to end through the BUILT `kez verify id`
 * against real local peers: proofs in a real Knot (DNS), sigchains on a real
 * sig-server (SQLite, in this process) and behind a `_kez-chain` DNS pointer
 * (a second source). valid (exit 0) — with a chain and without one —,
 * invalid (bad signature, not found; exit 1), expired (KEZ_NOW past
 * expires_at; exit 1), revoked (in the chain, seen through a fresh cache
 * entry; exit 1), fork (evidence kept by the sig-server, and a sibling
 * served by another source; exit 1), unreachable (the chain's server
 * stopped → chain_unavailable, the DNS peer stopped → dns_error; exit 3).
 * Then `kez verify key` (tree and JSON) and assertion expressions a+b.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createEvent,
  encodeClaim,
  exportBundle,
  fromHex,
  parseBundle,
  randomBytes,
  toHex,
} from '@kez/core';
import type { ChainEvent, Claim } from '@kez/core';
import { startSigServer } from '@kez/sig-server';
import type { SigServer } from '@kez/sig-server';
import { startKnot, startNostrRelay, txtRdata } from '@kez/testkit';
import type { Knot, NostrRelay } from '@kez/testkit';
import { runCli } from '../src/cli.js';
import type { Io } from '../src/deps.js';
import { json, kez, tempHome } from './run-kez.js';

const NOW = 1_764_000_000;
const ORIGIN = 'example.test';
const { home, cleanup } = tempHome();
const dataDir = mkdtempSync(join(tmpdir(), 'kez-e2e-sig-'));
let knot: Knot;
let sig: SigServer;
let relay: NostrRelay;
let stoppedSig = '';
let pointer: ReturnType<typeof createServer>;
let pointerUrl = '';
/** What the `_kez-chain` pointer URL serves. */
let pointerBody = '';
const chains: Record<string, string> = {};
const claims: Record<string, { id: string; claim: Claim; file: string }> = {};

/** Setup steps in-process (fast); every verification below runs the built binary. */
async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { isTTY: false, write: (x: string) => (stdout += x) },
    stderr: { isTTY: false, write: (x: string) => (stderr += x) },
    stdin: process.stdin,
  } as unknown as Io;
  const code = await runCli(args, io, {
    KEZ_HOME: home,
    KEZ_NOW: String(NOW),
    KEZ_SCRYPT_LOG_N: '10',
    ...env,
  });
  assert.equal(code, 0, `kez ${args.join(' ')} → ${code}\n${stdout}${stderr}`);
  return stdout;
}

const peers = () => ['--dns-server', knot.server, '--sig-server', sig.url, '--allow-private'];

/** `kez verify id` through the built CLI, --json. */
async function verify(identity: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await kez(['verify', 'id', identity, '--json', ...peers(), ...extra], {
    home,
    env: { KEZ_NOW: String(NOW), ...env },
  });
  return { code: r.code, out: json(r) };
}

async function makeClaim(label: string, key: string, extra: string[] = []) {
  const out = JSON.parse(
    await cli(['claim', 'create', `dns:${label}.${ORIGIN}`, '--key', key, '--json', ...extra]),
  ) as { id: string; claim: Claim; encoded: string };
  const file = join(home, `${label}.claim`);
  writeFileSync(file, out.encoded);
  claims[label] = { id: out.id, claim: out.claim, file };
  return out;
}

function secretOf(name: string): Uint8Array {
  const k = JSON.parse(readFileSync(join(home, 'keys', `${name}.json`), 'utf8')) as {
    secret: string;
  };
  return fromHex(k.secret, 32, 'secret');
}

/** A second event at the head's seq of `key`'s local chain: a fork sibling, made behind its back. */
async function sibling(key: string): Promise<ChainEvent[]> {
  const bundle = await cli(['sigchain', 'export', '--key', key]);
  const events = parseBundle(bundle) as unknown as ChainEvent[];
  const head = events.at(-1)!;
  const prev = events.find((e) => e.seq === head.seq - 1)!;
  const other = await createEvent(
    prev,
    { op: 'revoke', target: toHex(randomBytes(32)) },
    secretOf(key),
    'ed25519',
    NOW,
  );
  return [...events.filter((e) => e.seq < head.seq), other];
}

before(async () => {
  for (const name of ['main', 'loner', 'forky', 'forky2'])
    await cli(['key', 'generate', '--alg', 'ed25519', '--name', name]);
  for (const label of ['valid', 'a', 'b']) await makeClaim(label, 'main');
  await makeClaim('expired', 'main', ['--expires', '1h']);
  await makeClaim('loner', 'loner');
  await makeClaim('fork', 'forky');
  await makeClaim('fork2', 'forky2');
  const forged = await makeClaim('forged', 'main');
  // One hex digit of the signature changed: still well-formed, no longer signed.
  const good = forged.claim.sig;
  const bad: Claim = { ...forged.claim, sig: good.slice(0, -1) + (good.endsWith('0') ? '1' : '0') };

  // Chains: main (valid, a, b) and forky/forky2 (one claim, then one revoke each).
  for (const label of ['valid', 'a', 'b', 'fork', 'fork2']) {
    const key = label.startsWith('fork') ? (label === 'fork' ? 'forky' : 'forky2') : 'main';
    const add = JSON.parse(
      await cli(['sigchain', 'add', claims[label]!.file, '--key', key, '--json']),
    ) as { chain: string };
    chains[key] = add.chain;
  }
  for (const key of ['forky', 'forky2'])
    await cli(['sigchain', 'revoke', toHex(randomBytes(32)), '--key', key]);

  [sig, relay, pointer] = await Promise.all([
    startSigServer({ env: {}, config: { port: 0, dataDir, logLevel: 'silent', rateLimit: null } }),
    startNostrRelay({ inMemory: true }),
    (async () => {
      const s = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/jsonl' }).end(pointerBody);
      });
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return s;
    })(),
  ]);
  pointerUrl = `http://127.0.0.1:${(pointer.address() as AddressInfo).port}/kez-sigchain.jsonl`;
  // A sig-server that was there and is gone: its port answers nothing.
  const gone = await startSigServer({
    env: {},
    config: { port: 0, dataDir: join(dataDir, 'gone'), logLevel: 'silent', rateLimit: null },
  });
  stoppedSig = gone.url;
  await gone.close();

  for (const key of ['main', 'forky', 'forky2'])
    await cli(['sigchain', 'publish', '--key', key, '--server', sig.url, '--allow-private']);
  // fork: the server keeps a different seq-2 event as evidence (409, on_conflict=evidence).
  const res = await fetch(`${sig.url}/v1/chains/${encodeURIComponent(chains.forky!)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/jsonl' },
    body: exportBundle((await sibling('forky')).slice(-1)),
  });
  assert.equal(res.status, 409, await res.text());
  // fork2: the sig-server has one line; the sibling is only behind the DNS pointer.
  pointerBody = exportBundle(await sibling('forky2'));

  const txt = (name: string, value: string) => `${name} TXT ${txtRdata(value)}`;
  const records = await Promise.all(
    ['valid', 'a', 'b', 'expired', 'loner', 'fork', 'fork2'].map(async (l) =>
      txt(`_kez.${l}`, await encodeClaim(claims[l]!.claim, 'compact')),
    ),
  );
  records.push(txt('_kez.forged', await encodeClaim(bad, 'compact')));
  records.push(txt('_kez-chain.fork2', `url=${pointerUrl}`));
  knot = await startKnot({
    origin: ORIGIN,
    zone: `@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n${records.join('\n')}\n`,
  });
});

after(async () => {
  await Promise.all([
    knot?.stop(),
    sig?.close(),
    relay?.stop(),
    new Promise((r) => (pointer ? pointer.close(r) : r(undefined))),
  ]);
  cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kez verify id: all statuses against local peers', () => {
  test('valid (exit 0): proof in Knot, claim listed in the chain on the sig-server', async () => {
    const { code, out } = await verify(`dns:valid.${ORIGIN}`);
    assert.equal(code, 0, JSON.stringify(out));
    assert.equal(out.status, 'valid');
    assert.equal(out.reason, 'ok');
    assert.equal(out.chain, 'present');
    assert.match(String(out.chain_source), /^sig-server http:\/\/127\.0\.0\.1:\d+\/v1\/chains\//);
    assert.equal(out.claim_id, claims.valid!.id);
    assert.equal(out.cache, 'miss');
  });

  test('valid with chain: none (exit 0): no source has a chain for the key', async () => {
    const { code, out } = await verify(`dns:loner.${ORIGIN}`);
    assert.equal(code, 0, JSON.stringify(out));
    assert.equal(out.status, 'valid');
    assert.equal(out.reason, 'ok');
    assert.equal(out.chain, 'none');
  });

  test('invalid (exit 1): a bad signature, and no proof at all', async () => {
    const forged = await verify(`dns:forged.${ORIGIN}`);
    assert.equal(forged.code, 1);
    assert.equal(forged.out.status, 'invalid');
    assert.equal(forged.out.reason, 'bad_signature');
    const missing = await verify(`dns:nothing.${ORIGIN}`);
    assert.equal(missing.code, 1);
    assert.equal(missing.out.status, 'invalid');
    assert.equal(missing.out.reason, 'not_found');
    assert.match(String(missing.out.detail), /no TXT record at _kez\.nothing\.example\.test/);
  });

  test('expired (exit 1): KEZ_NOW two hours after a claim made with --expires 1h', async () => {
    const { code, out } = await verify(`dns:expired.${ORIGIN}`, [], {
      KEZ_NOW: String(NOW + 7200),
    });
    assert.equal(code, 1, JSON.stringify(out));
    assert.equal(out.status, 'expired');
    assert.equal(out.reason, 'expired');
  });

  test('revoked (exit 1): revoked in the chain; the fresh cached valid is judged by the chain again', async () => {
    await cli(['sigchain', 'revoke', claims.valid!.id, '--reason', 'moved', '--key', 'main']);
    await cli(['sigchain', 'publish', '--key', 'main', '--server', sig.url, '--allow-private']);
    const { code, out } = await verify(`dns:valid.${ORIGIN}`);
    assert.equal(code, 1, JSON.stringify(out));
    assert.equal(out.status, 'revoked');
    assert.equal(out.reason, 'revoked');
    assert.match(String(out.detail), /revoked at seq 4 \(moved\)/);
    assert.equal(out.cache, 'fresh');
  });

  test('fork (exit 1): two events at seq 2, the second kept by the sig-server as evidence', async () => {
    const { code, out } = await verify(`dns:fork.${ORIGIN}`);
    assert.equal(code, 1, JSON.stringify(out));
    assert.equal(out.status, 'fork');
    assert.equal(out.reason, 'fork');
    assert.match(String(out.detail), /2 events at seq 2/);
  });

  test('fork (exit 1): the sig-server serves one line, a _kez-chain pointer the sibling — merged', async () => {
    const { code, out } = await verify(`dns:fork2.${ORIGIN}`);
    assert.equal(code, 1, JSON.stringify(out));
    assert.equal(out.status, 'fork');
    assert.equal(out.reason, 'fork');
    assert.match(String(out.chain_source), /sig-server .* \+ dns http:\/\/127\.0\.0\.1:\d+\//);
  });

  test('unreachable (exit 3): the sig-server holding the chain is stopped → chain_unavailable', async () => {
    const r = await kez(
      ['verify', 'id', `dns:a.${ORIGIN}`, '--json', '--dns-server', knot.server],
      { home, env: { KEZ_NOW: String(NOW), KEZ_SIG_SERVERS: stoppedSig, KEZ_ALLOW_PRIVATE: '1' } },
    );
    const out = json(r);
    assert.equal(r.code, 3, JSON.stringify(out));
    assert.equal(out.status, 'unreachable');
    assert.equal(out.reason, 'chain_unavailable');
    assert.equal(out.chain, 'unavailable');
    assert.match(String(out.detail), /could not be fetched: sig-server .*network_error/);
  });
});

describe('kez verify id a+b: one key must prove every part', () => {
  test('two identities of one key → valid (exit 0), naming the key', async () => {
    const r = await kez(['verify', 'id', `dns:a.${ORIGIN}+dns:b.${ORIGIN}`, '--json', ...peers()], {
      home,
      env: { KEZ_NOW: String(NOW) },
    });
    const out = json(r);
    assert.equal(r.code, 0, JSON.stringify(out));
    assert.equal(out.status, 'valid');
    assert.equal(out.key, chains.main);
    const parts = out.parts as { identity: string; status: string }[];
    assert.deepEqual(
      parts.map((p) => [p.identity, p.status]),
      [
        [`dns:a.${ORIGIN}`, 'valid'],
        [`dns:b.${ORIGIN}`, 'valid'],
      ],
    );
  });

  test('different keys → invalid/key_mismatch (exit 1); a failing part decides the exit, human output lists each part', async () => {
    const mixed = await verify(`dns:a.${ORIGIN}+dns:loner.${ORIGIN}`);
    assert.equal(mixed.code, 1);
    assert.equal(mixed.out.status, 'invalid');
    assert.equal(mixed.out.reason, 'key_mismatch');
    assert.match(String(mixed.out.detail), /different keys/);
    const r = await kez(['verify', 'id', `dns:a.${ORIGIN}+dns:nothing.${ORIGIN}`, ...peers()], {
      home,
      env: { KEZ_NOW: String(NOW) },
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✓ dns:a\.example\.test {2}valid \(ok\)/);
    assert.match(r.stdout, /✗ dns:nothing\.example\.test {2}invalid \(not_found\)/);
    assert.match(
      r.stdout,
      /✗ dns:a\.example\.test\+dns:nothing\.example\.test {2}invalid \(not_found\)/,
    );
  });
});

describe('kez verify key', () => {
  test('the graph of a key: tree for people, JSON for machines; revoked claims reported without a fetch', async () => {
    const flags = [...peers(), '--no-cache'];
    const env = { KEZ_NOW: String(NOW) };
    const t = await kez(['verify', 'key', 'main', ...flags], { home, env });
    assert.equal(t.code, 0, t.stdout + t.stderr);
    const lines = t.stdout.split('\n');
    assert.equal(lines[0], `${chains.main}`);
    assert.match(t.stdout, new RegExp(`├─ sigchain ${chains.main} {2}seq 4 · complete`));
    assert.match(
      t.stdout,
      /│ {2}└─ from sig-server http:\/\/127\.0\.0\.1:\d+\/v1\/chains\/.* \(4 events\)/,
    );
    assert.match(t.stdout, /\(4 events\); 3 more without a chain$/m);
    assert.match(t.stdout, /└─ identities \(3\)/);
    assert.match(t.stdout, / {3}├─ ✓ dns:a\.example\.test {2}valid \(ok\)/);
    assert.match(t.stdout, / {3}├─ ✓ dns:b\.example\.test {2}valid \(ok\)/);
    assert.match(t.stdout, / {3}└─ ✗ dns:valid\.example\.test {2}revoked \(revoked\)/);
    assert.match(t.stdout, /revoked at seq 4 \(moved\); not fetched/);
    assert.match(t.stdout, /✓ valid \(ok\) {2}2 valid, 1 revoked$/m);

    const j = await kez(['verify', 'key', chains.main!, '--json', ...flags], { home, env });
    assert.equal(j.code, 0, j.stderr);
    const g = json(j);
    assert.equal(g.key, chains.main);
    assert.equal(g.chain, 'present');
    const c = (g.chains as { chain: string; end: { kind: string }; head: { seq: number } }[])[0]!;
    assert.deepEqual([c.chain, c.end.kind, c.head.seq], [chains.main, 'complete', 4]);
    const ids = g.identities as {
      identity: string;
      status: string;
      reason: string;
      from: string;
    }[];
    assert.deepEqual(
      ids.map((i) => [i.identity, i.status, i.reason, i.from]),
      [
        [`dns:a.${ORIGIN}`, 'valid', 'ok', 'chain'],
        [`dns:b.${ORIGIN}`, 'valid', 'ok', 'chain'],
        [`dns:valid.${ORIGIN}`, 'revoked', 'revoked', 'chain'],
      ],
    );
  });

  test('a forked key: exit 1; a key with no chain and a named identity: that identity is the graph', async () => {
    const env = { KEZ_NOW: String(NOW) };
    const f = await kez(['verify', 'key', 'forky', '--json', ...peers()], { home, env });
    assert.equal(f.code, 1, f.stdout);
    const fj = json(f);
    assert.equal(fj.status, 'fork');
    assert.deepEqual((fj.chains as { end: unknown }[])[0]!.end, { kind: 'fork', seq: 2 });
    const l = await kez(['verify', 'key', 'loner', `dns:loner.${ORIGIN}`, '--json', ...peers()], {
      home,
      env,
    });
    assert.equal(l.code, 0, l.stdout);
    const lj = json(l);
    assert.equal(lj.chain, 'none');
    assert.deepEqual(
      (lj.identities as { identity: string; status: string; from: string }[]).map((i) => [
        i.identity,
        i.status,
        i.from,
      ]),
      [[`dns:loner.${ORIGIN}`, 'valid', 'named']],
    );
  });
});

describe('a nostr key: the chain as a kez-sigchain event on relays', () => {
  test('kez sigchain publish --nostr; verify id finds the chain on the relay: valid, then revoked (exit 1)', async () => {
    const g = JSON.parse(
      await cli(['key', 'generate', '--alg', 'nostr', '--name', 'nos', '--json']),
    ) as { npub: string };
    const id = `nostr:${g.npub}`;
    const relayFlags = ['--relay', relay.url, '--allow-private'];
    const pub = JSON.parse(await cli(['publish', id, '--key', 'nos', '--json', ...relayFlags])) as {
      claim_id: string;
    };
    // The chain starts with another claim of the key; the proof's claim need not be listed.
    await makeClaim('nos', 'nos');
    await cli(['sigchain', 'add', claims.nos!.file, '--key', 'nos']);
    const p = JSON.parse(
      await cli(['sigchain', 'publish', '--key', 'nos', '--nostr', '--json', ...relayFlags]),
    ) as { servers: unknown[]; targets: { target: string; ok: boolean }[] };
    assert.deepEqual(p.servers, []);
    assert.deepEqual(
      p.targets.map((t) => [t.target, t.ok]),
      [[relay.url, true]],
    );
    const env = { KEZ_NOW: String(NOW) };
    const v = await kez(['verify', 'id', id, '--json', ...relayFlags], { home, env });
    const ok = json(v);
    assert.equal(v.code, 0, JSON.stringify(ok));
    assert.deepEqual([ok.status, ok.reason, ok.chain], ['valid', 'ok', 'present']);
    assert.match(String(ok.chain_source), /^nostr ws:\/\/127\.0\.0\.1:\d+ event [0-9a-f]{64}$/);

    await cli(['sigchain', 'revoke', pub.claim_id, '--key', 'nos']);
    await cli(['sigchain', 'publish', '--key', 'nos', '--nostr', ...relayFlags]);
    // @nostr-relay/core answers a repeated filter from a 1 s cache.
    await new Promise((r) => setTimeout(r, 1100));
    const r = await kez(['verify', 'id', id, '--json', ...relayFlags], { home, env });
    const out = json(r);
    assert.equal(r.code, 1, JSON.stringify(out));
    assert.deepEqual([out.status, out.reason, out.cache], ['revoked', 'revoked', 'fresh']);
  });
});

describe('kez verify id: the proof peer stopped', () => {
  test('unreachable (exit 3): Knot stopped → dns_error, never valid (even with a fresh cached valid: --no-cache)', async () => {
    await knot.stop();
    const { code, out } = await verify(`dns:b.${ORIGIN}`, ['--no-cache']);
    assert.equal(code, 3, JSON.stringify(out));
    assert.equal(out.status, 'unreachable');
    assert.equal(out.reason, 'dns_error');
    assert.match(
      String(out.detail),
      /DNS lookup of _kez\.b\.example\.test failed \(ECONNREFUSED\)/,
    );
  });
});
