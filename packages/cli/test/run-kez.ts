/**
 * Test helper: run the BUILT `kez` (packages/cli/dist/main.js, built by
 * scripts/test.mjs) as a child process, with a clean environment, a temp
 * KEZ_HOME and a cheap scrypt cost.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KEZ_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

export interface KezRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KezOptions {
  /** KEZ_HOME for this run. */
  home: string;
  /** Written to stdin, then stdin is closed (stdin is always closed: never a TTY). */
  input?: string | Uint8Array;
  /** Extra environment (KEZ_PASSPHRASE, KEZ_NOW, NO_COLOR…). */
  env?: Record<string, string>;
}

/** Run `node dist/main.js …args`; resolves when it exits. */
export function kez(args: readonly string[], opts: KezOptions): Promise<KezRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KEZ_BIN, ...args], {
      // Only what kez needs: a stray KEZ_* or NO_COLOR from the developer's shell must not leak in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: opts.home,
        KEZ_HOME: opts.home,
        KEZ_SCRYPT_LOG_N: '10',
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // kez may stop reading early (size caps); a closed pipe is not a test failure.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh KEZ_HOME; call the returned function to delete it. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'kez-cli-test-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Parse the --json document a run printed (fails the test with the output if it is not JSON). */
export function json(r: KezRun): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** A failed run prints exactly one `kez:` line on stderr (plus an optional hint), no stack. */
export function errorLines(r: KezRun): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}
