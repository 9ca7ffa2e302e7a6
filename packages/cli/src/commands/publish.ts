/**
 * `kez publish <identity>`: sign a claim with a stored key (or take one from
 * --claim) and put it where only that account can publish (SPEC §7): a gist,
 * nostr relays, a Bluesky record, a Mastodon bio/field/post; for dns, print
 * the zone-file line to add. `--check` then verifies it as `kez verify id` would.
 */
import { Option } from 'commander';
import {
  InputError,
  claimId,
  createClaim,
  decodeClaim,
  fromUtf8,
  MAX_ENCODED_BYTES,
  parseIdentity,
} from '@kez/core';
import type { Claim } from '@kez/core';
import { getPlugin, verifyIdentity } from '@kez/channels';
import type { PublishOptions, PublishResult, VerifyResult } from '@kez/channels';
import { createNodeContext } from '@kez/channels/node';
import { channelConfig, channelOptions } from '../channel-options.js';
import type { ChannelFlags } from '../channel-options.js';
import { defineCommand } from '../command.js';
import { parseExpires } from '../duration.js';
import { exitCodeForStatus } from '../exit-codes.js';
import { readInput } from '../files.js';
import { loadSecretKey } from '../key-material.js';
import { KeyStore } from '../key-store.js';
import { keyNameOption, passphraseFileOption } from '../options.js';
import { note, startSpinner } from '../output.js';
import { verifyHuman, verifyJson } from './verify/id.js';

interface Opts extends ChannelFlags {
  key: string;
  expires?: string;
  claim?: string;
  apTarget?: 'field' | 'bio' | 'post';
  check?: boolean;
  passphraseFile?: string;
}

export const publish = defineCommand<Opts, [string]>({
  name: 'publish',
  args: ['<identity>'],
  summary:
    'publish a proof for <identity> (gist, relays, Bluesky, Mastodon; dns prints the record)',
  description:
    'Sign a claim "this key is <identity>" with a stored key (or use --claim)\n' +
    'and publish it where only that account can:\n' +
    '  github       the gist file kez-proof.md (needs --github-token)\n' +
    '  nostr        an event sent to the relays\n' +
    '  bluesky      the dev.kez.proof record (needs an app password)\n' +
    '  ap/mastodon  the bio, a profile field or a post (needs --mastodon-token)\n' +
    '  dns          prints the zone-file line to add by hand\n' +
    '--check verifies the result afterwards (for dns: once the record is in\n' +
    'your zone).',
  examples: [
    {
      description: 'create or update your proof gist',
      command: 'KEZ_GITHUB_TOKEN=ghp_… kez publish github:alice',
    },
    { description: 'print the TXT record for a domain', command: 'kez publish dns:example.com' },
    {
      description: 'once the record is added, check it',
      command: 'kez publish dns:example.com --check',
    },
    {
      description: 'a Mastodon post instead of the bio, then verify',
      command: 'kez publish ap:@alice@example.social --ap-target post --check',
    },
  ],
  options: () => [
    keyNameOption('--key'),
    new Option('--expires <when>', 'claim expiry: a duration (90d, 12h, 2w, 1y) or an ISO date'),
    new Option(
      '--claim <file>',
      'publish this claim (any encoding; "-" for stdin) instead of signing one',
    ),
    new Option(
      '--ap-target <where>',
      'ap: the bio, a profile field or a post (default: a field if it fits, else the bio)',
    ).choices(['bio', 'field', 'post']),
    new Option('--check', 'verify the identity afterwards (dns: the record you added)'),
    passphraseFileOption(),
    ...channelOptions(),
  ],
  jsonFields: ['identity', 'claim_id', 'key', 'location', 'targets', 'dns_record', 'check'],
  async run({ args: [input], opts, deps }) {
    const identity = parseIdentity(input);
    const plugin = getPlugin(identity.channel);
    if (!plugin.publish)
      throw new InputError(`publishing to ${identity.channel}: is not supported`);
    const config = channelConfig(opts, deps);
    const now = deps.now();
    const expiresAt = opts.expires === undefined ? undefined : parseExpires(opts.expires, now);

    let claim: Claim;
    const pub: PublishOptions = {};
    if (opts.apTarget) pub.apTarget = opts.apTarget;
    if (opts.claim !== undefined) {
      if (opts.expires !== undefined)
        throw new InputError('--expires cannot change a given --claim');
      const text = fromUtf8(await readInput(deps, opts.claim, MAX_ENCODED_BYTES));
      claim = (await decodeClaim(text)).claim;
      if (claim.subject !== identity.text)
        throw new InputError(
          `--claim is for ${claim.subject}, not ${identity.text}`,
          'subject_mismatch',
        );
    } else {
      const key = await loadSecretKey(deps, new KeyStore(deps.env.home), opts.key, {
        file: opts.passphraseFile,
      });
      claim = await createClaim({
        subject: identity.text,
        suite: key.suite,
        secretKey: key.secret,
        now,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      // A nostr proof event is signed by the npub itself: a nostr-suite KEZ key can be that npub.
      if (key.suite === 'nostr') pub.nostrSecretKey = key.secret;
    }

    const ctx = createNodeContext(config);
    ctx.now = () => deps.now();
    const spinner = startSpinner(deps, `publishing the proof of ${identity.text}…`);
    let result: PublishResult;
    let check: VerifyResult | undefined;
    try {
      result = await plugin.publish(claim, identity, ctx, pub);
      if (opts.check) {
        spinner.update(`checking ${identity.text}…`);
        check = await verifyIdentity(identity, { ctx, key: claim.key });
      }
    } finally {
      spinner.stop();
      ctx.net.close();
    }

    const data: Record<string, unknown> = {
      identity: identity.text,
      claim_id: claimId(claim),
      key: claim.key,
      location: result.location,
      targets: result.targets,
      dns_record: result.instructions,
      check: check ? verifyJson(check) : undefined,
    };
    if (result.instructions && !opts.check)
      note(
        deps,
        `add this record to the zone of ${identity.id}, then run: kez publish ${identity.text} --check`,
      );
    return {
      data,
      human: (c) => {
        const lines: string[] = [];
        // For dns, stdout is the zone-file line alone, so it can be piped into a zone file.
        if (result.instructions) lines.push(result.instructions);
        else lines.push(`${c.green('published')} ${identity.text} → ${result.location}`);
        for (const t of result.targets ?? [])
          lines.push(
            `  ${t.ok ? c.green('ok') : c.red('failed')}  ${t.target}${t.message ? `  ${c.dim(t.message)}` : ''}`,
          );
        if (check) lines.push(verifyHuman(check, c));
        return lines.join('\n');
      },
      exitCode: check ? exitCodeForStatus(check.status) : 0,
    };
  },
});
