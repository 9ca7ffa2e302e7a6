/**
 * The built `kez` command (packages/cli/dist/main.js) run as a child process
 * with its own $KEZ_HOME — exactly what a user runs.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './bundle.js';

export const KEZ_MAIN = join(repoRoot, 'packages/cli/dist/main.js');

export interface CliResult {
  /** Exit code; 128 + n when killed by a signal (the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

/** The command for a one-line message: temp-file paths and long key refs shortened. */
function brief(args: readonly string[]): string {
  return args
    .map((a) =>
      a.startsWith('/')
        ? a.slice(a.lastIndexOf('/') + 1)
        : a.replace(/([0-9a-f]{12})[0-9a-f]{40,}/, '$1…'),
    )
    .join(' ');
}

export class KezCli {
  constructor(readonly home: string) {}

  run(args: readonly string[], stdin?: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [KEZ_MAIN, ...args], {
        env: { ...process.env, KEZ_HOME: this.home, NO_COLOR: '1', NODE_OPTIONS: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      // Generous: on a loaded 2-core machine a node start can take tens of seconds.
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal) stderr += `\nkez: killed by ${signal} (timeout 180 s)`;
        resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr });
      });
      child.stdin.end(stdin ?? '');
    });
  }

  /** Run with --json and parse stdout; throws naming the command when it fails. */
  async json<T>(
    args: readonly string[],
    stdin?: string,
    okCodes: readonly number[] = [0],
  ): Promise<T & { exitCode: number }> {
    const r = await this.run([...args, '--json'], stdin);
    if (!okCodes.includes(r.code)) {
      const why =
        r.code > 128
          ? r.stderr.trim().split('\n').at(-1)
          : (r.stderr || r.stdout).trim().split('\n')[0];
      throw new Error(`kez ${brief(args)} exited ${r.code}: ${why}`);
    }
    try {
      return { ...(JSON.parse(r.stdout) as T), exitCode: r.code };
    } catch {
      throw new Error(`kez ${brief(args)} printed no JSON: ${r.stdout.slice(0, 120)}`);
    }
  }
}
