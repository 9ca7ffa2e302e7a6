/**
 * The `kez` exit codes (style §6 rule 22; decisions "Exit codes (CLI)").
 * This table is the one source: `kez help exit-codes`, `kez --help` and the
 * README all print it.
 */
import type { Status } from '@kez/core';

export const EXIT = {
  /** Success; for a verification: the proof is valid. */
  OK: 0,
  /** Verification failed: invalid, revoked, expired or fork. */
  VERIFY_FAILED: 1,
  /** Usage error or bad input (unknown flag, malformed claim, bad identity…). */
  USAGE: 2,
  /** Something needed could not be reached (network, remote answered badly). */
  UNREACHABLE: 3,
  /** Local failure: key store, file I/O, passphrase (or an internal error). */
  LOCAL: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One line per code, in order, for help texts. */
export const EXIT_CODE_TABLE: readonly { code: ExitCode; meaning: string }[] = [
  { code: EXIT.OK, meaning: 'ok; for verify: valid' },
  { code: EXIT.VERIFY_FAILED, meaning: 'verification failed: invalid, revoked, expired or fork' },
  {
    code: EXIT.USAGE,
    meaning: 'usage error or bad input (unknown flag, not a claim, bad identity or key)',
  },
  { code: EXIT.UNREACHABLE, meaning: 'unreachable: a proof or sigchain could not be fetched' },
  {
    code: EXIT.LOCAL,
    meaning: 'local error: key store, file I/O, passphrase missing or wrong (or a bug)',
  },
];

/**
 * Exit code for a verification status.
 * @example exitCodeForStatus('expired') // 1
 */
export function exitCodeForStatus(status: Status): ExitCode {
  switch (status) {
    case 'valid':
      return EXIT.OK;
    case 'unreachable':
      return EXIT.UNREACHABLE;
    case 'invalid':
    case 'revoked':
    case 'expired':
    case 'fork':
      return EXIT.VERIFY_FAILED;
  }
}

/**
 * The exit-code table as text.
 * @example formatExitCodes() // '  0  ok; for verify: valid\n  1  …'
 */
export function formatExitCodes(): string {
  return EXIT_CODE_TABLE.map((r) => `  ${r.code}  ${r.meaning}`).join('\n');
}
