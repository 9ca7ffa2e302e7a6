/**
 * CLI error classes and the one mapping from an error to an exit code and a
 * one-line message (style §6 rule 22). Core errors (InputError, ChannelError)
 * carry a reason code from core's reasons.ts; errors that only the CLI raises
 * (key store, passphrase, usage) carry a `CliErrorCode` instead — these are not
 * verification outcomes, so they have no status and do not belong in reasons.ts.
 */
import { ChannelError, InputError, KezError } from '@kez/core';
import type { ReasonCode } from '@kez/core';
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

export const CLI_ERROR_CODES = [
  'usage',
  'key_not_found',
  'key_exists',
  'bad_key_file',
  'bad_passphrase',
  'no_passphrase',
  'io_error',
  'internal',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** Base of CLI-only errors: a code for the message and the exit code to use. */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(
    code: CliErrorCode,
    exitCode: ExitCode,
    message: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/**
 * Wrong flags, arguments or environment: exit 2.
 * @example throw new UsageError('--expires must be in the future', 'try --expires 90d')
 */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, hint?: string) {
    super('usage', EXIT.USAGE, message, hint);
  }
}

/**
 * Key store, file or passphrase trouble: exit 4.
 * @example throw new LocalError('key_not_found', 'no key named "work"', 'list keys with: kez key list')
 */
export class LocalError extends CliError {
  override name = 'LocalError';
  constructor(code: CliErrorCode, message: string, hint?: string, options?: ErrorOptions) {
    super(code, EXIT.LOCAL, message, hint, options);
  }
}

/** What the top-level catch prints and returns for any thrown value. */
export interface ErrorReport {
  exitCode: ExitCode;
  /** The one line after `kez: `, ending in `(<code>)`. */
  message: string;
  hint?: string;
}

/**
 * Map a thrown value to its exit code and message (gh `internal/ghcmd/cmd.go`).
 * @example describeError(new InputError('bad')) // { exitCode: 2, message: 'bad (malformed)' }
 */
export function describeError(e: unknown): ErrorReport {
  if (e instanceof CliError) return report(e.exitCode, e.message, e.code, e.hint);
  if (e instanceof ChannelError) {
    const where = e.location ? ` (${e.location})` : '';
    return report(EXIT.UNREACHABLE, e.message + where, e.code);
  }
  if (e instanceof InputError) return report(EXIT.USAGE, e.message, e.code);
  if (e instanceof KezError) return report(EXIT.USAGE, e.message, e.code);
  if (isSystemError(e)) {
    const path = e.path ? `${e.path}: ` : '';
    return report(EXIT.LOCAL, `${path}${systemText(e)}`, 'io_error');
  }
  const text = e instanceof Error ? e.message : String(e);
  return report(
    EXIT.LOCAL,
    `internal error: ${firstLine(text)}`,
    'internal',
    'this is a bug in kez; run again with KEZ_DEBUG=1 for the stack trace',
  );
}

function report(
  exitCode: ExitCode,
  message: string,
  code: ReasonCode | CliErrorCode,
  hint?: string,
): ErrorReport {
  const out: ErrorReport = { exitCode, message: `${firstLine(message)} (${code})` };
  if (hint !== undefined) out.hint = hint;
  return out;
}

/** Messages stay one line: a multi-line message is cut at its first line break. */
function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i === -1 ? s : s.slice(0, i);
}

interface SystemError extends Error {
  code: string;
  path?: string;
  syscall?: string;
}

function isSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as Partial<SystemError>).code === 'string' && 'errno' in e;
}

const SYSTEM_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a path component is not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
};

function systemText(e: SystemError): string {
  return SYSTEM_TEXT[e.code] ?? `${e.syscall ?? 'I/O'} failed with ${e.code}`;
}

/**
 * Not an error: ends the run with `exitCode` and prints nothing more (help,
 * --version, commander's help after a missing verb).
 */
export class ExitSignal extends Error {
  override name = 'ExitSignal';
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}
