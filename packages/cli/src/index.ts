/**
 * @kez/cli as a library: what other packages and tests reuse — the key store,
 * the output helpers, the exit-code table, and `runCli` to run commands in-process.
 */
export { runCli } from './cli.js';
export { defineCommand } from './command.js';
export type { CommandModule, CommandSpec, Example, RunContext, Session } from './command.js';
export { createDeps } from './deps.js';
export type { Deps, InStream, Io, OutStream } from './deps.js';
export { readEnv } from './config/env.js';
export type { Env } from './config/env.js';
export { CliError, ExitSignal, LocalError, UsageError, describeError } from './errors.js';
export type { CliErrorCode, ErrorReport } from './errors.js';
export { EXIT, EXIT_CODE_TABLE, exitCodeForStatus, formatExitCodes } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { DEFAULT_KEY_NAME, KeyStore, checkKeyName, parseKeyFile } from './key-store.js';
export type { KeyFile } from './key-store.js';
export {
  decryptWithPassphrase,
  describeKey,
  encryptForStore,
  loadSecretKey,
  parseSecretInput,
  publicRefOf,
} from './key-material.js';
export type { KeyInfo, SecretInput, SecretKey } from './key-material.js';
export {
  colorEnabled,
  colorsFor,
  note,
  printError,
  printResult,
  selectFields,
  startSpinner,
  warn,
} from './output.js';
export type { Colors, CommandResult, OutputFlags, Spinner } from './output.js';
export { parseExpires } from './duration.js';
