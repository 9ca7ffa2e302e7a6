/** `kez sigchain export`: the chain as a JSONL bundle (SPEC §8.9), byte-identical wherever made. */
import { Option } from 'commander';
import { exportBundle } from '@kez/core';
import { defineCommand } from '../../command.js';
import { writeFileAtomic } from '../../files.js';
import { keyNameOption } from '../../options.js';
import { note } from '../../output.js';
import { chainToView } from './_view.js';
import type { ViewOpts } from './_view.js';

export const sigchainExport = defineCommand<ViewOpts & { out?: string }>({
  group: 'sigchain',
  name: 'export',
  summary: 'print your sigchain as a JSONL bundle (one JCS line per event)',
  examples: [
    { description: 'to stdout', command: 'kez sigchain export' },
    {
      description: 'to a file for a gist',
      command: 'kez sigchain export --out kez-sigchain.jsonl',
    },
  ],
  options: () => [
    keyNameOption('--key'),
    new Option('--chain <keyref>', 'the chain (its genesis key ref)'),
    new Option('--out <file>', 'write the bundle to this file (atomically) instead of stdout'),
  ],
  jsonFields: ['chain', 'events', 'bundle', 'out'],
  async run({ opts, deps }) {
    const local = await chainToView(deps, opts);
    const bundle = exportBundle(local.state.events);
    const data: Record<string, unknown> = {
      chain: local.chain,
      events: local.state.events.length,
      bundle,
    };
    if (opts.out !== undefined) {
      writeFileAtomic(opts.out, bundle);
      data.out = opts.out;
      note(deps, `wrote ${local.state.events.length} events of ${local.chain} to ${opts.out}`);
    }
    // The bundle already ends in LF; print it as is (output adds one newline).
    return { data, human: () => (opts.out === undefined ? bundle.replace(/\n$/, '') : '') };
  },
});
