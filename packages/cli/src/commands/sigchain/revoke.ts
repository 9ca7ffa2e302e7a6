/** `kez sigchain revoke`: append a `revoke` of a claim id. */
import { InputError } from '@kez/core';
import { Option } from 'commander';
import { defineCommand } from '../../command.js';
import { APPEND_FIELDS, appendEvent, appendOutput } from './_local.js';
import { signOptions } from './options.js';
import type { SignOpts } from './options.js';

export const sigchainRevoke = defineCommand<SignOpts & { reason?: string }, [string]>({
  group: 'sigchain',
  name: 'revoke',
  args: ['<claim-id>'],
  summary: 'revoke a claim by its id (final: it can never be added back)',
  examples: [
    { description: 'revoke a claim', command: 'kez sigchain revoke 5c1e…(64 hex)' },
    {
      description: 'with a reason',
      command: 'kez sigchain revoke 5c1e…(64 hex) --reason "account closed"',
    },
  ],
  options: () => [
    new Option('--reason <text>', 'why (at most 256 characters, public)'),
    ...signOptions(),
  ],
  jsonFields: APPEND_FIELDS,
  async run({ args: [target], opts, deps }) {
    if (!/^[0-9a-f]{64}$/.test(target))
      throw new InputError(
        'a claim id is 64 lowercase hex characters (kez claim verify prints it)',
      );
    const r = await appendEvent(
      deps,
      opts,
      () => ({
        op: 'revoke',
        target,
        ...(opts.reason === undefined ? {} : { reason: opts.reason }),
      }),
      false,
    );
    return appendOutput(r, `revoked claim ${target.slice(0, 16)}…`);
  },
});
