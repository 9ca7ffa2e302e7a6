/**
 * From what relays sent to the proof (SPEC §7.4): keep only authentic events
 * (NIP-01 id and signature checked here, created_at not too far ahead),
 * honour NIP-09 deletions, pick the newest version of the addressable event,
 * and say who published it. Pure (no I/O); async only because signature
 * checks are.
 */
import { CLOCK_SKEW_SECONDS, npubEncode, fromHex, KezError } from '@kez/core';
import type { FetchOutcome, ProofText } from '../types.js';
import { checkEvent, parseEvent, tagValue } from './event.js';
import type { NostrEvent } from './event.js';
import { DELETION_KIND, PROOF_D_TAG, PROOF_KIND, proofAddress, RELAY_LIST_KIND } from './locate.js';
import type { RelayQuery } from './relay.js';

export interface SeenEvent {
  event: NostrEvent;
  /** The first relay that sent it. */
  relay: string;
}

export interface Authentic {
  events: SeenEvent[];
  /** Events dropped because they failed a NIP-01 check or are dated too far ahead. */
  junk: { relay: string; why: string }[];
}

/**
 * Every event the relays sent that passes NIP-01 (shape, id, BIP-340 sig,
 * time), once per id. With `after` (the result for earlier answers of the
 * same lookup), events it already holds are not checked again and the result
 * includes it: a lookup that asks more relays checks each event once.
 */
export async function authenticEvents(
  queries: RelayQuery[],
  now: number,
  after?: Authentic,
): Promise<Authentic> {
  const out: Authentic = { events: [...(after?.events ?? [])], junk: [...(after?.junk ?? [])] };
  const seen = new Set(out.events.map((s) => s.event.id));
  for (const q of queries) {
    for (const raw of q.events) {
      let ev: NostrEvent;
      try {
        ev = parseEvent(raw);
      } catch (e) {
        if (!(e instanceof KezError)) throw e;
        out.junk.push({ relay: q.relay, why: e.message });
        continue;
      }
      if (seen.has(ev.id)) continue;
      const check = await checkEvent(ev);
      if (!check.ok) {
        out.junk.push({
          relay: q.relay,
          why: `event ${ev.id}: the ${check.problem} does not verify`,
        });
        continue;
      }
      if (ev.created_at > now + CLOCK_SKEW_SECONDS) {
        out.junk.push({ relay: q.relay, why: `event ${ev.id} is dated in the future` });
        continue;
      }
      seen.add(ev.id);
      out.events.push({ event: ev, relay: q.relay });
    }
  }
  return out;
}

/** NIP-01 replaceable order: greatest created_at first; on a tie, the lowest id. */
function newestFirst(a: SeenEvent, b: SeenEvent): number {
  return b.event.created_at - a.event.created_at || (a.event.id < b.event.id ? -1 : 1);
}

/**
 * The write relays (NIP-65: `r` tags marked `write` or unmarked) of the
 * author's newest relay list, as raw strings for locate.normalizeRelayUrl.
 */
export function writeRelays(events: SeenEvent[], pubkey: string): string[] {
  const lists = events
    .filter((s) => s.event.kind === RELAY_LIST_KIND && s.event.pubkey === pubkey)
    .sort(newestFirst);
  const newest = lists[0];
  if (!newest) return [];
  return newest.event.tags
    .filter(
      (t) => t[0] === 'r' && typeof t[1] === 'string' && (t[2] === undefined || t[2] === 'write'),
    )
    .map((t) => t[1]!);
}

/** NIP-09: a deletion by the author naming the event's id, or its address at or after its time. */
function isDeleted(ev: NostrEvent, deletions: NostrEvent[]): NostrEvent | undefined {
  const address = proofAddress(ev.pubkey);
  return deletions.find(
    (d) =>
      d.pubkey === ev.pubkey &&
      d.tags.some(
        (t) =>
          (t[0] === 'e' && t[1] === ev.id) ||
          (t[0] === 'a' && t[1] === address && d.created_at >= ev.created_at),
      ),
  );
}

function isProofEvent(ev: NostrEvent): boolean {
  return ev.kind === PROOF_KIND && tagValue(ev, 'd') === PROOF_D_TAG;
}

