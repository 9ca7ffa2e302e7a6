/** SPEC.md and the code must say the same thing where both state a fact. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOMAIN_PREFIX, REASONS, SIGNING_KINDS } from '@kez/core';
import { repoRoot } from './_util.js';

const spec = readFileSync(join(repoRoot, 'SPEC.md'), 'utf8');

test('SPEC §9.6 reason-code table equals packages/core/src/reasons.ts, row for row', () => {
  const section = spec.slice(spec.indexOf('### 9.6 Reason codes'));
  const rows = [
    ...section.matchAll(/^\| `([a-z_]+)` \| ([a-z]+) \| (true|false) \| (.+?) \|$/gm),
  ].map((m) => ({
    code: m[1]!,
    status: m[2]!,
    retry: m[3] === 'true',
  }));
  const want = Object.entries(REASONS).map(([code, r]) => ({
    code,
    status: r.status,
    retry: r.retry,
  }));
  assert.deepEqual(rows.slice(0, want.length), want);
});

test('SPEC names the domain prefix and every signing kind', () => {
  assert.ok(spec.includes(`"${DOMAIN_PREFIX}"`));
  for (const k of SIGNING_KINDS) {
    const hex = Buffer.from(`${DOMAIN_PREFIX}${k}\n`).toString('hex');
    assert.ok(spec.includes(`| \`${k}\` |`), `SPEC §4.3 lacks kind ${k}`);
    assert.ok(spec.includes(`\`${hex}\``), `SPEC §4.3 lacks the prefix bytes of ${k}`);
  }
});
