import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpires } from './duration.js';
import { UsageError } from './errors.js';

const NOW = 1_700_000_000;

test('durations count from now', () => {
  assert.equal(parseExpires('45s', NOW), NOW + 45);
  assert.equal(parseExpires('30m', NOW), NOW + 1800);
  assert.equal(parseExpires('12h', NOW), NOW + 12 * 3600);
  assert.equal(parseExpires('90d', NOW), NOW + 90 * 86400);
  assert.equal(parseExpires('2w', NOW), NOW + 14 * 86400);
  assert.equal(parseExpires('1y', NOW), NOW + 365 * 86400);
});

test('ISO dates: a bare date is midnight UTC, a zone-less time is UTC', () => {
  assert.equal(parseExpires('2030-01-02', NOW), Date.UTC(2030, 0, 2) / 1000);
  assert.equal(parseExpires('2030-01-02T03:04', NOW), Date.UTC(2030, 0, 2, 3, 4) / 1000);
  assert.equal(parseExpires('2030-01-02 03:04:05Z', NOW), Date.UTC(2030, 0, 2, 3, 4, 5) / 1000);
  assert.equal(
    parseExpires('2030-01-02T03:04:05+02:00', NOW),
    Date.UTC(2030, 0, 2, 1, 4, 5) / 1000,
  );
});

test('the past, now, nonsense and impossible dates are usage errors', () => {
  for (const bad of [
    '0s',
    '2020-01-01',
    '2023-11-14T22:13:20Z',
    'soon',
    '90',
    '9x',
    '2030-13-45',
    '',
  ])
    assert.throws(() => parseExpires(bad, NOW), UsageError, bad);
});
