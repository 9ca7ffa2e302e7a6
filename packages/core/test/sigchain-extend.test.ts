/**
 * extendChain against validateChain: for every vector and for random chains
 * (rotates, devices, forks, gaps, bad signatures, duplicates, junk), every
 * split of the candidates gives exactly the state of processing them all at
 * once, and only the new candidates' signatures are checked.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  claimId,
  eventId,
  extendChain,
  parseJson,
  signingDigest,
  toHex,
  validateChain,
} from '@kez/core';
import type { ChainEvent, ChainState, Claim } from '@kez/core';
import { countVerifies, fastClaim, fastEvent, fastKey, seed } from '@kez/testkit';
import type { FastKey, OpBody } from '@kez/testkit';
import { vectorsDir } from './_util.js';

const T0 = 1764000000;

/** Split `events` at `cuts` (sorted indexes), validate the first piece, extend with the others. */
async function inPieces(events: unknown[], cuts: number[], now: number, chain: string) {
  const bounds = [0, ...cuts, events.length];
  let state = await validateChain(events.slice(0, bounds[1]), { now, chain });
  for (let i = 1; i + 1 < bounds.length; i++)
    state = await extendChain(state, events.slice(bounds[i], bounds[i + 1]), { now });
  return state;
}

/** Every split in two, and (`threes`) every split in three, against the whole. */
async function checkAllSplits(
  events: unknown[],
  now: number,
  chain: string,
  label: string,
  threes: boolean,
) {
  const whole = await validateChain(events, { now, chain });
  for (let k = 0; k <= events.length; k++)
    assert.deepEqual(await inPieces(events, [k], now, chain), whole, `${label}: split at ${k}`);
  if (threes)
    for (let a = 1; a < events.length; a++)
      for (let b = a; b < events.length; b++)
        assert.deepEqual(
          await inPieces(events, [a, b], now, chain),
          whole,
          `${label}: split at ${a}, ${b}`,
        );
  return whole;
}

describe('extendChain = validateChain of the whole (test-vectors/sigchain)', () => {
  const dir = join(vectorsDir, 'sigchain');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const c = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      now: number;
      chain: string;
      events: string[];
    };
    test(file, async () => {
      const events = c.events.map((l) => parseJson(l));
      await checkAllSplits(events, c.now, c.chain, file, true);
    });
  }
});

