/**
 * The page bundles @kez/chat-server/protocol from source: every module it
 * reaches must stay free of Node (node: imports, Buffer, process). Walking
 * the relative imports here fails fast, before a vite build would.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Tests run with the kez-source condition: this is src/protocol.ts itself.
const entry = fileURLToPath(import.meta.resolve('@kez/chat-server/protocol'));

test('@kez/chat-server/protocol reaches no Node built-ins', () => {
  const seen = new Set<string>();
  assert.match(entry, /src\/protocol\.ts$/);
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    // Type-only imports vanish from the bundle.
    const code = src.replace(/^(import|export) type [^;]+;/gms, '');
    assert.doesNotMatch(code, /from ['"]node:|require\(['"]node:|\bBuffer\.|\bprocess\./, file);
    // The TCP transport is Node's; the page dials with wsconnect.
    assert.doesNotMatch(code, /['"]@nats-io\/transport-node['"]/, file);
    for (const m of code.matchAll(
      /(?:import|export)[^'"]*?from ['"](\.[^'"]+)['"]|import ['"](\.[^'"]+)['"]/g,
    )) {
      const rel = (m[1] ?? m[2])!.replace(/\.js$/, '.ts');
      todo.push(resolve(dirname(file), rel));
    }
  }
  assert.ok(seen.size > 5, `walked ${seen.size} modules`);
});

test('the protocol entry brings no transport: ChatClient.connect without `dial` says so', async () => {
  // This test file never loads the Node entry (@kez/chat-server), which installs TCP.
  const { ChatClient, generateSigner } = await import('@kez/chat-server/protocol');
  await assert.rejects(
    ChatClient.connect({ servers: 'ws://127.0.0.1:9', signer: generateSigner('ed25519') }),
    /no NATS transport: pass `dial`/,
  );
});
