/**
 * Writes test-vectors/sigchain/<scenario>.json (SPEC §12.2). Keys are fixed
 * test keys; nostr signatures draw fresh aux randomness, so the written files,
 * not this script's output on another run, are the vectors. Each scenario
 * states what it must yield (end, head, keys, counts, faults, claim
 * verdicts); the script refuses to write a file whose processing disagrees.
 * Run: node --import tsx --conditions=kez-source scripts/gen-sigchain-vectors.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalize,
  claimId,
  createClaim,
  createEvent,
  eventId,
  exportBundle,
  formatKeyRef,
  fromHex,
  getSuite,
  judgeClaim,
  parseJson,
  signingDigest,
  summarizeChain,
  toHex,
  validateChain,
  type ChainEvent,
  type Claim,
  type EventFields,
  type SuiteName,
} from '@kez/core';

const OUT = join(import.meta.dirname, '..', 'test-vectors', 'sigchain');
const T0 = 1764000000;
const NOW = T0 + 86400;

interface TestKey {
  name: string;
  suite: SuiteName;
  sk: Uint8Array;
  ref: string;
}

function testKey(name: string, suite: SuiteName, hex: string): TestKey {
  const sk = fromHex(hex, 32, name);
  return { name, suite, sk, ref: formatKeyRef(suite, getSuite(suite).getPublicKey(sk)) };
}

// Test keys: sha256("kez-sigchain-vector-key-<name>"). Never use them for anything else.
const A = testKey(
  'A',
  'ed25519',
  '6364bdbbbcd490140d258f3ce373ebc362f0c251a8b9dfa834e93feccd583c13',
);
const B = testKey(
  'B',
  'ed25519',
  'd62fe104270f9ae92d5c9e04d6a81ed2305a2672dffbdae6d22ba540fa95a136',
);
const D1 = testKey(
  'D1',
  'ed25519',
  'bc405c769d9e2f861515a904668d86aeb5a885c004097cda3f1c58b035489923',
);
const D2 = testKey(
  'D2',
  'ed25519',
  '074a9593095120c6ab1e26a5cd7b92db095e34c12abe0e08472e4d2b67834bf7',
);
const X = testKey(
  'X',
  'ed25519',
  'e11ad4ddb8d2c9a4491048bfee61ab705b4acc05156196a68159f29605146ff8',
);
const N = testKey('N', 'nostr', 'dda9c1542e11f46ba6d63eaf4a6ea0fc9208bb84be507aa6270ee8dec9f90e33');
const N2 = testKey(
  'N2',
  'nostr',
  '48e6ca0960b794132ef8b5bad3065d03b3bbe87918ec0331b7afff44a06069fa',
);
const ND = testKey(
  'ND',
  'nostr',
  'f07e24d1413c98a8ce6370276b140881ae9317d8d69ea4c35694adfa8ddf2a24',
);
const KEYS = [A, B, D1, D2, X, N, N2, ND];
const nameOf = (ref: string | null) => KEYS.find((k) => k.ref === ref)?.name ?? ref;

/** An ed25519 key of small order (the identity point): fails the key checks. */
const WEAK_ED25519 = 'ed25519:' + '01' + '00'.repeat(31);

function at(minutes: number): number {
  return T0 + minutes * 60;
}

function claim(
  k: TestKey,
  subject: string,
  when: number,
  more: { expiresAt?: number; primary?: string } = {},
) {
  return createClaim({ subject, suite: k.suite, secretKey: k.sk, now: when, ...more });
}

function ev(prev: ChainEvent | null, fields: EventFields, k: TestKey, when: number) {
  return createEvent(prev, fields, k.sk, k.suite, when);
}

/** Sign any object as an event (for events createEvent would refuse or fix up). */
async function signRaw(
  obj: Record<string, unknown>,
  k: TestKey,
  counter?: TestKey,
): Promise<Record<string, unknown>> {
  const o: Record<string, unknown> = { ...obj };
  delete o.sig;
  if (counter) {
    delete o.countersig;
    const cs = await getSuite(counter.suite).sign(
      signingDigest('rotate-countersign', o, ['sig', 'countersig']),
      counter.sk,
    );
    o.countersig = toHex(cs);
  }
  const sig = await getSuite(k.suite).sign(signingDigest('event', o), k.sk);
  return { ...o, sig: toHex(sig) };
}

/** A line that is the same event but not JCS (members in reverse order, spaces). */
function nonJcs(e: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(e).reverse()), null, 0).replace(
    /,"/g,
    ', "',
  );
}

type Verdict = [status: string, reason: string];

interface Want {
  end: string; // 'complete' | 'fork@3' | 'gap@2' | 'halted@2' | 'pending@2'
  head: number | null;
  current: string;
  rotated?: string[];
  live: number;
  revoked: number;
  devices?: Record<string, 'live' | 'revoked'>;
  unapplied?: [number, string][];
  dropped?: string[];
  claims?: Record<string, Verdict>;
}

