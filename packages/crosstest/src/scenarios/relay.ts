/**
 * A nostr proof event produced by KEZ's own publisher (@kez/channels
 * nostrChannel.proofEvent, SPEC §7.4) is accepted by a real relay
 * (@nostr-relay, testkit) and comes back from the SPEC's own filter; a
 * tampered one is refused; nostr-tools' verifyEvent and libsecp256k1
 * (nostr-wasm, the engine of nostr-tools/wasm) check its NIP-01 id and
 * signature on a fresh parse.
 */
import {
  checkClaim,
  claimId,
  createClaim,
  decodeClaim,
  encodeClaim,
  getSuite,
  npubEncode,
  toHex,
} from '@kez/core';
import { initNostrWasm } from 'nostr-wasm';
import type { Ctx } from '../context.js';
import { nip01Id, PROOF_D_TAG, PROOF_KIND, RelayClient } from '../nostr-proof.js';
import type { NostrEvent } from '../nostr-proof.js';
import { check } from '../runner.js';
import type { Scenario } from '../runner.js';
import { memo } from '../context.js';

interface Proof {
  event: NostrEvent;
  subject: string;
  key: string;
  id: string;
}

export function relayScenarios(ctx: Ctx): Scenario[] {
  // One proof: a nostr claim for the key's own nostr identity, compact, in its event.
  const proof = memo(
    (which: string) => which,
    async (_which: string): Promise<Proof> => {
      const suite = getSuite('nostr');
      const sk = suite.generateSecretKey();
      const subject = `nostr:${npubEncode(suite.getPublicKey(sk))}`;
      const claim = await createClaim({ subject, suite: 'nostr', secretKey: sk, now: ctx.now() });
      // Loaded here: the channels package pulls in every channel, only this scenario needs it.
      const { nostrChannel } = await import('@kez/channels');
      const event = await nostrChannel.proofEvent(claim, sk, ctx.now());
      return { event, subject, key: claim.key, id: claimId(claim) };
    },
  );
  const filter = (p: Proof) => ({
    kinds: [PROOF_KIND],
    authors: [p.event.pubkey],
    '#d': [PROOF_D_TAG],
  });

  return [
    {
      name: 'indep/relay-accepts-proof',
      async run() {
        const p = await proof('published');
        const relay = await ctx.relay();
        const c = await RelayClient.open(relay.url);
        try {
          const art = { event: JSON.stringify(p.event) };
          const r = await c.publish(p.event);
          check(r.ok, `relay refused KEZ's proof event: ${r.message}`, art);
          const got = await c.query(filter(p));
          check(got.length === 1, `the SPEC §7.4 filter returned ${got.length} events, not 1`, art);
          const back = JSON.parse(got[0]!) as NostrEvent;
          // nostr-tools checks the id and signature of a fresh parse of what the relay sent.
          const { verifyEvent } = await import('nostr-tools/pure');
          check(
            verifyEvent(JSON.parse(got[0]!) as NostrEvent),
            'nostr-tools verifyEvent rejects the event',
            art,
          );
          check(
            back.id === p.event.id && back.sig === p.event.sig && back.content === p.event.content,
            'the relay returned a different event',
            { ...art, returned: got[0]! },
          );
          // The content decodes and verifies in Node and in Chromium, for the npub identity.
          const d = await decodeClaim(back.content);
          const v = await checkClaim(d.claim, { subject: p.subject, key: p.key, now: ctx.now() });
          check(v.status === 'valid', `Node core: ${v.status}/${v.reason}`, art);
          const b = await ctx.browser.core('checkClaimText', back.content, {
            subject: p.subject,
            key: p.key,
            now: ctx.now(),
          });
          check(
            b.status === 'valid' && b.id === p.id,
            `Chromium core: ${b.status}/${b.reason}`,
            art,
          );
          return art;
        } finally {
          c.close();
        }
      },
    },
    {
      name: 'indep/relay-rejects-tampered',
      // A proof of its own that is never published, so no relay answer can be
      // "duplicate": each tampered form must be refused on its own merits.
      async run() {
        const p = await proof('tampered');
        const relay = await ctx.relay();
        const c = await RelayClient.open(relay.url);
        try {
          const other = await createClaim({
            subject: p.subject,
            suite: 'nostr',
            secretKey: getSuite('nostr').generateSecretKey(),
            now: ctx.now(),
          });
          const content = await encodeClaim(other, 'compact');
          // The bit flip gets its own event: relays answer a repeated id from cache.
          const q = await proof('tampered-sig');
          const sigBytes = Buffer.from(q.event.sig, 'hex');
          sigBytes[10]! ^= 0x01;
          const tampered: [string, NostrEvent][] = [
            // id recomputed for the new content, the old signature kept
            [
              'content swapped, id recomputed',
              { ...p.event, content, id: nip01Id({ ...p.event, content }) },
            ],
            // id and signature kept, content changed
            ['content swapped, id kept', { ...p.event, content }],
            ['signature bit flipped', { ...q.event, sig: toHex(sigBytes) }],
          ];
          const art: Record<string, string> = {};
          for (const [what, e] of tampered) {
            art[what] = JSON.stringify(e);
            const r = await c.publish(e);
            art[`${what}: relay said`] = r.message;
            check(!r.ok, `relay accepted a tampered event (${what}): ${r.message}`, art);
          }
          const got = [...(await c.query(filter(p))), ...(await c.query(filter(q)))];
          check(got.length === 0, `the relay stored ${got.length} tampered events`, art);
          return art;
        } finally {
          c.close();
        }
      },
    },
    {
      name: 'indep/libsecp256k1-proof-event',
      async run() {
        const p = await proof('published');
        const wasm = await initNostrWasm();
        const text = JSON.stringify(p.event);
        const art = { event: text };
        // verifyEvent throws with a reason when the id or signature is wrong.
        wasm.verifyEvent(JSON.parse(text) as NostrEvent);
        const bad = JSON.parse(text) as NostrEvent;
        bad.content = bad.content.slice(0, -2) + (bad.content.endsWith('A') ? 'BB' : 'AA');
        let refused = false;
        try {
          wasm.verifyEvent(bad);
        } catch {
          refused = true;
        }
        check(refused, 'libsecp256k1 accepted an event whose content was changed', art);
        return art;
      },
    },
  ];
}
