/**
 * One run of `kez`: build deps and the program, run it, and map whatever was
 * thrown to one error line and an exit code — the single catch of the CLI
 * (style §6 rule 22). main.ts calls this with the real process; tests can call
 * it with fake streams.
 */
import type { Session } from './command.js';
import { createDeps } from './deps.js';
import type { Io } from './deps.js';
import { ExitSignal, describeError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { printError } from './output.js';
import { loadCommands } from './commands/index.js';
import { createProgram } from './program.js';

/**
 * Run `kez` with `argv` (without node and script path) and return the exit code.
 * @example process.exitCode = await runCli(process.argv.slice(2), io, process.env)
 */
export async function runCli(
  argv: readonly string[],
  io: Io,
  vars: NodeJS.ProcessEnv,
  clockMs?: () => number,
): Promise<ExitCode> {
  // Known before anything can fail, so even a bad KEZ_* variable is reported in style.
  const early = { noColor: !!vars.NO_COLOR, debug: vars.KEZ_DEBUG === '1' };
  try {
    const session: Session = { deps: createDeps(io, vars, clockMs), exitCode: EXIT.OK };
    await createProgram(session, await loadCommands(argv)).parseAsync([...argv], { from: 'user' });
    return session.exitCode;
  } catch (e) {
    if (e instanceof ExitSignal) return e.exitCode;
    const r = describeError(e);
    printError(io, early, r, e);
    return r.exitCode;
  }
}