/** SPEC §7.4 extract: the content must be the compact or json encoding. */
function holdsClaim(content: string): boolean {
  const t = content.trim();
  return t.startsWith('{') || t.startsWith('kez:');
}

function npubOf(hex: string): string {
  return npubEncode(fromHex(hex, 32, 'pubkey'));
}

function evidence(queries: RelayQuery[], junk: Authentic['junk']): string {
  const parts: string[] = [];
  const down = queries.filter((q) => q.failure);
  if (down.length) parts.push(`no answer from ${down.map((q) => q.failure!.detail).join('; ')}`);
  if (junk.length) parts.push(`discarded ${junk.length} inauthentic event(s): ${junk[0]!.why}`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/**
 * Decide the fetch outcome for author `pubkey` from every relay's answer.
 *
 * @example
 * const outcome = await matchProof(hex, [await queryRelay(url, proofFilters(hex, true), opts)], now);
 */
export async function matchProof(
  pubkey: string,
  queries: RelayQuery[],
  now: number,
): Promise<FetchOutcome> {
  return decideProof(pubkey, queries, await authenticEvents(queries, now));
}

/** matchProof for answers already checked by authenticEvents (each event is verified once). */
export function decideProof(
  pubkey: string,
  queries: RelayQuery[],
  { events, junk }: Authentic,
): FetchOutcome {
  const asked = queries.map((q) => q.relay).join(', ');
  const deletions = events
    .filter((s) => s.event.kind === DELETION_KIND && s.event.pubkey === pubkey)
    .map((s) => s.event);
  const proofs = events.filter((s) => isProofEvent(s.event));
  const own = proofs.filter((s) => s.event.pubkey === pubkey).sort(newestFirst);

  const live = own.filter((s) => !isDeleted(s.event, deletions));
  const newest = live[0];
  if (newest) {
    const ev = newest.event;
    const location = `${newest.relay} event ${ev.id}`;
    if (!holdsClaim(ev.content))
      return {
        type: 'absent',
        location,
        detail: `the newest kez-claim event (${ev.created_at}) holds no claim: the proof was removed`,
      };
    const text: ProofText = {
      text: ev.content,
      location,
      owner: npubOf(ev.pubkey),
      binding: { kind: 'signature', detail: `nostr event ${ev.id} signed by ${npubOf(ev.pubkey)}` },
    };
    return { type: 'found', texts: [text] };
  }
  if (own.length) {
    const del = isDeleted(own[0]!.event, deletions)!;
    return {
      type: 'absent',
      location: `${own[0]!.relay} event ${own[0]!.event.id}`,
      detail: `the proof event was deleted (NIP-09 request ${del.id})`,
    };
  }

  // Authentic proof events by someone else, sent for this author's query: a
  // relay (or a mirror) passing off another account's proof (SPEC §9.2 binding).
  const others = proofs.filter((s) => s.event.pubkey !== pubkey).sort(newestFirst);
  if (others.length) {
    const firstPerAuthor = others.filter(
      (s, i) => others.findIndex((o) => o.event.pubkey === s.event.pubkey) === i,
    );
    return {
      type: 'found',
      texts: firstPerAuthor.slice(0, 4).map((s) => ({
        text: s.event.content,
        location: `${s.relay} event ${s.event.id}`,
        owner: npubOf(s.event.pubkey),
        ownerDetail: `the event is signed by ${npubOf(s.event.pubkey)}, not ${npubOf(pubkey)}`,
        binding: {
          kind: 'signature',
          detail: `nostr event ${s.event.id} signed by ${npubOf(s.event.pubkey)}`,
        },
      })),
    };
  }

  if (queries.some((q) => q.complete))
    return {
      type: 'absent',
      location: asked,
      detail: `no kez-claim event by ${npubOf(pubkey)} on ${asked}${evidence(queries, junk)}`,
    };
  const first = queries.find((q) => q.failure)?.failure;
  return {
    type: 'failed',
    reason: first?.reason ?? 'network_error',
    location: asked,
    detail: `no relay answered${evidence(queries, junk)}`,
  };
}