// ---- random chains -------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so a failing case can be replayed by its number. */
function rng(n: number) {
  let a = n >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOL = Array.from({ length: 24 }, (_, i) => fastKey(seed(9, i)));

function signed(e: Record<string, unknown>, k: FastKey): ChainEvent {
  e.sig = k.sign(signingDigest('event', e));
  return e as unknown as ChainEvent;
}

function rotateEvent(prev: ChainEvent, k: FastKey, next: FastKey, at: number): ChainEvent {
  const e: Record<string, unknown> = {
    kez: '0.2',
    type: 'event',
    chain: prev.chain,
    seq: prev.seq + 1,
    prev: eventId(prev),
    created_at: at,
    signer: k.ref,
    op: 'rotate',
    new_key: next.ref,
  };
  e.countersig = next.sign(signingDigest('rotate-countersign', e, ['sig', 'countersig']));
  return signed(e, k);
}

function deviceClaim(d: FastKey, primary: string, subject: string, at: number): Claim {
  const c: Record<string, unknown> = {
    kez: '0.2',
    type: 'claim',
    subject,
    key: d.ref,
    created_at: at,
    primary,
  };
  c.sig = d.sign(signingDigest('claim', c));
  return c as unknown as Claim;
}

interface Scenario {
  chain: string;
  now: number;
  events: unknown[];
}

/**
 * A chain of `n` events with random ops by the primary key and live devices,
 * then noise: fork siblings, tampered signatures, duplicates, strangers,
 * a missing event, a future event, another chain's event, junk values;
 * shuffled a little.
 */
function scenario(n: number, r: () => number): Scenario {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let fresh = 1;
  const genesis = POOL[0]!;
  let primary = genesis;
  const old: FastKey[] = [];
  const devices: { key: FastKey; expires?: number }[] = [];
  const claims: string[] = [];
  const line: ChainEvent[] = [];
  let at = T0;
  const keyAt: FastKey[] = []; // who may sign at each seq (for fork siblings)
  for (let i = 0; i < n; i++) {
    const prev = line.at(-1) ?? null;
    at += Math.floor(r() * 3); // sometimes the same second
    const live = devices.filter((d) => d.expires === undefined || at < d.expires);
    const op =
      i === 0
        ? 'add'
        : pick([
            'add',
            'add',
            'revoke',
            'add_device',
            'revoke_device',
            'rotate',
            'device',
          ] as const);
    keyAt.push(primary);
    let e: ChainEvent;
    if (op === 'rotate' && fresh < POOL.length) {
      const next = POOL[fresh++]!;
      e = rotateEvent(prev!, primary, next, at);
      old.push(primary);
      primary = next;
    } else if (op === 'add_device' && fresh < POOL.length) {
      const d = POOL[fresh++]!;
      const expires = r() < 0.3 ? at + 1 + Math.floor(r() * 6) : undefined;
      const body: Record<string, unknown> = { op, device: d.ref };
      if (expires !== undefined) body.expires_at = expires;
      devices.push(expires === undefined ? { key: d } : { key: d, expires });
      e = fastEvent(prev, body as OpBody, primary, at);
    } else if (op === 'revoke_device' && live.length) {
      const d = pick(live);
      devices.splice(devices.indexOf(d), 1);
      e = fastEvent(prev, { op, device: d.key.ref }, primary, at);
    } else if (op === 'device' && live.length) {
      const d = pick(live).key;
      if (r() < 0.5) {
        const c = deviceClaim(d, pick([genesis, ...old, primary]).ref, `dns:d${i}.example`, at);
        claims.push(claimId(c));
        e = fastEvent(prev, { op: 'add', claim: c }, d, at);
      } else
        e = fastEvent(prev, { op: 'revoke', target: pick([...claims, 'ab'.repeat(32)]) }, d, at);
    } else if (op === 'revoke' && claims.length) {
      e = fastEvent(prev, { op, target: pick(claims) }, primary, at);
    } else {
      const c = fastClaim(primary, `github:u${i}`, at);
      claims.push(claimId(c));
      e = fastEvent(prev, { op: 'add', claim: c }, primary, at);
    }
    line.push(e);
  }
  const events: unknown[] = [...line];
  const noise = 1 + Math.floor(r() * 4);
  for (let k = 0; k < noise; k++) {
    const i = Math.floor(r() * line.length);
    const e = line[i]!;
    switch (Math.floor(r() * 10)) {
      case 0: // a fork sibling by whoever signed at that seq
        events.push(
          fastEvent(
            line[i - 1] ?? null,
            { op: 'revoke', target: toHex(seed(5, k + 100 * i)) },
            keyAt[i]!,
            e.created_at,
          ),
        );
        break;
      case 1: // a tampered signature
        events.push({ ...e, sig: (e.sig[0] === '0' ? '1' : '0') + e.sig.slice(1) });
        break;
      case 2: // an exact duplicate (another object, same JSON)
        events.push(JSON.parse(JSON.stringify(e)));
        break;
      case 3: // a stranger extends the chain
        events.push(
          fastEvent(line.at(-1)!, { op: 'revoke', target: toHex(seed(6, k)) }, POOL[23]!, at),
        );
        break;
      case 4: // an event goes missing
        if (i > 0) events.splice(events.indexOf(e), 1);
        break;
      case 5: // the head's successor, dated well ahead of now
        events.push(
          fastEvent(
            line.at(-1)!,
            { op: 'revoke', target: toHex(seed(6, 50 + k)) },
            primary,
            at + 4000,
          ),
        );
        break;
      case 6: // another chain's genesis
        events.push(
          fastEvent(null, { op: 'add', claim: fastClaim(POOL[22]!, 'x:y', at) }, POOL[22]!, at),
        );
        break;
      case 7: // junk
        events.push(pick([{ seq: 2 }, 42, 'x', null, [], { ...e, seq: -1 }, { ...e, extra: 1 }]));
        break;
      case 8: // an old key signs after its rotation, or the head goes back in time
        events.push(
          fastEvent(
            line.at(-1)!,
            { op: 'revoke', target: toHex(seed(6, 90 + k)) },
            old.length ? pick(old) : primary,
            old.length ? at : at - 10,
          ),
        );
        break;
      case 9: // the primary key added as a device of its own chain (halts)
        events.push(
          fastEvent(line.at(-1)!, { op: 'add_device', device: primary.ref }, primary, at),
        );
        break;
    }
  }
  for (let k = 0; k < events.length; k++)
    if (r() < 0.15 && k + 1 < events.length)
      [events[k], events[k + 1]] = [events[k + 1], events[k]];
  return { chain: genesis.ref, now: at + 60, events };
}

describe('extendChain = validateChain of the whole (random chains)', () => {
  test('60 random chains, every split in two and some in four', async () => {
    const ends = new Set<string>();
    for (let n = 1; n <= 60; n++) {
      const r = rng(n);
      const s = scenario(3 + Math.floor(r() * 14), r);
      const whole = await checkAllSplits(s.events, s.now, s.chain, `chain #${n}`, false);
      ends.add(whole.end.kind);
      for (let k = 0; k < 5; k++) {
        const cuts = [r(), r(), r()].map((x) => Math.floor(x * (s.events.length + 1)));
        cuts.sort((a, b) => a - b);
        assert.deepEqual(
          await inPieces(s.events, cuts, s.now, s.chain),
          whole,
          `chain #${n}: cuts ${cuts.join(', ')}`,
        );
      }
    }
    // The generator reaches every way a walk ends.
    assert.deepEqual([...ends].sort(), ['complete', 'fork', 'gap', 'halted', 'pending']);
  });
});

// ---- the cases the sig-server meets ----------------------------------------------------------

const A = POOL[0]!;
const B = POOL[1]!;
const D = POOL[2]!;
const NOW = T0 + 3600;

/** A complete chain: genesis add, add_device D, then `n - 2` adds by A. */
function base(n: number): ChainEvent[] {
  const out: ChainEvent[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out.at(-1) ?? null;
    const body: OpBody =
      i === 1
        ? { op: 'add_device', device: D.ref }
        : { op: 'add', claim: fastClaim(A, `github:a${i}`, T0 + i) };
    out.push(fastEvent(prev, body, A, T0 + i));
  }
  return out;
}

const rev = (prev: ChainEvent, k: FastKey, i: number, at = prev.created_at + 1) =>
  fastEvent(prev, { op: 'revoke', target: toHex(seed(8, i)) }, k, at);

async function same(prefix: unknown[], suffix: unknown[], now = NOW) {
  const prev = await validateChain(prefix, { now, chain: A.ref });
  const before = structuredClone(prev);
  const { value: ext, checks } = await countVerifies(() => extendChain(prev, suffix, { now }));
  const whole = await validateChain([...prefix, ...suffix], { now, chain: A.ref });
  assert.deepEqual(ext, whole);
  assert.deepEqual(prev, before, 'prev is not changed');
  return { prev, ext, checks };
}

describe('extendChain: a complete stored line plus new events', () => {
  const line = base(8);
  const head = line.at(-1)!;

  test('appends: only the new signatures are checked, the applied prefix is not walked again', async () => {
    const next = [rev(head, A, 1)];
    next.push(rev(next[0]!, D, 2)); // a device may revoke
    const { prev, ext, checks } = await same(line, next);
    assert.equal(checks, 2);
    assert.equal(ext.end.kind, 'complete');
    assert.equal(ext.head!.id, eventId(next[1]!));
    // Shared, not rebuilt: the walk went on from the prefix's head.
    const id = Object.keys(prev.liveClaims)[0]!;
    assert.equal(ext.liveClaims[id], prev.liveClaims[id]);
    assert.equal(ext.devices[D.ref]!.added, prev.devices[D.ref]!.added);
  });

  test('an add checks the event and the claim signature', async () => {
    const add = fastEvent(
      head,
      { op: 'add', claim: fastClaim(A, 'github:new', T0 + 50) },
      A,
      T0 + 50,
    );
    assert.equal((await same(line, [add])).checks, 2);
  });

  test('a fork: a different event at a stored seq', async () => {
    const sibling = rev(line[4]!, A, 3, line[5]!.created_at);
    const { ext } = await same(line, [sibling]);
    assert.deepEqual(ext.end, {
      kind: 'fork',
      seq: 6,
      ids: [eventId(line[5]!), eventId(sibling)].sort(),
    });
    assert.equal(ext.head!.seq, 5);
  });

  test('a fork sibling that is not authorised is only unapplied', async () => {
    const stranger = rev(line[4]!, POOL[20]!, 4, line[5]!.created_at);
    const { ext } = await same(line, [stranger]);
    assert.equal(ext.end.kind, 'complete');
    assert.equal(ext.unapplied.at(-1)!.why, 'not_in_chain');
  });

  test('a gap, and the missing event arriving later', async () => {
    const e9 = rev(head, A, 5);
    const e10 = rev(e9, A, 6);
    const { ext } = await same(line, [e10]);
    assert.deepEqual(ext.end, { kind: 'gap', seq: 9 });
    const filled = await extendChain(ext, [e9], { now: NOW });
    assert.deepEqual(filled, await validateChain([...line, e10, e9], { now: NOW, chain: A.ref }));
    assert.equal(filled.head!.seq, 10);
  });

  test('a bad signature is dropped at its index in the whole input', async () => {
    const bad = { ...rev(head, A, 7), sig: '00'.repeat(64) };
    const { ext } = await same(line, [bad]);
    assert.deepEqual(
      ext.dropped.map((d) => [d.index, d.why]),
      [[8, 'bad_signature']],
    );
  });

  test('a rotate, then the old key signs, then the new key does', async () => {
    const rot = rotateEvent(head, A, B, T0 + 60);
    const byOld = rev(rot, A, 8);
    const byNew = rev(rot, B, 9);
    const { ext } = await same(line, [rot]);
    assert.equal(ext.current, B.ref);
    const after = await extendChain(ext, [byOld, byNew], { now: NOW });
    assert.deepEqual(
      after,
      await validateChain([...line, rot, byOld, byNew], { now: NOW, chain: A.ref }),
    );
    assert.equal(after.head!.id, eventId(byNew));
    assert.ok(after.unapplied.some((u) => u.why === 'key_rotated'));
  });

  test('a revoked device signs', async () => {
    const off = fastEvent(head, { op: 'revoke_device', device: D.ref }, A, T0 + 70);
    const { ext } = await same(line, [off, rev(off, D, 10)]);
    assert.equal(ext.head!.id, eventId(off));
    assert.equal(ext.unapplied.at(-1)!.why, 'device_revoked');
  });

  test('duplicates of prefix events (applied, dropped, junk) are skipped, not dropped', async () => {
    const bad = { ...rev(head, A, 11), sig: '11'.repeat(64) };
    const junk = { seq: 3, hello: 'x' };
    const prefix = [...line, bad, junk];
    const copies = [JSON.parse(JSON.stringify(line[3])), { ...bad }, { ...junk }, line[7]];
    const { ext, checks } = await same(prefix, copies);
    assert.equal(checks, 0);
    assert.deepEqual(
      ext.dropped.map((d) => d.index),
      [8, 9],
    );
  });

  test('an event in the future, then time passes', async () => {
    const later = rev(head, A, 12, NOW + 301);
    const { ext } = await same(line, [later]);
    assert.equal(ext.end.kind, 'pending');
    // The pending prefix is walked again (without checking its signatures) at the later time.
    const { value: on, checks } = await countVerifies(() => extendChain(ext, [], { now: NOW + 1 }));
    assert.equal(checks, 0);
    assert.deepEqual(on, await validateChain([...line, later], { now: NOW + 1, chain: A.ref }));
    assert.equal(on.end.kind, 'complete');
  });

  test('a head dated ahead of a clock that went back is judged at the new clock', async () => {
    const soon = rev(head, A, 13, NOW + 200);
    const prev = await validateChain([...line, soon], { now: NOW, chain: A.ref });
    assert.equal(prev.end.kind, 'complete');
    const back = await extendChain(prev, [], { now: NOW - 200 });
    assert.deepEqual(back, await validateChain([...line, soon], { now: NOW - 200, chain: A.ref }));
    assert.equal(back.end.kind, 'pending');
  });

  test('one prefix extended twice, differently; an empty prefix; a prefix without a chain option', async () => {
    const prev = await validateChain(line, { now: NOW, chain: A.ref });
    const x = await extendChain(prev, [rev(head, A, 14)], { now: NOW });
    const y = await extendChain(prev, [rev(head, A, 15)], { now: NOW });
    assert.notEqual(x.head!.id, y.head!.id);
    assert.deepEqual(
      y,
      await validateChain([...line, rev(head, A, 15)], { now: NOW, chain: A.ref }),
    );
    const empty = await validateChain([], { now: NOW });
    assert.deepEqual(
      await extendChain(empty, line, { now: NOW }),
      await validateChain(line, { now: NOW }),
    );
    const junkOnly = await validateChain([42], { now: NOW });
    assert.deepEqual(
      await extendChain(junkOnly, line, { now: NOW }),
      await validateChain([42, ...line], { now: NOW }),
    );
  });

  test('a state without a trail (read back from JSON) is refused', async () => {
    const prev = await validateChain(line, { now: NOW, chain: A.ref });
    const copy = JSON.parse(JSON.stringify(prev)) as ChainState;
    await assert.rejects(() => extendChain(copy, [], { now: NOW }), TypeError);
    await assert.rejects(
      () => extendChain(prev, 'x' as unknown as unknown[], { now: NOW }),
      TypeError,
    );
  });

  test('a long line grows one event at a time with one check each', async () => {
    let state = await validateChain(line, { now: NOW, chain: A.ref });
    const all: ChainEvent[] = [...line];
    let checks = 0;
    for (let i = 0; i < 200; i++) {
      const e = rev(all.at(-1)!, i % 2 ? A : D, 1000 + i);
      all.push(e);
      const r = await countVerifies(() => extendChain(state, [e], { now: NOW }));
      state = r.value;
      checks += r.checks;
    }
    assert.equal(checks, 200);
    assert.deepEqual(state, await validateChain(all, { now: NOW, chain: A.ref }));
  });
});