interface Scenario {
  file: string;
  comment: string;
  tags: string[];
  now?: number;
  chain: TestKey | string;
  lines: string[];
  claims?: [name: string, c: Claim][];
  want: Want;
}

const L = (e: object) => canonicalize(e);

async function write(s: Scenario): Promise<void> {
  const now = s.now ?? NOW;
  const chain = typeof s.chain === 'string' ? s.chain : s.chain.ref;
  const values = s.lines.map((l) => parseJson(l));
  const state = await validateChain(values, { now, chain });
  const summary = summarizeChain(state);
  const w = s.want;
  const endText = state.end.kind === 'complete' ? 'complete' : `${state.end.kind}@${state.end.seq}`;
  const got: Want = {
    end: endText,
    head: state.head?.seq ?? null,
    current: nameOf(state.current)!,
    rotated: state.rotated.map((r) => nameOf(r.key)!),
    live: summary.live_claims.length,
    revoked: summary.revoked_claims.length,
    devices: Object.fromEntries(
      Object.entries(state.devices).map(([k, d]) => [nameOf(k)!, d.revoked ? 'revoked' : 'live']),
    ),
    unapplied: state.unapplied.map((u) => [u.seq, u.why]),
    dropped: state.dropped.map((d) => d.why),
    claims: Object.fromEntries(
      (s.claims ?? []).map(([name, c]) => {
        const v = judgeClaim(c, state, now);
        return [name, [v.status, v.reason]];
      }),
    ),
  };
  const want: Want = { rotated: [], devices: {}, unapplied: [], dropped: [], claims: {}, ...w };
  assert.deepEqual(got, want, `${s.file}: processing disagrees with the scenario`);
  const bundle = exportBundle(state.events);
  const out = {
    comment: s.comment,
    now,
    chain,
    events: s.lines,
    ...(s.claims ? { claims: s.claims.map(([, c]) => L(c)) } : {}),
    bundle,
    expect: {
      state: summary,
      unapplied: state.unapplied.map((u) => ({ seq: u.seq, id: u.id, why: u.why })),
      dropped: state.dropped.map((d) => ({ index: d.index, why: d.why })),
      claims: (s.claims ?? []).map(([, c]) => {
        const v = judgeClaim(c, state, now);
        return { claim_id: claimId(c), status: v.status, reason: v.reason, listed: v.listed };
      }),
    },
    tags: s.tags,
  };
  writeFileSync(join(OUT, s.file + '.json'), JSON.stringify(out, null, 2) + '\n');
}

