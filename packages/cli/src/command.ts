/**
 * `defineCommand`: how every `kez` command is declared. A command module is a
 * spec (name, summary, examples, options, JSON fields, `run`) turned into a
 * function that adds itself to a commander program; `run` returns data and
 * output.ts prints it (style §6 rules 20–21).
 */
import type { Command, Option } from 'commander';
import type { Deps } from './deps.js';
import type { ExitCode } from './exit-codes.js';
import { printResult } from './output.js';
import type { CommandResult, OutputFlags } from './output.js';

export interface Example {
  /** What it does, one line. */
  description: string;
  /** The command line, starting with `kez `. */
  command: string;
}

export interface RunContext<O, A extends unknown[]> {
  /** Positional arguments, in the order of `spec.args`. */
  args: A;
  /** Parsed options (camelCase), plus --json/--fields. */
  opts: O & OutputFlags;
  deps: Deps;
  /** The commander command that is running (for help-like commands). */
  command: Command;
}

export interface CommandSpec<O = Record<string, never>, A extends unknown[] = string[]> {
  /** Parent group (`key`, `claim`, …) declared in commands/index.ts GROUPS; none for top-level. */
  group?: string;
  name: string;
  /** commander argument syntax: `<identity>`, `[file]`, `[topic...]`. */
  args?: readonly string[];
  /** One line, shown in the command list. */
  summary: string;
  /** Longer text for `--help`, when the summary is not enough. */
  description?: string;
  examples: readonly Example[];
  /** Fresh Option objects (commander mutates them). */
  options?: () => Option[];
  /** Fields of the --json document; `--fields` accepts only these. */
  jsonFields: readonly string[];
  run(ctx: RunContext<O, A>): Promise<CommandResult>;
}

/** Shared state of one CLI run: the deps, and the exit code the command chose. */
export interface Session {
  deps: Deps;
  exitCode: ExitCode;
}

/** A command module: adds itself to `program`. */
export interface CommandModule {
  (program: Command, session: Session): Command;
  readonly spec: CommandSpec<never, never>;
}

/**
 * Declare a command.
 * @example
 * export const keyShow = defineCommand({ group: 'key', name: 'show', summary: 'show a key',
 *   examples: [{ description: 'show the default key', command: 'kez key show' }],
 *   jsonFields: ['name'], run: async () => ({ data: {}, human: () => '' }) });
 */
export function defineCommand<O, A extends unknown[] = string[]>(
  spec: CommandSpec<O, A>,
): CommandModule {
  const register = (program: Command, session: Session): Command => {
    const parent = spec.group === undefined ? program : findGroup(program, spec.group);
    const cmd = parent.command(spec.name).summary(spec.summary);
    cmd.description(spec.description ?? spec.summary);
    for (const a of spec.args ?? []) cmd.argument(a);
    for (const o of spec.options?.() ?? []) cmd.addOption(o);
    cmd.option('--json', 'print the result as one JSON document on stdout');
    cmd.option('--fields <list>', 'with --json: only these comma-separated fields');
    cmd.addHelpText('after', helpEpilogue(spec));
    cmd.action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const result = await spec.run({
        args: command.processedArgs as A,
        opts: command.opts() as O & OutputFlags,
        deps: session.deps,
        command,
      });
      printResult(session.deps, result, command.opts() as OutputFlags, spec.jsonFields);
      session.exitCode = result.exitCode ?? 0;
    });
    return cmd;
  };
  return Object.assign(register, { spec: spec as unknown as CommandSpec<never, never> });
}

function findGroup(program: Command, group: string): Command {
  const g = program.commands.find((c) => c.name() === group);
  // A programmer error: the group line in commands/index.ts GROUPS is missing.
  if (!g) throw new Error(`command group "${group}" is not declared in commands/index.ts`);
  return g;
}

function helpEpilogue(spec: {
  examples: readonly Example[];
  jsonFields: readonly string[];
}): string {
  const ex = spec.examples.map((e) => `  # ${e.description}\n  $ ${e.command}`).join('\n\n');
  return (
    `\nExamples:\n${ex}\n\n` +
    `JSON fields (--json, --fields a,b):\n  ${spec.jsonFields.join(', ')}\n\n` +
    `Exit codes: kez help exit-codes`
  );
}
