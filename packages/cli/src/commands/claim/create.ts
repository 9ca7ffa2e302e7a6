/** `kez claim create`: sign a claim "this key is <identity>" and print it in one encoding. */
import { Option } from 'commander';
import {
  ENCODINGS,
  claimId,
  createClaim,
  displayKey,
  encodeClaim,
  parseIdentity,
  parseKeyRef,
} from '@kez/core';
import type { EncodingName } from '@kez/core';
import { defineCommand } from '../../command.js';
import { parseExpires } from '../../duration.js';
import { writeFileAtomic } from '../../files.js';
import { loadSecretKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';
import { keyNameOption, passphraseFileOption } from '../../options.js';
import { note } from '../../output.js';

interface Opts {
  encoding: EncodingName;
  expires?: string;
  key: string;
  out?: string;
  passphraseFile?: string;
  primary?: string;
}

export const claimCreate = defineCommand<Opts, [string]>({
  group: 'claim',
  name: 'create',
  args: ['<identity>'],
  summary: 'sign a claim that a key is <identity> (dns:…, github:…, nostr:…, bluesky:…, ap:…)',
  description:
    'Sign a claim with a stored key and print it. stdout holds only the encoded claim, so it\n' +
    'can be piped or published as is; with --encoding dns the zone-file line for\n' +
    '_kez.<domain> is printed on stderr as a hint.',
  examples: [
    { description: 'a compact claim for a domain', command: 'kez claim create dns:example.com' },
    {
      description: 'a Markdown fence for a gist, valid for 90 days',
      command: 'kez claim create github:alice --encoding markdown --expires 90d',
    },
    {
      description: 'the DNS TXT value, signed by key "work"',
      command: 'kez claim create dns:example.com --encoding dns --key work',
    },
    {
      description: 'JSON to a file, expiring at a date',
      command:
        'kez claim create ap:@alice@example.social --encoding json --expires 2027-01-01 --out claim.json',
    },
  ],
  options: () => [
    new Option('--encoding <encoding>', 'output encoding')
      .choices([...ENCODINGS])
      .default('compact'),
    new Option('--expires <when>', 'expiry: a duration (90d, 12h, 2w, 1y) or an ISO date'),
    keyNameOption('--key'),
    new Option('--out <file>', 'write the encoded claim to this file instead of stdout'),
    new Option(
      '--primary <key>',
      'sign as a device of this primary key (its sigchain must list this key as a device)',
    ),
    passphraseFileOption(),
  ],
  jsonFields: [
    'subject',
    'key',
    'npub',
    'created_at',
    'expires_at',
    'encoding',
    'encoded',
    'id',
    'claim',
    'out',
    'dns_record',
  ],
  async run({ args: [identity], opts, deps }) {
    // Check everything the user typed before asking for a passphrase.
    const subject = parseIdentity(identity);
    const now = deps.now();
    const expiresAt = opts.expires === undefined ? undefined : parseExpires(opts.expires, now);
    const primary = opts.primary === undefined ? undefined : parseKeyRef(opts.primary).text;
    const store = new KeyStore(deps.env.home);
    const key = await loadSecretKey(deps, store, opts.key, { file: opts.passphraseFile });
    const claim = await createClaim({
      subject: subject.text,
      suite: key.suite,
      secretKey: key.secret,
      now,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(primary === undefined ? {} : { primary }),
    });
    const encoded = await encodeClaim(claim, opts.encoding);
    const ref = parseKeyRef(claim.key);
    const data: Record<string, unknown> = {
      subject: claim.subject,
      key: claim.key,
      npub: ref.suite === 'nostr' ? displayKey(ref) : undefined,
      created_at: claim.created_at,
      expires_at: claim.expires_at,
      encoding: opts.encoding,
      encoded,
      id: claimId(claim),
      claim,
    };
    if (opts.out !== undefined) {
      // The file holds exactly the encoding: byte-exact round trip (SPEC §6).
      writeFileAtomic(opts.out, encoded);
      data.out = opts.out;
      note(deps, `wrote ${opts.encoding} claim for ${claim.subject} to ${opts.out}`);
    }
    if (opts.encoding === 'dns' && subject.channel === 'dns') {
      // SPEC §7 (dns channel): the record lives at _kez.<domain>.
      data.dns_record = `_kez.${subject.id}. 3600 IN TXT ${encoded}`;
      note(deps, `add this record to the zone of ${subject.id}:\n  ${String(data.dns_record)}`);
    }
    return { data, human: () => (opts.out === undefined ? encoded : '') };
  },
});
