// Child processes and temp dirs that never outlive the test process: each
// child runs under `setpriv --pdeathsig SIGKILL` (so the kernel kills it even
// if we die by SIGKILL), and an exit hook kills what is left and removes the
// temp dirs on a normal exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

const TEMP_RE = /^kez-tk-[a-z]+-(\d+)-[A-Za-z0-9]{6}$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp dirs left by test processes that were killed (their pid is in the name). */
function sweep(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(TEMP_RE.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid))
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  sweep();
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
}

/**
 * A fresh directory under os.tmpdir(), removed on process exit if not before
 * (and by a later test process if this one is killed).
 */
export function makeTempDir(prefix: string): string {
  hook();
  const dir = mkdtempSync(join(tmpdir(), `kez-tk-${prefix}-${process.pid}-`));
  dirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  dirs.delete(dir);
}

const setpriv = existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : null;

export interface SpawnOptions {
  /** Shown in errors. */
  name: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this system user (needs root), e.g. 'postgres'. */
  user?: string;
  /** Keep stdin open as a pipe (the child can watch it to notice we are gone). */
  stdinPipe?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const MAX_LOG = 64 * 1024;

/** A child process whose output is kept (the last 64 KiB) for error messages. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly name: string;
  readonly exited: Promise<Exit>;
  private log = '';
  private listeners = new Set<() => void>();
  private exit: Exit | null = null;

  constructor(cmd: string, args: readonly string[], opts: SpawnOptions) {
    hook();
    this.name = opts.name;
    let file = cmd;
    let argv = [...args];
    if (setpriv) {
      const who =
        opts.user && process.getuid?.() === 0
          ? ['--reuid', opts.user, '--regid', opts.user, '--init-groups']
          : [];
      argv = [...who, '--pdeathsig', 'SIGKILL', '--', cmd, ...args];
      file = setpriv;
    } else if (opts.user && process.getuid?.() === 0) {
      argv = ['-u', opts.user, '--', cmd, ...args];
      file = 'runuser';
    }
    this.child = spawn(file, argv, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    // A peer never keeps the test process alive: a forgotten stop() is cleaned up at exit.
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr])
      (s as { unref?: () => void } | null)?.unref?.();
    const onData = (chunk: Buffer): void => {
      this.log += chunk.toString('utf8');
      if (this.log.length > MAX_LOG) this.log = this.log.slice(-MAX_LOG);
      for (const l of this.listeners) l();
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.exited = new Promise<Exit>((resolve) => {
      this.child.on('error', (e) => {
        this.log += `\n(spawn failed: ${e.message})`;
        live.delete(this.child);
        this.exit = { code: null, signal: null };
        for (const l of this.listeners) l();
        resolve(this.exit);
      });
      this.child.on('exit', (code, signal) => {
        live.delete(this.child);
        this.exit = { code, signal };
        for (const l of this.listeners) l();
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** Everything the process printed so far (stdout and stderr, interleaved). */
  output(): string {
    return this.log;
  }

  /** The last lines of output, for error messages. */
  tail(lines = 20): string {
    return this.log.trimEnd().split('\n').slice(-lines).join('\n');
  }

  fail(what: string): Error {
    const why = this.exit
      ? `exited (${this.exit.signal ?? `code ${this.exit.code}`})`
      : 'still running';
    const tail = this.tail();
    return new Error(`${this.name}: ${what}; process ${why}${tail ? `. Output:\n${tail}` : ''}`);
  }

  /** Resolves with the first match of `re` in the output; rejects on exit or timeout. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(this.log);
        if (m) done(() => resolve(m));
        else if (this.exit) done(() => reject(this.fail(`exited before printing ${re}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(this.fail(`not ready after ${timeoutMs} ms (waiting for ${re})`))),
        timeoutMs,
      );
      const done = (f: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        f();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal`, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
    if (!this.exit) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** Polls `probe` until it returns a value other than undefined; bounded by `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  proc?: ManagedProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (proc && !proc.running) throw proc.fail(`exited before ${what}`);
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      if (proc) throw proc.fail(`${what}: not ready after ${timeoutMs} ms${why}`);
      throw new Error(`${what}: not ready after ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Runs a short command to completion; throws with its output when it fails. */
export function runSync(cmd: string, args: readonly string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(
      `${what}: \`${cmd} ${args.join(' ')}\` failed (${why})${out ? `:\n${out}` : ''}`,
    );
  }
  return r.stdout;
}

/** Default readiness timeout: generous, since CI shares two cores with everything else. */
export const DEFAULT_TIMEOUT_MS = 20_000;
