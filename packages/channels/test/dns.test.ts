/**
 * dns: against a real Knot DNS (testkit), over node:dns and over RFC 8484 DoH
 * through dnsdist. The zone is built from the very lines `publish` prints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdentity } from '@kez/core';
import type { Claim } from '@kez/core';
import { dnsChannel, verifyIdentity } from '@kez/channels';
import { startDnsdist, startKnot } from '@kez/testkit';
import type { Dnsdist, Knot } from '@kez/testkit';
import { claimFor, newKey, tampered, testContext } from './helpers.js';

const ORIGIN = 'example.test';
const key = newKey('ed25519');
const other = newKey('nostr');
let knot: Knot;
let doh: Dnsdist;

/** The rdata part of a printed zone line: everything after `IN TXT `. */
const rdataOf = (line: string) => line.slice(line.indexOf(' IN TXT ') + 8);
const line = async (subject: string, c: Claim | Promise<Claim> = claimFor(subject, key)) =>
  dnsChannel.dnsZoneLine(await c, parseIdentity(subject));

before(async () => {
  const zone = [
    `$ORIGIN ${ORIGIN}.`,
    '$TTL 60',
    `@ SOA ns1.${ORIGIN}. hostmaster.${ORIGIN}. 1 3600 600 86400 60`,
    '@ NS ns1',
    'ns1 A 127.0.0.1',
    // `kez publish dns:alice.example.test` output, pasted into the zone as is.
    await line('dns:alice.example.test'),
    await line('dns:bob.example.test', tampered(await claimFor('dns:bob.example.test', key))),
    await line('dns:carol.example.test', claimFor('dns:other.test', key)),
    // Two records at one name: unrelated text and a proof; each is its own candidate.
    '_kez.dan TXT "v=spf1 -all"',
    await line('dns:dan.example.test'),
  ].join('\n');
  knot = await startKnot({ zone, origin: ORIGIN });
  doh = await startDnsdist({ upstreamPort: knot.port });
});
after(async () => {
  await doh?.stop();
  await knot?.stop();
});

const viaDns = () => testContext({ dnsServers: [knot.server] });
const viaDoh = () => testContext({ dohUrl: doh.url });

describe('dns channel', () => {
  test('the printed zone line is one TXT of ≤255-byte quoted strings', async () => {
    const l = await line('dns:alice.example.test');
    assert.match(
      l,
      /^_kez\.alice\.example\.test\. 3600 IN TXT "kez:z1:[A-Za-z0-9_-]+"( "[A-Za-z0-9_-]+")+$/,
    );
    for (const s of rdataOf(l).split(' ')) assert.ok(s.length - 2 <= 255);
  });

  for (const [name, ctx] of [
    ['node:dns', viaDns],
    ['DoH', viaDoh],
  ] as const) {
    test(`${name}: a published proof verifies valid`, async () => {
      const r = await verifyIdentity('dns:alice.example.test', { ctx: ctx(), key: key.ref });
      assert.equal(r.status, 'valid', r.detail);
      assert.equal(r.location, '_kez.alice.example.test TXT');
      assert.equal(r.binding?.kind, 'transport');
      assert.match(
        r.binding!.detail,
        name === 'DoH' ? /DNS-over-HTTPS/ : /DNS answer from 127\.0\.0\.1/,
      );
    });
  }

  test('another key than --key → key_mismatch; tampered signature → bad_signature', async () => {
    const r = await verifyIdentity('dns:alice.example.test', { ctx: viaDns(), key: other.ref });
    assert.equal(r.reason, 'key_mismatch');
    assert.equal(r.status, 'invalid');
    const r2 = await verifyIdentity('dns:bob.example.test', { ctx: viaDoh() });
    assert.equal(r2.reason, 'bad_signature');
  });

  test('a claim for another domain at this name is not a proof (subject_mismatch: DNS has no account apart from the zone)', async () => {
    const r = await verifyIdentity('dns:carol.example.test', { ctx: viaDns() });
    assert.equal(r.reason, 'subject_mismatch');
  });

  test('several records: each is a candidate, the proof among them wins', async () => {
    const r = await verifyIdentity('dns:dan.example.test', { ctx: viaDns() });
    assert.equal(r.status, 'valid', r.detail);
    assert.equal(r.texts, 1); // the SPF record is not a candidate (SPEC §6.4)
  });

  test('records changed at run time; proof removed → not_found; no such name → not_found', async () => {
    await knot.setRecords('_kez.erin', 'TXT', [rdataOf(await line('dns:erin.example.test'))]);
    assert.equal(
      (await verifyIdentity('dns:erin.example.test', { ctx: viaDns() })).status,
      'valid',
    );
    await knot.removeRecord('_kez.erin', 'TXT');
    for (const ctx of [viaDns(), viaDoh()]) {
      const r = await verifyIdentity('dns:erin.example.test', { ctx });
      assert.equal(r.status, 'invalid');
      assert.equal(r.reason, 'not_found');
    }
    assert.equal(
      (await verifyIdentity('dns:nobody.example.test', { ctx: viaDoh() })).reason,
      'not_found',
    );
  });

  test('peer stopped → unreachable (node:dns and DoH)', async () => {
    const k2 = await startKnot({
      zone: `@ SOA ns1 h 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n`,
      origin: 'gone.test',
    });
    const d2 = await startDnsdist({ upstreamPort: k2.port });
    await d2.stop();
    await k2.stop();
    const t0 = performance.now();
    const r = await verifyIdentity('dns:gone.test', {
      ctx: testContext({ dnsServers: [k2.server], timeoutMs: 1000 }),
    });
    assert.equal(r.status, 'unreachable', r.detail);
    const r2 = await verifyIdentity('dns:gone.test', {
      ctx: testContext({ dohUrl: d2.url, timeoutMs: 1000 }),
    });
    assert.equal(r2.status, 'unreachable', r2.detail);
    assert.equal(r2.reason, 'network_error');
    assert.ok(performance.now() - t0 < 2500);
  });
});
