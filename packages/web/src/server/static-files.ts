/**
 * Serving the built app: files under one root only (no `..`, no symlink
 * escapes), a content type per extension, long caching for Vite's hashed
 * assets, and index.html for app routes.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Where a URL path points inside `root`, or null when it would leave it. */
export async function resolveStatic(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = await realpath(resolve(root));
  const candidate = resolve(base, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  if (candidate !== base && !candidate.startsWith(base + sep)) return null;
  try {
    const real = await realpath(candidate);
    if (real !== base && !real.startsWith(base + sep)) return null;
    const s = await stat(real);
    if (s.isDirectory()) return resolveIndex(real);
    return s.isFile() ? real : null;
  } catch {
    return null;
  }
}

async function resolveIndex(dir: string): Promise<string | null> {
  try {
    const p = join(dir, 'index.html');
    return (await stat(p)).isFile() ? p : null;
  } catch {
    return null;
  }
}

/** Send one file with its type; hashed assets are immutable. */
export async function sendFile(res: ServerResponse, path: string, headOnly = false): Promise<void> {
  const s = await stat(path);
  const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  const hashed = /[\\/]assets[\\/]/.test(path);
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(s.size),
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (headOnly) return void res.end();
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(path);
    stream.on('error', fail);
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}
