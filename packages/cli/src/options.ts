/** Options shared by several commands, so each spelling and help text exists once. */
import { Option } from 'commander';
import { SUITE_NAMES } from '@kez/core';
import { DEFAULT_KEY_NAME } from './key-store.js';

/** `--name <name>` (or `--key <name>` for commands that use a key). */
export function keyNameOption(flag: '--name' | '--key' = '--name'): Option {
  return new Option(`${flag} <name>`, 'key name in $KEZ_HOME/keys').default(DEFAULT_KEY_NAME);
}

export function algOption(defaultSuite?: string): Option {
  const o = new Option('--alg <suite>', 'signature suite').choices([...SUITE_NAMES]);
  return defaultSuite === undefined ? o : o.default(defaultSuite);
}

export function passphraseFileOption(): Option {
  return new Option(
    '--passphrase-file <file>',
    'read the passphrase from this file (else $KEZ_PASSPHRASE, else a prompt)',
  );
}

export function newPassphraseFileOption(): Option {
  return new Option(
    '--new-passphrase-file <file>',
    'passphrase to encrypt with, if not the --passphrase-file one (else $KEZ_NEW_PASSPHRASE)',
  );
}
