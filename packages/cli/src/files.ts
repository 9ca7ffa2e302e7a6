/**
 * Bounded input (a file or `-` for stdin) and atomic output files. Input is
 * read only up to a limit, so a huge or endless input is refused, not slurped.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '@kez/core';
import type { Deps } from './deps.js';

/**
 * Read at most `limit` bytes from `source` (a path, or `-` for stdin); more is an InputError (exit 2).
 * @example const bytes = await readInput(deps, 'claim.txt', 65536)
 */
export async function readInput(deps: Deps, source: string, limit: number): Promise<Uint8Array> {
  const bytes =
    source === '-' ? await readStream(deps.io.stdin, limit + 1) : readFile(source, limit + 1);
  if (bytes.length > limit) {
    throw new InputError(`${source === '-' ? 'stdin' : source} is larger than ${limit} bytes`);
  }
  return bytes;
}

function readFile(path: string, max: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    let n = 0;
    while (n < max) {
      const got = readSync(fd, buf, n, max - n, null);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

async function readStream(stream: NodeJS.ReadableStream, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    chunks.push(b);
    n += b.length;
    // Stop reading as soon as the limit is passed: `kez claim verify - < /dev/zero` must end.
    if (n >= max) break;
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/**
 * Write a file atomically: temp file beside it, fsync, rename over the target.
 * @example writeFileAtomic('claim.txt', encoded)
 */
export function writeFileAtomic(path: string, data: string, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (e) {
    // Report the file the user named, not our temp name beside it.
    (e as NodeJS.ErrnoException).path = path;
    throw e;
  }
  try {
    writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or gone
    }
    throw e;
  }
}
