/**
 * How much JavaScript the explorer costs a visitor: the entry chunk and every
 * chunk it imports statically, gzipped — what loads before the first
 * verification. Keys and Chat are loaded on demand (dynamic imports) and are
 * reported apart. Read from Vite's build manifest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The bar (issue: the explorer's JavaScript ≤ 150 KB gzipped). */
export const EXPLORER_BUDGET_BYTES = 150 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

export interface ChunkSize {
  file: string;
  bytes: number;
  gzip: number;
}

export interface BundleReport {
  /** Entry + static imports. */
  explorer: ChunkSize[];
  explorerGzip: number;
  /** Chunks loaded later (Keys, Chat and what only they use). */
  lazy: ChunkSize[];
  /** The WebAssembly (zstd), gzipped, loaded when a compact claim is decoded. */
  wasmGzip: number;
}

function size(appDir: string, file: string): ChunkSize {
  const bytes = readFileSync(join(appDir, file));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes).length };
}

/**
 * @example const r = bundleReport('packages/web/dist/app'); r.explorerGzip <= EXPLORER_BUDGET_BYTES
 */
export function bundleReport(appDir: string): BundleReport {
  const manifest = JSON.parse(
    readFileSync(join(appDir, '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entry) throw new Error(`no entry in ${appDir}/.vite/manifest.json`);
  const eager = new Set<string>();
  const walk = (key: string) => {
    if (eager.has(key)) return;
    eager.add(key);
    for (const i of manifest[key]!.imports ?? []) walk(i);
  };
  walk(entry);
  const js = (k: string) => manifest[k]!.file.endsWith('.js');
  const explorer = [...eager].filter(js).map((k) => size(appDir, manifest[k]!.file));
  const lazy = Object.keys(manifest)
    .filter((k) => !eager.has(k) && js(k))
    .map((k) => size(appDir, manifest[k]!.file));
  const wasm = Object.values(manifest).find((c) => c.file.endsWith('.wasm'));
  return {
    explorer,
    explorerGzip: explorer.reduce((s, c) => s + c.gzip, 0),
    lazy,
    wasmGzip: wasm ? size(appDir, wasm.file).gzip : 0,
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The report as the build and the bench print it. */
export function formatBundleReport(r: BundleReport): string {
  const pct = Math.round((100 * r.explorerGzip) / EXPLORER_BUDGET_BYTES);
  return [
    `explorer JS: ${kb(r.explorerGzip)} gzipped (${pct}% of the ${kb(EXPLORER_BUDGET_BYTES)} budget) in ${r.explorer.length} chunk(s)`,
    ...r.explorer.map((c) => `  ${c.file}  ${kb(c.bytes)} → ${kb(c.gzip)} gz`),
    `loaded on demand (keys, chat):`,
    ...r.lazy.map((c) => `  ${c.file}  ${kb(c.bytes)} → ${kb(c.gzip)} gz`),
    `zstd.wasm: ${kb(r.wasmGzip)} gz (fetched when a compact claim is decoded)`,
  ].join('\n');
}
