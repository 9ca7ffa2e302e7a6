/** `kez help [command…]` and `kez help exit-codes` (replaces commander's own help command). */
import type { Command } from 'commander';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT_CODE_TABLE, formatExitCodes } from '../exit-codes.js';

export const help = defineCommand<Record<string, never>, [string[]]>({
  name: 'help',
  args: ['[topic...]'],
  summary: 'help for a command, or "kez help exit-codes"',
  examples: [
    { description: 'the exit codes', command: 'kez help exit-codes' },
    { description: 'help for a command', command: 'kez help claim verify' },
  ],
  jsonFields: ['exit_codes'],
  async run({ args: [topic], command }) {
    const root = command.parent!;
    if (topic.length === 1 && topic[0] === 'exit-codes') {
      return {
        data: { exit_codes: EXIT_CODE_TABLE },
        human: () => `Exit codes of kez:\n${formatExitCodes()}`,
      };
    }
    let target: Command = root;
    for (const name of topic) {
      const next = target.commands.find((c) => c.name() === name);
      if (!next)
        throw new UsageError(
          `no help topic "${topic.join(' ')}"`,
          'see: kez --help (or kez help exit-codes)',
        );
      target = next;
    }
    // outputHelp (not helpInformation) so the Examples / JSON fields sections are included.
    target.outputHelp();
    return { data: {}, human: () => '' };
  },
});
