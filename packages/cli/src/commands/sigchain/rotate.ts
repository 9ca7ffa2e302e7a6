/** `kez sigchain rotate`: hand the chain over to another stored key, which countersigns. */
import { Option } from 'commander';
import { defineCommand } from '../../command.js';
import { UsageError } from '../../errors.js';
import { loadSecretKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';
import { APPEND_FIELDS, appendEvent, appendOutput } from './_local.js';
import { signOptions } from './options.js';
import type { SignOpts } from './options.js';

export const sigchainRotate = defineCommand<SignOpts & { newKey?: string }>({
  group: 'sigchain',
  name: 'rotate',
  summary: 'rotate the chain to a new primary key (the old key signs, the new key countersigns)',
  description:
    'After the rotation only the new key (and live devices) may extend the chain, and\n' +
    'claims signed by the old key verify as revoked (key_rotated): re-sign them with the\n' +
    'new key. Both keys must be in the key store.',
  examples: [
    {
      description: 'rotate from the default key to key "new"',
      command: 'kez key generate --name new && kez sigchain rotate --new-key new',
    },
  ],
  options: () => [new Option('--new-key <name>', 'the stored key to rotate to'), ...signOptions()],
  jsonFields: [...APPEND_FIELDS, 'new_key'],
  async run({ opts, deps }) {
    if (opts.newKey === undefined) throw new UsageError('--new-key <name> is required');
    const store = new KeyStore(deps.env.home);
    const r = await appendEvent(
      deps,
      opts,
      async () => {
        // Same passphrase sources as the signer; a prompt names the key it unlocks.
        const next = await loadSecretKey(deps, store, opts.newKey!, { file: opts.passphraseFile });
        return { op: 'rotate', newSecretKey: next.secret, newSuite: next.suite };
      },
      false,
    );
    const newKey = r.event.op === 'rotate' ? r.event.new_key : '';
    const out = appendOutput(r, `rotated to ${newKey}`);
    return { ...out, data: { ...out.data, new_key: newKey } };
  },
});
