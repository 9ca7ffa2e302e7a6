/**
 * What a command may touch, injected so tests can run commands with fake
 * streams, a fixed clock and a temp KEZ_HOME (style §6 rule 20, gh `iostreams`).
 * Network access (`net`) joins here when the online commands arrive.
 */
import { readEnv } from './config/env.js';
import type { Env } from './config/env.js';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export type InStream = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
}

export interface Deps {
  io: Io;
  env: Env;
  /** Unix seconds. */
  now(): number;
}

/**
 * Deps for one run: the given streams, the environment (read once by
 * config/env.ts) and the clock. $KEZ_NOW, when set, replaces the clock: it is
 * read here and nowhere else, so every command sees the same "now".
 * @example const deps = createDeps({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, process.env)
 */
export function createDeps(
  io: Io,
  vars: NodeJS.ProcessEnv,
  clockMs: () => number = () => Date.now(),
): Deps {
  const env = readEnv(vars);
  return { io, env, now: () => env.now ?? Math.floor(clockMs() / 1000) };
}
