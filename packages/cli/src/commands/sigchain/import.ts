/** `kez sigchain import`: merge a JSONL bundle into the local copy of its chain. */
import { Option } from 'commander';
import { InputError, parseBundle, parseKeyRef, validateChain } from '@kez/core';
import { defineCommand } from '../../command.js';
import { readInput } from '../../files.js';
import { MAX_LOCAL_BUNDLE, openChain, saveChain } from './_local.js';
import { exitForEnd } from './_view.js';

export const sigchainImport = defineCommand<{ chain?: string }, [string]>({
  group: 'sigchain',
  name: 'import',
  args: ['<file>'],
  summary: 'import a JSONL bundle (file or - for stdin) into the local chains',
  description:
    'The events are checked (SPEC §8.5) and merged with the local copy of the same chain;\n' +
    'only authentic events are kept. Exit 0 when the merged chain is complete, 1 when it\n' +
    'forks or halts (the evidence is kept), 3 when events are missing.',
  examples: [
    { description: 'import a bundle', command: 'kez sigchain import kez-sigchain.jsonl' },
    {
      description: 'from stdin, insisting on the chain id',
      command:
        'curl -s https://example.com/kez-sigchain.jsonl | kez sigchain import - --chain ed25519:…',
    },
  ],
  options: () => [
    new Option(
      '--chain <keyref>',
      'the chain id the bundle must be for (default: from the bundle)',
    ),
  ],
  jsonFields: ['chain', 'file', 'events', 'new_events', 'dropped', 'end', 'head'],
  async run({ args: [source], opts, deps }) {
    const events = parseBundle(await readInput(deps, source, MAX_LOCAL_BUNDLE), {
      maxBytes: MAX_LOCAL_BUNDLE,
    });
    const now = deps.now();
    const want = opts.chain === undefined ? undefined : parseKeyRef(opts.chain).text;
    const incoming = await validateChain(events, { now, ...(want ? { chain: want } : {}) });
    const chain = incoming.chain;
    if (chain === null || incoming.events.length === 0)
      throw new InputError(
        `${source === '-' ? 'stdin' : source} holds no authentic event${want ? ` of ${want}` : ''}`,
      );
    const local = await openChain(deps, chain);
    const merged = await validateChain([...local.state.events, ...incoming.events], {
      now,
      chain,
    });
    const file = saveChain(deps.env.home, chain, merged);
    const data = {
      chain,
      file,
      events: merged.events.length,
      new_events: merged.events.length - local.state.events.length,
      dropped: incoming.dropped,
      end: merged.end,
      head: merged.head,
    };
    const end =
      merged.end.kind === 'complete' ? 'complete' : `${merged.end.kind} at seq ${merged.end.seq}`;
    return {
      data,
      human: () =>
        `imported ${data.new_events} new events into ${chain} (${data.events} in all, ${end}` +
        `${incoming.dropped.length ? `; ${incoming.dropped.length} dropped` : ''})`,
      exitCode: exitForEnd(merged),
    };
  },
});
