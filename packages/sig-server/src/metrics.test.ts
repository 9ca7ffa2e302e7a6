import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from './metrics.js';

test('a route’s request recorder counts each (method, status) apart, whatever the order', () => {
  const m = new Metrics();
  const rec = m.requestRecorder('/v1/chains/:key/head');
  for (const [method, status] of [
    ['GET', 200],
    ['GET', 404],
    ['GET', 200],
    ['HEAD', 200],
    ['GET', 200],
  ] as const)
    rec(method, status, 0.002);
  m.observeRequest('/v1/chains/:key/head', 'GET', 404, 2);
  const count = (method: string, status: number) =>
    m.requests.get({ route: '/v1/chains/:key/head', method, status: String(status) });
  assert.equal(count('GET', 200), 3);
  assert.equal(count('GET', 404), 2);
  assert.equal(count('HEAD', 200), 1);
  const text = m.render();
  assert.match(
    text,
    /kez_sig_http_request_duration_seconds_count\{route="\/v1\/chains\/:key\/head"\} 6/,
  );
  assert.match(
    text,
    /kez_sig_http_request_duration_seconds_bucket\{le="0\.0025",route="\/v1\/chains\/:key\/head"\} 5/,
  );
});
