// Vite builds the page from the TypeScript sources of @kez/core, @kez/channels
// and @kez/chat-server (the `kez-source` condition), so the bundle is what the
// tests ran. zstd-wasm loads its .wasm with `new URL(…, import.meta.url)`:
// Vite emits it as an asset; the dev server must not pre-bundle it.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  resolve: { conditions: ['kez-source', ...defaultClientConditions] },
  optimizeDeps: { exclude: ['@bokuweb/zstd-wasm'] },
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
});
