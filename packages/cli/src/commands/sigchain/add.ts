/** `kez sigchain add`: append an `add` of a claim (any encoding) to the signer's chain. */
import { MAX_ENCODED_BYTES, claimId, decodeClaim, fromUtf8 } from '@kez/core';
import { defineCommand } from '../../command.js';
import { readInput } from '../../files.js';
import { APPEND_FIELDS, appendEvent, appendOutput } from './_local.js';
import { signOptions } from './options.js';
import type { SignOpts } from './options.js';

export const sigchainAdd = defineCommand<SignOpts, [string]>({
  group: 'sigchain',
  name: 'add',
  args: ['<claim-file>'],
  summary: 'add a claim (file or - for stdin, any encoding) to your sigchain',
  description:
    'Append an add event for a claim to the chain of the signing key, starting the chain\n' +
    "if the key has none. The claim must be the key's own (or, for a device, name the\n" +
    'chain key as primary). Nothing is written unless the chain stays valid.',
  examples: [
    {
      description: 'add a claim you made with kez claim create',
      command: 'kez claim create github:alice --out c.txt && kez sigchain add c.txt',
    },
    {
      description: 'from stdin, signed by key "laptop" (a device)',
      command: 'kez claim create dns:example.com | kez sigchain add - --key laptop',
    },
  ],
  options: signOptions,
  jsonFields: [...APPEND_FIELDS, 'claim_id'],
  async run({ args: [source], opts, deps }) {
    const text = fromUtf8(await readInput(deps, source, MAX_ENCODED_BYTES));
    const { claim } = await decodeClaim(text);
    const r = await appendEvent(deps, opts, () => ({ op: 'add', claim }), true);
    const out = appendOutput(r, `added ${claim.subject} (claim ${claimId(claim).slice(0, 16)}…)`);
    return { ...out, data: { ...out.data, claim_id: claimId(claim) } };
  },
});