async function scenarios(): Promise<Scenario[]> {
  const out: Scenario[] = [];
  const add = (s: Scenario) => out.push(s);

  // ---- happy paths, both suites -------------------------------------------------------------
  for (const k of [A, N]) {
    const c1 = await claim(k, 'github:alice', at(0));
    const e1 = await ev(null, { op: 'add', claim: c1 }, k, at(1));
    add({
      file: `genesis-only-${k.suite}`,
      comment: `${k.suite}: a chain of one add event`,
      tags: [k.suite, 'valid', 'genesis'],
      chain: k,
      lines: [L(e1)],
      claims: [['c1', c1]],
      want: {
        end: 'complete',
        head: 1,
        current: k.name,
        live: 1,
        revoked: 0,
        claims: { c1: ['valid', 'ok'] },
      },
    });

    const c2 = await claim(k, 'dns:alice.example', at(2));
    const e2 = await ev(e1, { op: 'add', claim: c2 }, k, at(3));
    const e3 = await ev(e2, { op: 'revoke', target: claimId(c1), reason: 'moved' }, k, at(4));
    const c3 = await claim(k, 'github:alice', at(5));
    add({
      file: `add-add-revoke-${k.suite}`,
      comment: `${k.suite}: add, add, revoke the first; an unlisted claim by the current key stays valid`,
      tags: [k.suite, 'valid', 'revoke'],
      chain: k,
      lines: [L(e1), L(e2), L(e3)],
      claims: [
        ['c1', c1],
        ['c2', c2],
        ['c3-unlisted', c3],
      ],
      want: {
        end: 'complete',
        head: 3,
        current: k.name,
        live: 1,
        revoked: 1,
        claims: { c1: ['revoked', 'revoked'], c2: ['valid', 'ok'], 'c3-unlisted': ['valid', 'ok'] },
      },
    });
  }

  // ---- rotation -----------------------------------------------------------------------------
  {
    const c1 = await claim(A, 'github:alice', at(0));
    const e1 = await ev(null, { op: 'add', claim: c1 }, A, at(1));
    const e2 = await ev(e1, { op: 'rotate', newSecretKey: B.sk, newSuite: 'ed25519' }, A, at(2));
    const c2 = await claim(B, 'github:alice', at(3));
    const e3 = await ev(e2, { op: 'add', claim: c2 }, B, at(4));
    const cOld = await claim(A, 'dns:alice.example', at(1));
    add({
      file: 'rotate-ed25519',
      comment:
        'rotate A→B with countersignature; B signs on; claims by A (listed or not, before the rotation or not) are key_rotated',
      tags: ['ed25519', 'valid', 'rotate'],
      chain: A,
      lines: [L(e1), L(e2), L(e3)],
      claims: [
        ['c1-by-A', c1],
        ['c2-by-B', c2],
        ['old-unlisted-by-A', cOld],
      ],
      want: {
        end: 'complete',
        head: 3,
        current: 'B',
        rotated: ['A'],
        live: 2,
        revoked: 0,
        claims: {
          'c1-by-A': ['revoked', 'key_rotated'],
          'c2-by-B': ['valid', 'ok'],
          'old-unlisted-by-A': ['revoked', 'key_rotated'],
        },
      },
    });

    // The old key signs on after the rotation: authentic, not authorised.
    const late = await ev(
      e2,
      { op: 'add', claim: await claim(A, 'dns:a.example', at(5)) },
      A,
      at(5),
    );
    add({
      file: 'old-key-after-rotate',
      comment:
        'after rotate, an event by the rotated-away key is not applied (key_rotated); the chain is complete',
      tags: ['ed25519', 'rotate', 'unauthorised'],
      chain: A,
      lines: [L(e1), L(e2), L(late)],
      want: {
        end: 'complete',
        head: 2,
        current: 'B',
        rotated: ['A'],
        live: 1,
        revoked: 0,
        unapplied: [[3, 'key_rotated']],
      },
    });

    // The old key signs a sibling of the rotate: both authorised at seq 2 → fork (SPEC §11.9).
    const sibling = await ev(e1, { op: 'revoke', target: claimId(c1) }, A, at(2));
    add({
      file: 'old-key-forks-rotate',
      comment:
        'a stolen old key signs a sibling of its own rotate: fork at seq 2, state stops at seq 1',
      tags: ['ed25519', 'rotate', 'fork'],
      chain: A,
      lines: [L(e1), L(e2), L(sibling), L(e3)],
      claims: [['c1-by-A', c1]],
      want: {
        end: 'fork@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [
          [2, 'fork'],
          [2, 'fork'],
          [3, 'not_reached'],
        ],
        claims: { 'c1-by-A': ['fork', 'fork'] },
      },
    });

    // Countersignature by the wrong key: not authentic, dropped.
    const badCounter = await signRaw({ ...(e2 as unknown as Record<string, unknown>) }, A, X);
    const e3b = await signRaw(
      {
        ...(e3 as unknown as Record<string, unknown>),
        prev: eventId(badCounter as unknown as ChainEvent),
      },
      B,
    );
    add({
      file: 'rotate-bad-countersig',
      comment:
        'rotate whose countersig is by another key: dropped (bad_countersig); B is no key of the chain, so its event is not applied',
      tags: ['ed25519', 'rotate', 'countersig', 'dropped'],
      chain: A,
      lines: [L(e1), L(badCounter), L(e3b)],
      claims: [['c2-by-B', c2]],
      want: {
        end: 'complete',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[3, 'not_in_chain']],
        dropped: ['bad_countersig'],
        claims: { 'c2-by-B': ['invalid', 'not_in_chain'] },
      },
    });

    const noCounter: Record<string, unknown> = { ...(e2 as unknown as Record<string, unknown>) };
    delete noCounter.countersig;
    const noCounterSigned = await signRaw(noCounter, A);
    add({
      file: 'rotate-missing-countersig',
      comment:
        'rotate without countersig: not authentic (missing_countersig), dropped; A stays current',
      tags: ['ed25519', 'rotate', 'countersig', 'dropped'],
      chain: A,
      lines: [L(e1), L(noCounterSigned)],
      want: {
        end: 'complete',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        dropped: ['missing_countersig'],
      },
    });

    // Rotating to a device key: authorised but breaks §8.2 → halted.
    const d = await ev(e1, { op: 'add_device', device: D1.ref, name: 'phone' }, A, at(2));
    const toDevice = await ev(
      d,
      { op: 'rotate', newSecretKey: D1.sk, newSuite: 'ed25519' },
      A,
      at(3),
    );
    add({
      file: 'rotate-to-used-key',
      comment: 'rotate to a key that is already a device: malformed, the chain halts at seq 3',
      tags: ['ed25519', 'rotate', 'halted'],
      chain: A,
      lines: [L(e1), L(d), L(toDevice)],
      claims: [['c1-by-A', c1]],
      want: {
        end: 'halted@3',
        head: 2,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live' },
        unapplied: [[3, 'malformed']],
        claims: { 'c1-by-A': ['invalid', 'malformed'] },
      },
    });
  }
  {
    const n1 = await claim(N, 'github:nora', at(0));
    const e1 = await ev(null, { op: 'add', claim: n1 }, N, at(1));
    const e2 = await ev(e1, { op: 'rotate', newSecretKey: B.sk, newSuite: 'ed25519' }, N, at(2));
    const b1 = await claim(B, 'dns:nora.example', at(3));
    const e3 = await ev(e2, { op: 'add', claim: b1 }, B, at(4));
    add({
      file: 'rotate-nostr-to-ed25519',
      comment: 'a nostr chain rotates to an ed25519 key (cross-suite countersignature)',
      tags: ['nostr', 'ed25519', 'valid', 'rotate'],
      chain: N,
      lines: [L(e1), L(e2), L(e3)],
      claims: [
        ['n1-by-N', n1],
        ['b1-by-B', b1],
      ],
      want: {
        end: 'complete',
        head: 3,
        current: 'B',
        rotated: ['N'],
        live: 2,
        revoked: 0,
        claims: { 'n1-by-N': ['revoked', 'key_rotated'], 'b1-by-B': ['valid', 'ok'] },
      },
    });
    const e2n = await ev(e1, { op: 'rotate', newSecretKey: N2.sk, newSuite: 'nostr' }, N, at(2));
    const e3n = await ev(e2n, { op: 'revoke', target: claimId(n1) }, N2, at(3));
    add({
      file: 'rotate-nostr',
      comment: 'nostr N→N2; N2 revokes the claim N made',
      tags: ['nostr', 'valid', 'rotate', 'revoke'],
      chain: N,
      lines: [L(e1), L(e2n), L(e3n)],
      claims: [['n1-by-N', n1]],
      want: {
        end: 'complete',
        head: 3,
        current: 'N2',
        rotated: ['N'],
        live: 0,
        revoked: 1,
        claims: { 'n1-by-N': ['revoked', 'revoked'] },
      },
    });
  }

  // ---- forks, duplicates, order -------------------------------------------------------------
  {
    const c1 = await claim(A, 'github:alice', at(0));
    const e1 = await ev(null, { op: 'add', claim: c1 }, A, at(1));
    const c2 = await claim(A, 'dns:alice.example', at(2));
    const c3 = await claim(A, 'github:alice2', at(2));
    const e2a = await ev(e1, { op: 'add', claim: c2 }, A, at(3));
    const e2b = await ev(e1, { op: 'add', claim: c3 }, A, at(3));
    const e3 = await ev(e2a, { op: 'revoke', target: claimId(c1) }, A, at(4));
    add({
      file: 'fork-at-2',
      comment:
        'two different events by the chain key at seq 2: fork, both kept, state stops at seq 1',
      tags: ['ed25519', 'fork'],
      chain: A,
      lines: [L(e1), L(e2a), L(e2b), L(e3)],
      claims: [
        ['c1', c1],
        ['c2', c2],
      ],
      want: {
        end: 'fork@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [
          [2, 'fork'],
          [2, 'fork'],
          [3, 'not_reached'],
        ],
        claims: { c1: ['fork', 'fork'], c2: ['fork', 'fork'] },
      },
    });
    add({
      file: 'duplicates-and-order',
      comment:
        'events out of order, each twice, once as a non-JCS line: exact duplicates count once (same id after JCS)',
      tags: ['ed25519', 'valid', 'duplicate', 'order', 'non-jcs'],
      chain: A,
      lines: [L(e3), nonJcs(e2a), L(e1), L(e2a), L(e3), nonJcs(e1)],
      claims: [['c1', c1]],
      want: {
        end: 'complete',
        head: 3,
        current: 'A',
        live: 1,
        revoked: 1,
        claims: { c1: ['revoked', 'revoked'] },
      },
    });
    add({
      file: 'gap',
      comment: 'seq 2 is missing; seq 3 by the chain key exists: gap at 2, claims are chain_gap',
      tags: ['ed25519', 'gap'],
      chain: A,
      lines: [L(e1), L(e3)],
      claims: [['c1', c1]],
      want: {
        end: 'gap@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[3, 'not_reached']],
        claims: { c1: ['unreachable', 'chain_gap'] },
      },
    });
    add({
      file: 'missing-genesis',
      comment: 'only seq 2 and 3 are at hand: gap at 1',
      tags: ['ed25519', 'gap', 'genesis'],
      chain: A,
      lines: [L(e2a), L(e3)],
      claims: [['c2', c2]],
      want: {
        end: 'gap@1',
        head: null,
        current: 'A',
        live: 0,
        revoked: 0,
        unapplied: [
          [2, 'not_reached'],
          [3, 'not_reached'],
        ],
        claims: { c2: ['unreachable', 'chain_gap'] },
      },
    });
    const badPrev = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), prev: 'ab'.repeat(32) },
      A,
    );
    add({
      file: 'bad-prev',
      comment:
        'seq 2 by the chain key links to an unknown prev: not applied (bad_prev), the chain has a gap at 2',
      tags: ['ed25519', 'gap', 'prev'],
      chain: A,
      lines: [L(e1), L(badPrev)],
      claims: [['c1', c1]],
      want: {
        end: 'gap@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[2, 'bad_prev']],
        claims: { c1: ['unreachable', 'chain_gap'] },
      },
    });
    const genesisPrev = await signRaw(
      { ...(e1 as unknown as Record<string, unknown>), prev: 'cd'.repeat(32) },
      A,
    );
    add({
      file: 'genesis-with-prev',
      comment: 'seq 1 with a non-null prev: not applied (bad_prev), gap at 1',
      tags: ['ed25519', 'genesis', 'prev'],
      chain: A,
      lines: [L(genesisPrev)],
      want: {
        end: 'gap@1',
        head: null,
        current: 'A',
        live: 0,
        revoked: 0,
        unapplied: [[1, 'bad_prev']],
      },
    });
    const genesisX = await signRaw(
      { ...(e1 as unknown as Record<string, unknown>), signer: X.ref },
      X,
    );
    add({
      file: 'genesis-by-other-key',
      comment:
        'seq 1 names chain A but is signed by X: bad_genesis; nothing by A exists, so the (empty) chain is complete',
      tags: ['ed25519', 'genesis', 'unauthorised'],
      chain: A,
      lines: [L(genesisX)],
      claims: [['c1', c1]],
      want: {
        end: 'complete',
        head: null,
        current: 'A',
        live: 0,
        revoked: 0,
        unapplied: [[1, 'bad_genesis']],
        claims: { c1: ['valid', 'ok'] },
      },
    });
    const tampered = { ...(e2a as unknown as Record<string, unknown>), created_at: at(3) + 1 };
    add({
      file: 'bad-signature',
      comment:
        'seq 2 was edited after signing (created_at): dropped as bad_signature; seq 3 then has no prev: gap at 2',
      tags: ['ed25519', 'signature', 'dropped', 'gap'],
      chain: A,
      lines: [L(e1), L(tampered), L(e3)],
      want: {
        end: 'gap@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[3, 'not_reached']],
        dropped: ['bad_signature'],
      },
    });
    const weak = { ...(e2a as unknown as Record<string, unknown>), signer: WEAK_ED25519 };
    add({
      file: 'weak-signer-key',
      comment: 'an event whose signer is a small-order ed25519 key is dropped (weak_key)',
      tags: ['ed25519', 'weak-key', 'dropped'],
      chain: A,
      lines: [L(e1), L(weak)],
      want: { end: 'complete', head: 1, current: 'A', live: 1, revoked: 0, dropped: ['weak_key'] },
    });
    const otherChain = await ev(
      null,
      { op: 'add', claim: await claim(X, 'github:xavier', at(0)) },
      X,
      at(1),
    );
    add({
      file: 'wrong-chain-and-junk',
      comment:
        "another chain's genesis, a line that is no object and one without seq are dropped; the chain is unaffected",
      tags: ['ed25519', 'dropped', 'wrong-chain', 'malformed'],
      chain: A,
      lines: [L(e1), L(otherChain), '[1,2,3]', '{"kez":"0.2","type":"event"}'],
      want: {
        end: 'complete',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        dropped: ['wrong_chain', 'malformed', 'malformed'],
      },
    });
    const xJunk = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), signer: X.ref },
      X,
    );
    const xClaim = await claim(X, 'github:alice', at(2));
    add({
      file: 'unrelated-signer',
      comment:
        'X signs an event claiming to extend chain A: authentic, not authorised (not_in_chain), no gap; X claims are not_in_chain',
      tags: ['ed25519', 'unauthorised'],
      chain: A,
      lines: [L(e1), L(xJunk)],
      claims: [['by-X', xClaim]],
      want: {
        end: 'complete',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[2, 'not_in_chain']],
        claims: { 'by-X': ['invalid', 'not_in_chain'] },
      },
    });
    const unknownOp = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), op: 'merge' },
      A,
    );
    add({
      file: 'unknown-op',
      comment:
        'seq 2 has op "merge" by the chain key: the chain halts at 2 (unknown_op); claims are invalid/malformed',
      tags: ['ed25519', 'halted', 'unknown-op'],
      chain: A,
      lines: [L(e1), L(unknownOp), L(e3)],
      claims: [['c1', c1]],
      want: {
        end: 'halted@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [
          [2, 'unknown_op'],
          [3, 'not_reached'],
        ],
        claims: { c1: ['invalid', 'malformed'] },
      },
    });
    const unknownField = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), note: 'hi' },
      A,
    );
    add({
      file: 'unknown-field',
      comment: 'seq 2 carries an unknown field "note": malformed, the chain halts at 2',
      tags: ['ed25519', 'halted', 'unknown-field'],
      chain: A,
      lines: [L(e1), L(unknownField)],
      want: {
        end: 'halted@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[2, 'malformed']],
      },
    });
    const backwards = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), created_at: at(1) - 1 },
      A,
    );
    add({
      file: 'time-went-backwards',
      comment: 'seq 2 is dated one second before seq 1: the chain halts at 2',
      tags: ['ed25519', 'halted', 'time'],
      chain: A,
      lines: [L(e1), L(backwards)],
      want: {
        end: 'halted@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[2, 'time_went_backwards']],
      },
    });
    const sameTime = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), created_at: at(1) },
      A,
    );
    add({
      file: 'same-created-at',
      comment: 'seq 2 has the same created_at as seq 1: allowed (non-decreasing)',
      tags: ['ed25519', 'valid', 'time'],
      chain: A,
      lines: [L(e1), L(sameTime)],
      want: { end: 'complete', head: 2, current: 'A', live: 2, revoked: 0 },
    });
    const now = at(10);
    const skew299 = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), created_at: now + 299 },
      A,
    );
    const skew300 = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), created_at: now + 300 },
      A,
    );
    const skew301 = await signRaw(
      { ...(e2a as unknown as Record<string, unknown>), created_at: now + 301 },
      A,
    );
    add({
      file: 'clock-skew-299',
      comment: 'seq 2 dated now+299 s: within the 300 s skew, applied',
      tags: ['ed25519', 'valid', 'clock-skew'],
      now,
      chain: A,
      lines: [L(e1), L(skew299)],
      want: { end: 'complete', head: 2, current: 'A', live: 2, revoked: 0 },
    });
    add({
      file: 'clock-skew-300',
      comment: 'seq 2 dated now+300 s: the edge, applied',
      tags: ['ed25519', 'valid', 'clock-skew'],
      now,
      chain: A,
      lines: [L(e1), L(skew300)],
      want: { end: 'complete', head: 2, current: 'A', live: 2, revoked: 0 },
    });
    add({
      file: 'clock-skew-301',
      comment: 'seq 2 dated now+301 s: pending (not applied yet); claims judge as if complete',
      tags: ['ed25519', 'pending', 'clock-skew'],
      now,
      chain: A,
      lines: [L(e1), L(skew301)],
      claims: [['c1', c1]],
      want: {
        end: 'pending@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[2, 'event_in_future']],
        claims: { c1: ['valid', 'ok'] },
      },
    });

    // nostr: the same content signed twice gives two different events (fresh aux randomness) → fork.
    const n1 = await ev(null, { op: 'add', claim: await claim(N, 'github:nora', at(0)) }, N, at(1));
    const nc = await claim(N, 'dns:nora.example', at(2));
    const n2a = await ev(n1, { op: 'add', claim: nc }, N, at(3));
    const n2b = await ev(n1, { op: 'add', claim: nc }, N, at(3));
    assert.notEqual(n2a.sig, n2b.sig);
    add({
      file: 'nostr-resign-is-fork',
      comment:
        'nostr signatures are randomized: signing the same seq-2 content twice yields two events, a fork at 2',
      tags: ['nostr', 'fork'],
      chain: N,
      lines: [L(n1), L(n2a), L(n2b)],
      want: {
        end: 'fork@2',
        head: 1,
        current: 'N',
        live: 1,
        revoked: 0,
        unapplied: [
          [2, 'fork'],
          [2, 'fork'],
        ],
      },
    });
  }

  // ---- claims inside add --------------------------------------------------------------------
  {
    const c1 = await claim(A, 'github:alice', at(0));
    const e1 = await ev(null, { op: 'add', claim: c1 }, A, at(1));
    const expiring = await claim(A, 'dns:alice.example', at(2), { expiresAt: at(3) });
    const e2 = await ev(e1, { op: 'add', claim: expiring }, A, at(4));
    add({
      file: 'expired-claim-in-chain',
      comment:
        'an add of a claim already past its expires_at is applied: expiry is the claim check (§5.3), the chain says ok',
      tags: ['ed25519', 'valid', 'expiry'],
      chain: A,
      lines: [L(e1), L(e2)],
      claims: [['expiring', expiring]],
      want: {
        end: 'complete',
        head: 2,
        current: 'A',
        live: 2,
        revoked: 0,
        claims: { expiring: ['valid', 'ok'] },
      },
    });
    const forged = { ...(c1 as unknown as Record<string, unknown>), subject: 'github:mallory' };
    const e2f = await signRaw(
      {
        kez: '0.2',
        type: 'event',
        chain: A.ref,
        seq: 2,
        prev: eventId(e1),
        created_at: at(2),
        signer: A.ref,
        op: 'add',
        claim: forged,
      },
      A,
    );
    add({
      file: 'add-claim-bad-signature',
      comment:
        "an add whose claim's own signature does not verify: malformed, the chain halts at 2",
      tags: ['ed25519', 'halted', 'signature'],
      chain: A,
      lines: [L(e1), L(e2f)],
      want: {
        end: 'halted@2',
        head: 1,
        current: 'A',
        live: 1,
        revoked: 0,
        unapplied: [[2, 'malformed']],
      },
    });
    const e2r = await ev(e1, { op: 'revoke', target: 'ee'.repeat(32) }, A, at(2));
    const e3r = await ev(e2r, { op: 'revoke', target: 'ee'.repeat(32) }, A, at(3));
    add({
      file: 'revoke-unknown-and-twice',
      comment: 'revoking an id never added is allowed (SPEC §8.2), revoking it again has no effect',
      tags: ['ed25519', 'valid', 'revoke'],
      chain: A,
      lines: [L(e1), L(e2r), L(e3r)],
      want: { end: 'complete', head: 3, current: 'A', live: 1, revoked: 1 },
    });
    const e2x = await ev(e1, { op: 'revoke', target: claimId(c1) }, A, at(2));
    const e3x = await ev(e2x, { op: 'add', claim: c1 }, A, at(3));
    add({
      file: 'revoked-claim-added-again',
      comment: 'a revoked claim added again stays revoked (revocation is final)',
      tags: ['ed25519', 'valid', 'revoke'],
      chain: A,
      lines: [L(e1), L(e2x), L(e3x)],
      claims: [['c1', c1]],
      want: {
        end: 'complete',
        head: 3,
        current: 'A',
        live: 0,
        revoked: 1,
        claims: { c1: ['revoked', 'revoked'] },
      },
    });
  }

  // ---- devices ------------------------------------------------------------------------------
  for (const [P, D, suite] of [
    [A, D1, 'ed25519'],
    [N, ND, 'nostr'],
  ] as const) {
    const c1 = await claim(P, 'github:alice', at(0));
    const e1 = await ev(null, { op: 'add', claim: c1 }, P, at(1));
    const e2 = await ev(e1, { op: 'add_device', device: D.ref, name: 'laptop' }, P, at(2));
    const dc = await claim(D, 'dns:alice.example', at(3), { primary: P.ref });
    const e3 = await ev(e2, { op: 'add', claim: dc }, D, at(4));
    const e4 = await ev(e3, { op: 'revoke', target: claimId(c1) }, D, at(5));
    add({
      file: `device-signs-${suite}`,
      comment: `${suite}: add_device, the device adds its own claim (primary = chain key) and revokes the primary's claim`,
      tags: [suite, 'valid', 'device'],
      chain: P,
      lines: [L(e1), L(e2), L(e3), L(e4)],
      claims: [
        ['c1', c1],
        ['device-claim', dc],
      ],
      want: {
        end: 'complete',
        head: 4,
        current: P.name,
        live: 1,
        revoked: 1,
        devices: { [D.name]: 'live' },
        claims: { c1: ['revoked', 'revoked'], 'device-claim': ['valid', 'ok'] },
      },
    });
  }
  {
    const c1 = await claim(A, 'github:alice', at(0));
    const e1 = await ev(null, { op: 'add', claim: c1 }, A, at(1));
    const e2 = await ev(e1, { op: 'add_device', device: D1.ref, name: 'phone' }, A, at(2));
    const dc = await claim(D1, 'dns:alice.example', at(3), { primary: A.ref });
    const e3 = await ev(e2, { op: 'revoke_device', device: D1.ref }, A, at(4));
    const e4 = await ev(e3, { op: 'add', claim: dc }, D1, at(5));
    add({
      file: 'revoked-device-signs',
      comment:
        'a revoked device signs an add: not applied (device_revoked); its claims are device_revoked',
      tags: ['ed25519', 'device', 'unauthorised'],
      chain: A,
      lines: [L(e1), L(e2), L(e3), L(e4)],
      claims: [['device-claim', dc]],
      want: {
        end: 'complete',
        head: 3,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'revoked' },
        unapplied: [[4, 'device_revoked']],
        claims: { 'device-claim': ['revoked', 'device_revoked'] },
      },
    });

    const ex = await ev(e1, { op: 'add_device', device: D1.ref, expires_at: at(10) }, A, at(2));
    const late = await ev(ex, { op: 'add', claim: dc }, D1, at(10));
    add({
      file: 'expired-device-signs',
      comment:
        'a device signs at its expires_at: not applied (device_expired); its claims are device_expired',
      tags: ['ed25519', 'device', 'expiry', 'unauthorised'],
      chain: A,
      lines: [L(e1), L(ex), L(late)],
      claims: [['device-claim', dc]],
      want: {
        end: 'complete',
        head: 2,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live' },
        unapplied: [[3, 'device_expired']],
        claims: { 'device-claim': ['expired', 'device_expired'] },
      },
    });
    const inTime = await ev(ex, { op: 'add', claim: dc }, D1, at(9));
    add({
      file: 'device-claim-then-expiry',
      comment:
        'a device adds its claim before its expires_at; once now ≥ expires_at the claim is device_expired',
      tags: ['ed25519', 'device', 'expiry'],
      chain: A,
      lines: [L(e1), L(ex), L(inTime)],
      claims: [['device-claim', dc]],
      want: {
        end: 'complete',
        head: 3,
        current: 'A',
        live: 2,
        revoked: 0,
        devices: { D1: 'live' },
        claims: { 'device-claim': ['expired', 'device_expired'] },
      },
    });
    const rot = await ev(e2, { op: 'rotate', newSecretKey: B.sk, newSuite: 'ed25519' }, D1, at(3));
    add({
      file: 'device-tries-rotate',
      comment:
        'a live device signs a (countersigned) rotate: not authorised (device_not_allowed); a live device signed at seq 3, so SPEC §8.5 reports a gap there',
      tags: ['ed25519', 'device', 'rotate', 'unauthorised'],
      chain: A,
      lines: [L(e1), L(e2), L(rot)],
      want: {
        end: 'gap@3',
        head: 2,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live' },
        unapplied: [[3, 'device_not_allowed']],
      },
    });
    const addDev = await ev(e2, { op: 'add_device', device: D2.ref }, D1, at(3));
    add({
      file: 'device-tries-add-device',
      comment:
        'a live device signs add_device: not authorised (device_not_allowed); as it is a live device, the walk ends in a gap at 3',
      tags: ['ed25519', 'device', 'unauthorised'],
      chain: A,
      lines: [L(e1), L(e2), L(addDev)],
      want: {
        end: 'gap@3',
        head: 2,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live' },
        unapplied: [[3, 'device_not_allowed']],
      },
    });
    const noPrimary = await claim(D1, 'dns:alice.example', at(3));
    const e3np = await ev(e2, { op: 'add', claim: noPrimary }, D1, at(4));
    add({
      file: 'device-claim-without-primary',
      comment: 'a device adds its claim without "primary": malformed, halted at 3',
      tags: ['ed25519', 'device', 'halted'],
      chain: A,
      lines: [L(e1), L(e2), L(e3np)],
      claims: [['no-primary', noPrimary]],
      want: {
        end: 'halted@3',
        head: 2,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live' },
        unapplied: [[3, 'malformed']],
        claims: { 'no-primary': ['invalid', 'malformed'] },
      },
    });
    const e3d2 = await ev(e2, { op: 'add_device', device: D2.ref }, A, at(3));
    const d2c = await claim(D2, 'github:alice2', at(3), { primary: A.ref });
    const e4d = await ev(e3d2, { op: 'add', claim: d2c }, D1, at(4));
    add({
      file: 'device-adds-other-device-claim',
      comment:
        "device D1 adds device D2's claim: a device may add only its own or the primary's claims; halted",
      tags: ['ed25519', 'device', 'halted'],
      chain: A,
      lines: [L(e1), L(e2), L(e3d2), L(e4d)],
      want: {
        end: 'halted@4',
        head: 3,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live', D2: 'live' },
        unapplied: [[4, 'malformed']],
      },
    });
    const strayPrimary = await claim(D1, 'github:alice3', at(3), { primary: X.ref });
    const unlisted = await claim(D1, 'github:alice4', at(3), { primary: A.ref });
    add({
      file: 'device-claims-judged',
      comment:
        'claims by a live device: naming the chain key as primary → ok (listed or not); naming another key → not_in_chain',
      tags: ['ed25519', 'device', 'valid'],
      chain: A,
      lines: [L(e1), L(e2)],
      claims: [
        ['stray-primary', strayPrimary],
        ['unlisted', unlisted],
      ],
      want: {
        end: 'complete',
        head: 2,
        current: 'A',
        live: 1,
        revoked: 0,
        devices: { D1: 'live' },
        claims: { 'stray-primary': ['invalid', 'not_in_chain'], unlisted: ['valid', 'ok'] },
      },
    });
  }
  return out;
}

const list = await scenarios();
mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f.endsWith('.json')) rmSync(join(OUT, f));
for (const s of list) await write(s);
console.log(`wrote ${list.length} scenarios to ${OUT}`);
