/** `kez key generate`: a fresh key in the key store. */
import { Option } from 'commander';
import { KEZ_VERSION, getSuite, toHex } from '@kez/core';
import type { SuiteName } from '@kez/core';
import { defineCommand } from '../../command.js';
import { describeKey, encryptForStore, publicRefOf } from '../../key-material.js';
import { KeyStore, checkKeyName } from '../../key-store.js';
import type { KeyFile } from '../../key-store.js';
import { algOption, keyNameOption, passphraseFileOption } from '../../options.js';
import { newPassphrase } from '../../passphrase.js';
import { KEY_FIELDS, formatKeyInfo } from './_key-info.js';

interface Opts {
  alg: SuiteName;
  name: string;
  encrypt?: boolean;
  force?: boolean;
  passphraseFile?: string;
}

export const keyGenerate = defineCommand<Opts>({
  group: 'key',
  name: 'generate',
  summary: 'create a new signing key in $KEZ_HOME/keys',
  examples: [
    { description: 'a nostr key named "default"', command: 'kez key generate' },
    {
      description: 'an Ed25519 key named "work"',
      command: 'kez key generate --alg ed25519 --name work',
    },
    {
      description: 'encrypted with a passphrase read from a file',
      command: 'kez key generate --encrypt --passphrase-file ~/.kez-pass',
    },
  ],
  options: () => [
    algOption('nostr'),
    keyNameOption(),
    new Option('--encrypt', 'encrypt the secret with a passphrase (scrypt + XChaCha20-Poly1305)'),
    new Option('--force', 'replace an existing key of the same name (the old key is lost)'),
    passphraseFileOption(),
  ],
  jsonFields: KEY_FIELDS,
  async run({ opts, deps }) {
    const name = checkKeyName(opts.name);
    const store = new KeyStore(deps.env.home);
    if (!opts.force) store.assertFree(name);
    const suite = getSuite(opts.alg);
    const secret = suite.generateSecretKey();
    const file: KeyFile = {
      kez: KEZ_VERSION,
      type: 'key',
      name,
      suite: suite.name,
      public: publicRefOf(suite.name, secret),
      created_at: deps.now(),
    };
    if (opts.encrypt) {
      const pass = await newPassphrase(deps, { file: opts.passphraseFile }, `key "${name}"`);
      file.encrypted = await encryptForStore(secret, pass, deps.env.scryptLogN);
    } else {
      file.secret = toHex(secret);
    }
    const info = describeKey(file, store.write(file, { force: opts.force === true }));
    return { data: { ...info }, human: (c) => formatKeyInfo(info, c) };
  },
});
