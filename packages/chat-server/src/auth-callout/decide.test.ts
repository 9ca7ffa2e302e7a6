/** The pure log-in decision, on real signatures and real processed sigchains. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalize, createEvent, validateChain } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { signLogin } from '../login.js';
import { generateSigner } from '../signer.js';
import type { SyncSigner } from '../signer.js';
import { USER_INFO_SUBJECT, userToken } from '../subjects.js';
import { DEFAULT_POLICY, decideLogin } from './decide.js';
import type { ChainLookup, Decision } from './decide.js';

const NOW = 1_764_000_000;
const NONCE = 'nonce-AbCdEfGh123';

async function decide(
  signer: SyncSigner,
  o: {
    nonce?: string;
    serverNonce?: string | undefined;
    seen?: boolean;
    at?: number;
    primary?: string;
    chain?: ChainLookup;
    rooms?: string[];
    token?: string;
    sig?: string;
  } = {},
): Promise<Decision> {
  const f = signLogin(signer, o.nonce ?? NONCE, o.at ?? NOW, o.primary);
  return decideLogin({
    token: o.token ?? f.auth_token,
    sig: o.sig ?? f.sig,
    challenge: { nonce: 'serverNonce' in o ? o.serverNonce : NONCE, seenBefore: o.seen ?? false },
    chain: o.chain ?? { type: 'none' },
    rooms: o.rooms ?? [],
    now: NOW,
  });
}

async function chainOf(events: ChainEvent[]): Promise<ChainLookup> {
  return { type: 'found', state: await validateChain(events, { now: NOW }) };
}

function reason(d: Decision): string {
  return d.allow ? 'ok' : d.reason;
}

describe('decideLogin: the log-in itself', () => {
  for (const suite of ['ed25519', 'nostr'] as const)
    test(`${suite}: a key without a sigchain logs in as itself`, async () => {
      const s = generateSigner(suite);
      const d = await decide(s, { rooms: ['general'] });
      assert.ok(d.allow);
      assert.equal(d.userId, s.key);
      assert.equal(d.expires, NOW + DEFAULT_POLICY.ttl);
      const me = userToken(s.key);
      // Every publish grant carries the user's own token (or is NATS's own "who am I").
      for (const p of d.permissions.pub.allow)
        assert.ok(p === USER_INFO_SUBJECT || p.split('.').includes(me), p);
      assert.ok(d.permissions.sub.allow.includes('kez.chat.room.general.>'));
      assert.ok(
        !d.permissions.sub.allow.some(
          (x) => x.includes('>') && !x.includes(me) && !x.includes('general'),
        ),
      );
    });

  test('refusals, each with its reason', async () => {
    const s = generateSigner('ed25519');
    const other = generateSigner('ed25519');
    const f = signLogin(s, NONCE, NOW);
    const cases: [string, Promise<Decision>][] = [
      ['no_nonce', decide(s, { serverNonce: undefined })],
      ['replayed', decide(s, { nonce: 'another-nonce-123' })],
      ['replayed', decide(s, { seen: true })],
      ['challenge_expired', decide(s, { at: NOW - DEFAULT_POLICY.maxAge - 1 })],
      ['not_yet_valid', decide(s, { at: NOW + DEFAULT_POLICY.skew + 1 })],
      ['bad_signature', decide(s, { sig: signLogin(other, NONCE, NOW).sig })],
      ['bad_signature', decide(s, { token: f.auth_token.replace(`${NOW}`, `${NOW - 1}`) })],
      ['malformed', decide(s, { token: f.auth_token.replace('{', '{"extra":1,') })],
      [
        'malformed',
        decide(s, {
          token: f.auth_token.replace(s.key, s.key.toUpperCase().replace('ED25519', 'ed25519')),
        }),
      ],
      ['malformed', decide(s, { sig: 'zz' })],
      ['malformed', decide(s, { token: '[1]' })],
      // A small-order ed25519 key (the identity point) with the all-zero forgery.
      [
        'weak_key',
        decide(s, {
          token: canonicalize({
            kez: '0.2',
            type: 'chat-login',
            key: `ed25519:01${'0'.repeat(62)}`,
            nonce: NONCE,
            created_at: NOW,
          }),
          sig: `01${'0'.repeat(126)}`,
        }),
      ],
    ];
    for (const [want, d] of cases) assert.equal(reason(await d), want);
  });
});

describe('decideLogin: the sigchain', () => {
  test('rotation: the old key is refused, the new one logs in as the chain id', async () => {
    const a = generateSigner('ed25519');
    const b = generateSigner('nostr');
    const rot = await createEvent(
      null,
      { op: 'rotate', newSuite: 'nostr', newSecretKey: b.secret },
      a.secret,
      'ed25519',
      NOW - 100,
    );
    const chain = await chainOf([rot]);
    assert.equal(reason(await decide(a, { chain })), 'key_rotated');
    const d = await decide(b, { chain });
    assert.ok(d.allow);
    assert.equal(d.userId, a.key);
  });

  test('devices: live with primary named → ok; revoked, expired, or unnamed primary → refused', async () => {
    const p = generateSigner('ed25519');
    const d1 = generateSigner('ed25519');
    const d2 = generateSigner('nostr');
    const e1 = await createEvent(
      null,
      { op: 'add_device', device: d1.key },
      p.secret,
      'ed25519',
      NOW - 100,
    );
    const e2 = await createEvent(
      e1,
      { op: 'add_device', device: d2.key, expires_at: NOW - 10 },
      p.secret,
      'ed25519',
      NOW - 90,
    );
    let chain = await chainOf([e1, e2]);
    const ok = await decide(d1, { chain, primary: p.key });
    assert.ok(ok.allow);
    assert.equal(ok.userId, p.key);
    assert.equal(reason(await decide(d1, { chain })), 'not_in_chain');
    assert.equal(reason(await decide(d2, { chain, primary: p.key })), 'device_expired');
    assert.equal(
      reason(await decide(d1, { chain: { type: 'none' }, primary: p.key })),
      'not_in_chain',
    );
    const e3 = await createEvent(
      e2,
      { op: 'revoke_device', device: d1.key },
      p.secret,
      'ed25519',
      NOW - 80,
    );
    chain = await chainOf([e1, e2, e3]);
    assert.equal(reason(await decide(d1, { chain, primary: p.key })), 'device_revoked');
    // A stranger cannot borrow the chain by naming it.
    assert.equal(
      reason(await decide(generateSigner('ed25519'), { chain, primary: p.key })),
      'not_in_chain',
    );
  });

  test('a forked chain, a chain with a gap, an unreachable chain → refused', async () => {
    const p = generateSigner('ed25519');
    const e1 = await createEvent(
      null,
      { op: 'add_device', device: generateSigner('ed25519').key },
      p.secret,
      'ed25519',
      NOW - 100,
    );
    const fa = await createEvent(
      e1,
      { op: 'add_device', device: generateSigner('ed25519').key },
      p.secret,
      'ed25519',
      NOW - 90,
    );
    const fb = await createEvent(
      e1,
      { op: 'add_device', device: generateSigner('ed25519').key },
      p.secret,
      'ed25519',
      NOW - 90,
    );
    assert.equal(reason(await decide(p, { chain: await chainOf([e1, fa, fb]) })), 'fork');
    const e3 = await createEvent(
      fa,
      { op: 'add_device', device: generateSigner('ed25519').key },
      p.secret,
      'ed25519',
      NOW - 80,
    );
    assert.equal(reason(await decide(p, { chain: await chainOf([e1, e3]) })), 'chain_gap');
    const failed: ChainLookup = { type: 'failed', reason: 'chain_unavailable', detail: 'HTTP 503' };
    assert.equal(reason(await decide(p, { chain: failed })), 'chain_unavailable');
    assert.equal(reason(await decide(p, { chain: await chainOf([e1, fa]) })), 'ok');
  });
});
