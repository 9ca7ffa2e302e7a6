/** Sigchain unit tests: strict events, one-canonicalization digests, hostile input, judging, bundles. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  InputError,
  KezError,
  canonicalize,
  claimId,
  createClaim,
  createEvent,
  eventId,
  exportBundle,
  extendChain,
  getSuite,
  judgeClaim,
  parseBundle,
  parseEvent,
  sha256,
  signingDigest,
  toHex,
  utf8,
  validateChain,
  type ChainEvent,
} from '@kez/core';
import { prepareEvent } from '../src/sigchain/prepare.js';
import { buildChain } from '@kez/testkit';

const T0 = 1764000000;
const NOW = T0 + 3600;
const ed = getSuite('ed25519');
const nostr = getSuite('nostr');
const skA = ed.generateSecretKey();
const skB = nostr.generateSecretKey();
const skD = ed.generateSecretKey();
const refOf = (suite: 'ed25519' | 'nostr', sk: Uint8Array) =>
  `${suite}:${toHex(getSuite(suite).getPublicKey(sk))}`;
const A = refOf('ed25519', skA);
const D = refOf('ed25519', skD);

const claimA = await createClaim({
  subject: 'github:alice',
  suite: 'ed25519',
  secretKey: skA,
  now: T0,
  ext: { 'é\u{1F600}': [1, 'x'], z: { b: 1, a: null } },
});
const e1 = await createEvent(null, { op: 'add', claim: claimA }, skA, 'ed25519', T0 + 1);
const e2 = await createEvent(
  e1,
  { op: 'add_device', device: D, name: 'phone \u{1F4F1}', expires_at: T0 + 7200 },
  skA,
  'ed25519',
  T0 + 2,
);
const e3 = await createEvent(
  e2,
  { op: 'rotate', newSecretKey: skB, newSuite: 'nostr' },
  skA,
  'ed25519',
  T0 + 3,
);
const e4 = await createEvent(
  e3,
  { op: 'revoke', target: claimId(claimA), reason: 'old' },
  skB,
  'nostr',
  T0 + 4,
);
const chain = [e1, e2, e3, e4];

function withFields(e: ChainEvent, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...(e as unknown as Record<string, unknown>), ...fields };
}

describe('events', () => {
  test('createEvent links seq, prev and chain; a rotate carries a valid countersignature', async () => {
    assert.deepEqual(
      chain.map((e) => [e.seq, e.chain, e.signer]),
      [
        [1, A, A],
        [2, A, A],
        [3, A, A],
        [4, A, refOf('nostr', skB)],
      ],
    );
    assert.equal(e1.prev, null);
    assert.equal(e2.prev, eventId(e1));
    assert.equal(e4.prev, eventId(e3));
    const r = e3 as Extract<ChainEvent, { op: 'rotate' }>;
    const ok = await nostr.verify(
      Buffer.from(r.countersig, 'hex'),
      signingDigest('rotate-countersign', r, ['sig', 'countersig']),
      getSuite('nostr').getPublicKey(skB),
    );
    assert.ok(ok);
  });

  test('createEvent never dates an event before the one it follows', async () => {
    const e = await createEvent(
      e1,
      { op: 'revoke', target: 'aa'.repeat(32) },
      skA,
      'ed25519',
      T0 - 500,
    );
    assert.equal(e.created_at, e1.created_at);
  });

  test('parseEvent rejects what SPEC §8.1/§8.2 forbid, naming the problem', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [withFields(e1, { note: 'x' }), /unknown field "note"/],
      [withFields(e1, { target: 'aa'.repeat(32) }), /unknown field "target"/],
      [withFields(e1, { op: 'merge' }), /unknown op "merge"/],
      [withFields(e1, { kez: '0.3' }), /"kez" must be "0.2"/],
      [withFields(e1, { seq: 0 }), /"seq" must be an integer >= 1/],
      [withFields(e1, { seq: 1.5 }), /"seq"/],
      [withFields(e2, { prev: 'AB'.repeat(32) }), /"prev" must be 64 lowercase hex/],
      [withFields(e1, { signer: A.toUpperCase() }), /signer|suite/],
      [withFields(e2, { name: 'x'.repeat(65) }), /"name" is longer than 64/],
      [withFields(e2, { expires_at: T0 + 2 }), /"expires_at" must be after "created_at"/],
      [withFields(e4, { reason: 7 }), /"reason" must be a string/],
    ];
    const noCounter = withFields(e3, {});
    delete noCounter.countersig;
    cases.push([noCounter, /no "countersig"/]);
    for (const [value, re] of cases)
      assert.throws(
        () => parseEvent(value),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
  });

  test('names are counted in code points: 64 emoji fit', () => {
    assert.equal(parseEvent(withFields(e2, { name: '\u{1F600}'.repeat(64) })).op, 'add_device');
  });

  test('one canonicalization gives the same ids and digests as canonicalizing each object (SPEC §4.3, §4.5)', () => {
    const cache = new Map();
    for (const e of chain) {
      const p = prepareEvent(e, 0, cache);
      assert.equal(p.id, eventId(e));
      assert.deepEqual(p.digest, signingDigest('event', e));
      if (e.op === 'rotate')
        assert.deepEqual(
          p.rotate!.digest,
          signingDigest('rotate-countersign', e, ['sig', 'countersig']),
        );
      if (e.op === 'add') {
        assert.equal(p.claim!.id, claimId(e.claim));
        assert.deepEqual(p.claim!.digest, signingDigest('claim', e.claim));
      }
    }
  });
});

describe('validateChain', () => {
  test('a four-event chain across both suites: rotate, device, revoke', async () => {
    const s = await validateChain([e4, e2, e1, e3, e2], { now: NOW });
    assert.equal(s.end.kind, 'complete');
    assert.equal(s.chain, A);
    assert.equal(s.current, refOf('nostr', skB));
    assert.deepEqual(
      s.rotated.map((r) => [r.key, r.at.seq]),
      [[A, 3]],
    );
    assert.deepEqual(Object.keys(s.devices), [D]);
    assert.equal(s.devices[D]!.name, 'phone \u{1F4F1}');
    assert.deepEqual(Object.keys(s.liveClaims), []);
    assert.equal(s.revokedClaims[claimId(claimA)]!.reason, 'old');
    assert.equal(s.revokedClaims[claimId(claimA)]!.claim?.subject, 'github:alice');
    assert.deepEqual(s.head, { seq: 4, id: eventId(e4), at: T0 + 4 });
    assert.equal(s.events.length, 4);
  });

  test('never throws on hostile values; each is dropped with a reason', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = [cyclic];
    const hostile: unknown[] = [
      null,
      1,
      'x',
      [],
      {},
      { seq: Number.NaN },
      { seq: 1e300, chain: A },
      { chain: 5, seq: 1 },
      withFields(e1, { name: '\ud800' }),
      withFields(e1, { created_at: -1 }),
      withFields(e1, { sig: 'zz' }),
      withFields(e1, { signer: 'ed25519:' + '00'.repeat(32) }),
      withFields(e1, { extra: Number.POSITIVE_INFINITY }),
      withFields(e1, { extra: 10n }),
      withFields(e1, { extra: () => 1 }),
      { kez: '0.2', seq: 3 },
      withFields(e1, { extra: cyclic }),
    ];
    const s = await validateChain(hostile, { now: NOW, chain: A });
    assert.equal(s.end.kind, 'complete');
    assert.equal(s.head, null);
    assert.equal(s.dropped.length, hostile.length);
    for (const d of s.dropped) assert.ok(d.detail.length > 0);
    const notArray = await validateChain('x' as unknown as unknown[], { now: NOW });
    assert.equal(notArray.dropped[0]!.why, 'malformed');
  });

  test('jcsByValue: each candidate read as an event → its JCS; ill-typed ones are not there', async () => {
    const junk = [null, { seq: 1 }, withFields(e1, { sig: 'zz' })];
    const extra = withFields(e2, { extra: 'not an e2 field' });
    const values: unknown[] = [e4, e2, e1, e3, e2, extra, ...junk];
    const jcsByValue = new Map<object, string>();
    const s = await validateChain(values, { now: NOW, jcsByValue });
    assert.equal(s.end.kind, 'complete');
    // Strict events (joined from their op's fields), an authentic-shaped one with an unknown
    // field (canonicalized member by member), and the duplicate e2 — all with their RFC 8785 text.
    assert.deepEqual([...jcsByValue.keys()], [e4, e2, e1, e3, extra]);
    for (const [v, jcs] of jcsByValue) {
      assert.equal(jcs, canonicalize(v));
      assert.equal(toHex(sha256(utf8(jcs))), eventId(v as ChainEvent));
    }
    // extendChain fills it the same way.
    const more = new Map<object, string>();
    const { events } = buildChain(3, () => 'revoke');
    const first = await validateChain(events.slice(0, 1), { now: T0 + 100 });
    await extendChain(first, events.slice(1), { now: T0 + 100, jcsByValue: more });
    assert.deepEqual([...more.keys()], events.slice(1));
    for (const [v, jcs] of more) assert.equal(jcs, canonicalize(v));
  });

  test('a 2,000-event chain validates in one pass', async () => {
    const { key, events } = buildChain(2000, (i) =>
      i % 2 === 0 ? 'add' : i % 50 === 1 ? 'add_device' : 'revoke',
    );
    const s = await validateChain(events, { now: T0 + 10_000, chain: key.ref });
    assert.deepEqual(s.end, { kind: 'complete' });
    assert.equal(s.head!.seq, 2000);
    assert.equal(Object.keys(s.liveClaims).length, 1000);
    assert.equal(Object.keys(s.revokedClaims).length, 960);
    assert.equal(Object.keys(s.devices).length, 40);
    assert.equal(s.unapplied.length + s.dropped.length, 0);
  });
});

describe('judgeClaim (SPEC §9.3 order)', () => {
  test('a revocation before a fork still says revoked; other claims say fork', async () => {
    const c2 = await createClaim({
      subject: 'dns:a.example',
      suite: 'ed25519',
      secretKey: skA,
      now: T0,
    });
    const r = await createEvent(
      e1,
      { op: 'revoke', target: claimId(claimA) },
      skA,
      'ed25519',
      T0 + 2,
    );
    const f1 = await createEvent(r, { op: 'add', claim: c2 }, skA, 'ed25519', T0 + 3);
    const f2 = await createEvent(r, { op: 'revoke', target: claimId(c2) }, skA, 'ed25519', T0 + 3);
    const s = await validateChain([e1, r, f1, f2], { now: NOW });
    assert.equal(s.end.kind, 'fork');
    assert.deepEqual(judgeClaim(claimA, s, NOW), {
      status: 'revoked',
      reason: 'revoked',
      detail: 'revoked at seq 2',
      listed: true,
    });
    assert.equal(judgeClaim(c2, s, NOW).reason, 'fork');
  });

  test('a claim by the current key that names a primary is not_in_chain; a device claim needs a chain primary', async () => {
    const s = await validateChain([e1, e2], { now: NOW });
    const stray = await createClaim({
      subject: 'github:alice',
      suite: 'ed25519',
      secretKey: skA,
      now: T0,
      primary: D,
    });
    assert.equal(judgeClaim(stray, s, NOW).reason, 'not_in_chain');
    const dev = await createClaim({
      subject: 'github:alice',
      suite: 'ed25519',
      secretKey: skD,
      now: T0,
      primary: A,
    });
    const v = judgeClaim(dev, s, NOW);
    assert.deepEqual([v.status, v.reason, v.listed], ['valid', 'ok', false]);
    assert.equal(judgeClaim(dev, s, T0 + 7200).reason, 'device_expired');
  });
});

describe('bundle (SPEC §8.9)', () => {
  test('export is byte-identical whatever the order and duplicates; LF after every line', () => {
    const a = exportBundle(chain);
    const b = exportBundle([e4, e3, e2, e1, e3, JSON.parse(JSON.stringify(e2)) as object]);
    assert.equal(a, b);
    assert.equal(a.split('\n').length, 5);
    assert.ok(a.endsWith('\n'));
    assert.equal(exportBundle([]), '');
  });

  test('parse reads back what export wrote, and tolerates non-JCS lines, a missing final LF and CRLF', () => {
    const text = exportBundle(chain);
    assert.equal(exportBundle(parseBundle(text) as object[]), text);
    assert.equal(exportBundle(parseBundle(utf8(text)) as object[]), text);
    const loose = chain.map((e) => JSON.stringify(e, null, 1).replace(/\n/g, ' ')).join('\r\n');
    assert.equal(exportBundle(parseBundle(loose) as object[]), text);
    assert.deepEqual(parseBundle(''), []);
  });

  test('parse rejects the bundle as a whole, naming the line', () => {
    const line = JSON.stringify(e1);
    const cases: [string | Uint8Array, RegExp, string?][] = [
      ['\ufeff' + line + '\n', /byte-order mark/],
      [line + '\n\n' + line + '\n', /line 2 is empty/],
      [line + '\n\n', /line 2 is empty/],
      [line + '\n[1]\n', /line 2 is not a JSON object/],
      [line + '\n{"a":1,"a":2}\n', /line 2: invalid JSON: duplicate key "a"/],
      [line + '\n{"a":\n', /line 2: invalid JSON/],
      [line + '\n{"a":"\\ud800"}\n', /line 2: invalid JSON: lone surrogate/],
      [Uint8Array.from([0x7b, 0xff, 0x7d, 0x0a]), /not valid UTF-8/],
    ];
    for (const [input, re] of cases)
      assert.throws(
        () => parseBundle(input),
        (e: unknown) => e instanceof InputError && e.code === 'malformed' && re.test(e.message),
      );
    const tooLarge = (f: () => unknown) =>
      assert.throws(f, (e: unknown) => e instanceof KezError && e.code === 'too_large');
    tooLarge(() => parseBundle(line + '\n', { maxBytes: 10 }));
    tooLarge(() => parseBundle(utf8(line + '\n'), { maxBytes: 10 }));
    tooLarge(() => parseBundle(`${line}\n${line}\n`, { maxEvents: 1 }));
  });
});
