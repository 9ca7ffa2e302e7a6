/**
 * Claims made in the page and the proof text to publish for each channel
 * (SPEC §7): the exact zone-file line for DNS, the gist file for GitHub,
 * the compact claim for a nostr event or a Mastodon bio, the record for
 * Bluesky. The texts come from @kez/channels' own publishers, so what the
 * page shows is what `kez publish` would write.
 */
import { createClaim, encodeClaim, parseIdentity } from '@kez/core';
import type { Claim, SuiteName } from '@kez/core';
import { blueskyChannel, dnsChannel, githubChannel } from '@kez/channels/browser';

export interface ProofText {
  /** Stable id for the view (and tests). */
  id: string;
  title: string;
  /** Where to put it, in one sentence. */
  where: string;
  text: string;
}

export interface NewClaim {
  subject: string;
  suite: SuiteName;
  secret: Uint8Array;
  /** Unix seconds. */
  now: number;
  /** Days until the claim expires; none when undefined. */
  expiresInDays?: number;
}

/**
 * Sign a claim for `subject` (normalized first; SPEC §5.5).
 * @example await makeClaim({ subject: 'GitHub:Alice', suite: 'ed25519', secret, now })
 */
export async function makeClaim(c: NewClaim): Promise<Claim> {
  const subject = parseIdentity(c.subject).text;
  return createClaim({
    subject,
    suite: c.suite,
    secretKey: c.secret,
    now: c.now,
    ...(c.expiresInDays ? { expiresAt: c.now + Math.round(c.expiresInDays * 86400) } : {}),
  });
}

/**
 * The texts to publish for a claim: the channel's own form first, then the
 * claim as JSON (for any medium).
 * @example (await proofTexts(claim, now))[0].text
 */
export async function proofTexts(claim: Claim, now: number): Promise<ProofText[]> {
  const id = parseIdentity(claim.subject);
  const compact = await encodeClaim(claim, 'compact');
  const out: ProofText[] = [];
  switch (id.channel) {
    case 'dns':
      out.push({
        id: 'dns',
        title: 'DNS TXT record',
        where: `Add this record to the zone of ${id.id} (then check it here).`,
        text: await dnsChannel.dnsZoneLine(claim, id),
      });
      break;
    case 'github':
      out.push({
        id: 'github',
        title: `Gist file ${githubChannel.PROOF_FILENAME}`,
        where: `Create a public gist as ${id.id} with one file named ${githubChannel.PROOF_FILENAME} holding this text.`,
        text: await githubChannel.proofMarkdown(claim),
      });
      break;
    case 'nostr':
      out.push({
        id: 'nostr',
        title: 'nostr event content (kind 30078, d = kez-claim)',
        where:
          'Publish a kind 30078 event with the tag ["d","kez-claim"] and this content, signed by the npub.',
        text: compact,
      });
      break;
    case 'bluesky':
      out.push({
        id: 'bluesky',
        title: 'Bluesky record dev.kez.proof/self',
        where: 'Write this record to your repository (collection dev.kez.proof, rkey self).',
        text: JSON.stringify(await blueskyChannel.proofRecord(claim, now), null, 2),
      });
      break;
    case 'ap':
      out.push({
        id: 'ap',
        title: 'Mastodon / ActivityPub bio or pinned post',
        where: `Put this in the bio of ${id.id} or in a pinned post (profile fields are too short).`,
        text: compact,
      });
      break;
  }
  out.push({
    id: 'json',
    title: 'The claim (JSON)',
    where: 'The signed claim itself; any channel also accepts it in this form where it fits.',
    text: await encodeClaim(claim, 'json'),
  });
  return out;
}
