// Vite builds the page from the TypeScript sources of @kez/core, @kez/channels
// and @kez/chat-server (the `kez-source` condition), so the bundle is what the
// tests ran. zstd-wasm loads its .wasm with `new URL(…, import.meta.url)`:
// Vite emits it as an asset; the dev server must not pre-bundle it.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { bundleReport, formatBundleReport } from './src/server/bundle-size.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * @kez/chat-server's protocol modules hash and verify through its Node fast
 * path (`node-crypto.ts`, node:crypto). In the page that one module is
 * replaced by src/lib/chat/crypto-browser.ts: same exports, computed by
 * @kez/core. Anything else from chat-server that reaches for Node fails the
 * build, as it should.
 */
function browserChatCrypto(): Plugin {
  const chatSrc = resolve(here, '../chat-server/src');
  const shim = resolve(here, 'src/lib/chat/crypto-browser.ts');
  return {
    name: 'kez-chat-browser-crypto',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !resolve(importer).startsWith(chatSrc)) return null;
      return /(^|\/)node-crypto(\.js|\.ts)?$/.test(source) ? shim : null;
    },
  };
}

/** After a build, print what the explorer's JavaScript costs (the 150 KB gzip bar). */
function printExplorerSize(): Plugin {
  return {
    name: 'kez-explorer-size',
    apply: 'build',
    // After the files are written (a failed build never gets here).
    writeBundle() {
      console.log(formatBundleReport(bundleReport(`${here}/dist/app`)));
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [browserChatCrypto(), svelte(), printExplorerSize()],
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
