import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelError, InputError } from '@kez/core';
import { LocalError, UsageError, describeError } from './errors.js';

test('each error class maps to its exit code and a one-line message with its code', () => {
  assert.deepEqual(describeError(new InputError('bad claim', 'unknown_suite')), {
    exitCode: 2,
    message: 'bad claim (unknown_suite)',
  });
  assert.deepEqual(describeError(new UsageError('bad flag', 'try this')), {
    exitCode: 2,
    message: 'bad flag (usage)',
    hint: 'try this',
  });
  assert.equal(describeError(new LocalError('bad_passphrase', 'wrong')).exitCode, 4);
  assert.deepEqual(
    describeError(new ChannelError('timeout', 'no answer', 'https://example.com/x')),
    {
      exitCode: 3,
      message: 'no answer (https://example.com/x) (timeout)',
    },
  );
});

test('system errors are exit 4 (io_error); anything else is an internal error, still one line', () => {
  const enoent = Object.assign(new Error('ENOENT: raw'), {
    code: 'ENOENT',
    errno: -2,
    path: '/x',
    syscall: 'open',
  });
  assert.deepEqual(describeError(enoent), {
    exitCode: 4,
    message: '/x: no such file or directory (io_error)',
  });
  const r = describeError(new TypeError('boom\nsecond line'));
  assert.equal(r.exitCode, 4);
  assert.equal(r.message, 'internal error: boom (internal)');
  assert.match(r.hint!, /KEZ_DEBUG=1/);
});
