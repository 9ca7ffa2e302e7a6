/**
 * Builds the commander program: global settings, the command groups and every
 * registered command. Commander's own exits (errors, help, version) are turned
 * into exceptions here so cli.ts's one catch decides the exit code.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CommanderError } from 'commander';
import type { CommandModule, Session } from './command.js';
import { GROUPS } from './commands/index.js';
import { ExitSignal, UsageError } from './errors.js';
import { EXIT, formatExitCodes } from './exit-codes.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const EPILOGUE = `
Environment:
  KEZ_HOME            where keys live (default ~/.config/kez; keys in $KEZ_HOME/keys)
  KEZ_PASSPHRASE      unlocks encrypted keys (instead of --passphrase-file or a prompt)
  KEZ_NEW_PASSPHRASE  passphrase to encrypt with, when it differs from KEZ_PASSPHRASE
  KEZ_SCRYPT_LOG_N    scrypt cost for newly encrypted keys, 10..20 (default 16)
  KEZ_DEBUG=1         print stack traces with errors
  NO_COLOR            any non-empty value turns colour off

Exit codes:
${formatExitCodes()}

Run "kez <command> --help" for examples, "kez help exit-codes" for the table above.`;

/**
 * The `kez` program for one run.
 * @example await createProgram(session, await loadCommands(argv)).parseAsync(argv, { from: 'user' })
 */
export function createProgram(session: Session, commands: readonly CommandModule[]): Command {
  const { io } = session.deps;
  const program = new Command('kez')
    .description('KEZ: keys, signed identity claims and their verification')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Commander's own "error: …" line is replaced by ours (kez: … (usage)).
      outputError: () => {},
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', EPILOGUE);
  for (const [name, summary] of Object.entries(GROUPS)) {
    program.command(name).summary(summary).description(summary).helpCommand(false);
  }
  for (const add of commands) add(program, session);
  routeExits(program);
  return program;
}

/** Every command (exitOverride is per command) throws instead of calling process.exit. */
function routeExits(cmd: Command): void {
  cmd.exitOverride((err) => {
    throw fromCommander(err, cmd);
  });
  for (const sub of cmd.commands) routeExits(sub);
}

function fromCommander(err: CommanderError, cmd: Command): Error {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
    return new ExitSignal(EXIT.OK);
  if (err.code === 'commander.help') {
    if (err.exitCode === 0) return new ExitSignal(EXIT.OK);
    // A group run without a verb: commander has printed its help on stderr; end with our line.
    const verbs = cmd.commands.map((c) => c.name()).join(', ');
    return new UsageError(`missing command: ${commandPath(cmd)} <command>`, `one of: ${verbs}`);
  }
  const [first = '', ...rest] = err.message.replace(/^error: /, '').split('\n');
  const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/);
  return new UsageError(
    first,
    suggestion ? `did you mean ${suggestion[1]}?` : `see: ${commandPath(cmd)} --help`,
  );
}

/**
 * `kez key generate` for the `generate` command.
 * @example commandPath(cmd) // 'kez claim verify'
 */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
