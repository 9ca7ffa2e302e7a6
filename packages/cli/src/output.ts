/**
 * Everything the CLI prints goes through here (style §6 rule 21): results to
 * stdout, progress, warnings and errors to stderr; colour only on a TTY with
 * NO_COLOR unset; `--json` prints exactly one JSON document.
 */
import pc from 'picocolors';
import type { Env } from './config/env.js';
import type { Deps, Io, OutStream } from './deps.js';
import { UsageError } from './errors.js';
import type { ErrorReport } from './errors.js';
import type { ExitCode } from './exit-codes.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** What a command returns; output.ts decides how it is shown. */
export interface CommandResult {
  /** The `--json` document (fields listed in the command's `jsonFields`). */
  data: Record<string, unknown>;
  /** Human text for stdout; '' prints nothing. */
  human(c: Colors): string;
  /** Exit code; 0 when absent. */
  exitCode?: ExitCode;
}

export interface OutputFlags {
  json?: boolean;
  /** `--fields a,b`: keep only these JSON fields (implies --json). */
  fields?: string;
}

/**
 * True when `stream` should get ANSI colour.
 * @example colorEnabled(process.stdout, { noColor: false })
 */
export function colorEnabled(stream: OutStream, env: Pick<Env, 'noColor'>): boolean {
  return stream.isTTY === true && !env.noColor;
}

/**
 * Colour functions for one stream (plain identity functions when colour is off).
 * @example colorsFor(io.stderr, env).red('failed')
 */
export function colorsFor(stream: OutStream, env: Pick<Env, 'noColor'>): Colors {
  return pc.createColors(colorEnabled(stream, env));
}

/**
 * Keep only the named fields of a JSON result. An unknown name is a usage error listing the valid ones.
 * @example selectFields({ a: 1, b: 2 }, 'a', ['a', 'b']) // { a: 1 }
 */
export function selectFields(
  data: Record<string, unknown>,
  fields: string,
  allowed: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!allowed.includes(f)) {
      throw new UsageError(`unknown JSON field "${f}"`, `available fields: ${allowed.join(', ')}`);
    }
    if (data[f] !== undefined) out[f] = data[f];
  }
  return out;
}

/**
 * Print a command's result to stdout: JSON when asked, human text otherwise.
 * @example printResult(deps, result, { json: true }, ['status'])
 */
export function printResult(
  deps: Deps,
  result: CommandResult,
  flags: OutputFlags,
  jsonFields: readonly string[],
): void {
  const { stdout } = deps.io;
  if (flags.json || flags.fields !== undefined) {
    const doc =
      flags.fields !== undefined
        ? selectFields(result.data, flags.fields, jsonFields)
        : result.data;
    stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return;
  }
  const text = result.human(colorsFor(stdout, deps.env));
  if (text !== '') stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/**
 * The error line (and optional hint) on stderr; the stack only with KEZ_DEBUG=1.
 * @example printError(io, env, { exitCode: 2, message: 'bad flag (usage)' }, err)
 */
export function printError(
  io: Io,
  env: Pick<Env, 'noColor' | 'debug'>,
  r: ErrorReport,
  cause: unknown,
): void {
  const c = colorsFor(io.stderr, env);
  io.stderr.write(`${c.red('kez:')} ${r.message}\n`);
  if (r.hint) io.stderr.write(`${c.dim('hint:')} ${r.hint}\n`);
  if (env.debug && cause instanceof Error && cause.stack) io.stderr.write(cause.stack + '\n');
}

/**
 * A warning line on stderr.
 * @example warn(deps, 'this prints your SECRET key')
 */
export function warn(deps: Pick<Deps, 'io' | 'env'>, text: string): void {
  const c = colorsFor(deps.io.stderr, deps.env);
  deps.io.stderr.write(`${c.yellow('warning:')} ${text}\n`);
}

/**
 * A progress or hint line on stderr (never on stdout, which stays pure output).
 * @example note(deps, 'wrote claim to claim.txt')
 */
export function note(deps: Pick<Deps, 'io' | 'env'>, text: string): void {
  deps.io.stderr.write(text + '\n');
}

export interface Spinner {
  update(text: string): void;
  /** Clears the spinner line. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A spinner on stderr while waiting on the network. Draws only when stderr is a
 * TTY (so logs and pipes stay clean); otherwise every call is a no-op.
 * @example const s = startSpinner(deps, 'fetching gist…'); try { … } finally { s.stop(); }
 */
export function startSpinner(deps: Pick<Deps, 'io' | 'env'>, text: string): Spinner {
  const err = deps.io.stderr;
  if (err.isTTY !== true) return { update() {}, stop() {} };
  const c = colorsFor(err, deps.env);
  let i = 0;
  let current = text;
  const draw = () => err.write(`\r\x1b[K${c.cyan(FRAMES[i++ % FRAMES.length]!)} ${current}`);
  draw();
  const timer = setInterval(draw, 80);
  // A forgotten spinner must never keep the process alive.
  timer.unref();
  return {
    update(t) {
      current = t;
      draw();
    },
    stop() {
      clearInterval(timer);
      err.write('\r\x1b[K');
    },
  };
}
