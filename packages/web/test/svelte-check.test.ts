/**
 * Vite strips the components' TypeScript without checking it: svelte-check
 * does, against the built types of @kez/core, @kez/channels and
 * @kez/chat-server, and fails on Svelte's accessibility warnings too.
 */
import { test } from 'node:test';
import { checkComponents } from '../e2e/_build.js';

test(
  'svelte-check: the components type-check and raise no warnings',
  { timeout: 180_000 },
  async () => {
    await checkComponents();
  },
);
