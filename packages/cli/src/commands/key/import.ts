/** `kez key import`: store an existing secret key (nsec, ncryptsec, 64 hex). */
import { Option } from 'commander';
import { KEZ_VERSION, toHex } from '@kez/core';
import type { SuiteName } from '@kez/core';
import { defineCommand } from '../../command.js';
import type { Deps } from '../../deps.js';
import { readInput } from '../../files.js';
import {
  decryptWithPassphrase,
  describeKey,
  encryptForStore,
  parseSecretInput,
  publicRefOf,
} from '../../key-material.js';
import { KeyStore, checkKeyName } from '../../key-store.js';
import type { KeyFile } from '../../key-store.js';
import {
  algOption,
  keyNameOption,
  newPassphraseFileOption,
  passphraseFileOption,
} from '../../options.js';
import { note, warn } from '../../output.js';
import { newPassphrase, promptHidden, unlockPassphrase } from '../../passphrase.js';
import { KEY_FIELDS, formatKeyInfo } from './_key-info.js';

interface Opts {
  alg?: SuiteName;
  name: string;
  encrypt?: boolean;
  force?: boolean;
  passphraseFile?: string;
  newPassphraseFile?: string;
}

export const keyImport = defineCommand<Opts, [string]>({
  group: 'key',
  name: 'import',
  args: ['<secret>'],
  summary: 'store an existing secret key (nsec, ncryptsec or 64 hex; "-" reads stdin)',
  description:
    'Store an existing secret key. <secret> is an nsec1… or ncryptsec1… (nostr), or 64 hex\n' +
    'characters together with --alg (hex alone could be either suite). Pass "-" to read it\n' +
    'from stdin (asked without echo on a terminal) so it never lands in shell history.\n' +
    'An ncryptsec is decrypted with the passphrase, then stored (re-encrypted with --encrypt).',
  examples: [
    { description: 'paste an nsec without echo', command: 'kez key import -' },
    {
      description: 'an Ed25519 seed from a file',
      command: 'kez key import --alg ed25519 --name work - < seed.hex',
    },
    {
      description: 'an ncryptsec, kept encrypted',
      command: 'kez key import --encrypt --passphrase-file pass.txt - < key.ncryptsec',
    },
  ],
  options: () => [
    algOption(),
    keyNameOption(),
    new Option('--encrypt', 'store the secret encrypted with a passphrase'),
    new Option('--force', 'replace an existing key of the same name (the old key is lost)'),
    passphraseFileOption(),
    newPassphraseFileOption(),
  ],
  jsonFields: KEY_FIELDS,
  async run({ args: [source], opts, deps }) {
    const name = checkKeyName(opts.name);
    const store = new KeyStore(deps.env.home);
    if (!opts.force) store.assertFree(name);
    const input = parseSecretInput(await readSecret(deps, source), opts.alg);
    let secret: Uint8Array;
    if (input.kind === 'ncryptsec') {
      const pass = await unlockPassphrase(deps, { file: opts.passphraseFile }, 'the ncryptsec');
      secret = await decryptWithPassphrase(input.blob, pass, 'the ncryptsec');
    } else {
      secret = input.secret;
    }
    const file: KeyFile = {
      kez: KEZ_VERSION,
      type: 'key',
      name,
      suite: input.suite,
      public: publicRefOf(input.suite, secret),
      created_at: deps.now(),
    };
    if (opts.encrypt) {
      const pass = await newPassphrase(
        deps,
        { file: opts.passphraseFile, newFile: opts.newPassphraseFile },
        `key "${name}"`,
      );
      file.encrypted = await encryptForStore(secret, pass, deps.env.scryptLogN);
    } else {
      file.secret = toHex(secret);
      if (input.kind === 'ncryptsec')
        note(deps, 'note: stored without encryption; add --encrypt to keep it encrypted');
    }
    const info = describeKey(file, store.write(file, { force: opts.force === true }));
    return { data: { ...info }, human: (c) => formatKeyInfo(info, c) };
  },
});

/** Secrets are short: anything over this is not a key. */
const MAX_SECRET_INPUT = 4096;

async function readSecret(deps: Deps, source: string): Promise<string> {
  if (source !== '-') {
    warn(
      deps,
      'a secret on the command line stays in shell history; use "-" to read it from stdin',
    );
    return source;
  }
  if (deps.io.stdin.isTTY === true && deps.io.stderr.isTTY === true)
    return promptHidden(deps.io, 'Secret key: ');
  return Buffer.from(await readInput(deps, '-', MAX_SECRET_INPUT)).toString('utf8');
}
