/** `kez key export`: print a key in one of its text forms. */
import { Option } from 'commander';
import {
  displayKey,
  encryptSecret,
  ncryptsecEncode,
  nsecEncode,
  parseKeyRef,
  toHex,
} from '@kez/core';
import { defineCommand } from '../../command.js';
import { UsageError } from '../../errors.js';
import { loadSecretKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';
import { keyNameOption, newPassphraseFileOption, passphraseFileOption } from '../../options.js';
import { warn } from '../../output.js';
import { newPassphrase } from '../../passphrase.js';

const FORMATS = ['public', 'npub', 'nsec', 'hex', 'ncryptsec'] as const;
type Format = (typeof FORMATS)[number];
/** nsec, npub and ncryptsec are NIP-19/NIP-49 forms: nostr keys only. */
const NOSTR_ONLY: readonly Format[] = ['npub', 'nsec', 'ncryptsec'];

interface Opts {
  name: string;
  format: Format;
  passphraseFile?: string;
  newPassphraseFile?: string;
}

export const keyExport = defineCommand<Opts>({
  group: 'key',
  name: 'export',
  summary: 'print a key as a key ref, npub, nsec, hex or ncryptsec',
  description:
    'Print a key. public (default) and npub are safe to share; nsec and hex print the SECRET\n' +
    '(with a warning on stderr); ncryptsec prints it encrypted with a passphrase (NIP-49).',
  examples: [
    { description: 'the public key ref', command: 'kez key export' },
    { description: 'back up a nostr key encrypted', command: 'kez key export --format ncryptsec' },
    {
      description: 'the Ed25519 seed of key "work"',
      command: 'kez key export --name work --format hex',
    },
  ],
  options: () => [
    keyNameOption(),
    new Option('--format <format>', 'what to print').choices([...FORMATS]).default('public'),
    passphraseFileOption(),
    newPassphraseFileOption(),
  ],
  jsonFields: ['name', 'suite', 'format', 'value'],
  async run({ opts, deps }) {
    const store = new KeyStore(deps.env.home);
    const file = store.read(opts.name);
    if (NOSTR_ONLY.includes(opts.format) && file.suite !== 'nostr') {
      throw new UsageError(
        `--format ${opts.format} is a nostr format; key "${opts.name}" is ${file.suite}`,
        'use --format public or --format hex',
      );
    }
    let value: string;
    if (opts.format === 'public') value = file.public;
    else if (opts.format === 'npub') value = displayKey(parseKeyRef(file.public));
    else {
      const src = { file: opts.passphraseFile, newFile: opts.newPassphraseFile };
      const key = await loadSecretKey(deps, store, opts.name, src);
      if (opts.format === 'ncryptsec') {
        const pass = await newPassphrase(deps, src, 'the exported key');
        value = ncryptsecEncode(await encryptSecret(key.secret, pass, deps.env.scryptLogN));
      } else {
        warn(deps, `this is the SECRET key "${opts.name}": anyone who sees it can sign as you`);
        value = opts.format === 'nsec' ? nsecEncode(key.secret) : toHex(key.secret);
      }
    }
    return {
      data: { name: file.name, suite: file.suite, format: opts.format, value },
      human: () => value,
    };
  },
});
