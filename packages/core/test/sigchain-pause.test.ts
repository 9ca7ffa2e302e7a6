/** validateChain's `pause` hook: awaited between batches, never changing the answer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateChain } from '@kez/core';
import { buildChain } from '@kez/testkit';

test('pause is awaited every 512 candidates read and every 512 signature batches, and the state is the same', async () => {
  const { events } = buildChain(1300, (i) => (i % 7 === 0 ? 'add' : 'revoke'));
  const now = events[events.length - 1]!.created_at + 60;
  const chain = events[0]!.chain;
  let pauses = 0;
  const paused = await validateChain(events, {
    now,
    chain,
    pause: async () => {
      pauses++;
      await new Promise((r) => setImmediate(r));
    },
  });
  const plain = await validateChain(events, { now, chain });
  assert.equal(paused.end.kind, 'complete');
  assert.equal(paused.head?.seq, 1300);
  assert.deepEqual(paused, plain);
  // 1,300 events: after 512 and 1,024 while reading, and again while checking signatures.
  assert.equal(pauses, 4);
});
