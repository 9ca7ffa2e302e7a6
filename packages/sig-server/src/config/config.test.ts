/** Configuration: defaults, env parsing, code over env, one-line errors that name the setting. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS, DEFAULT_PORT, resolveConfig } from './config.js';
import { readEnv } from './env.js';

test('defaults: 127.0.0.1:8420, SQLite under ./data, limits, rate limit on', () => {
  const c = resolveConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, DEFAULT_PORT);
  assert.equal(c.databaseUrl, null);
  assert.match(c.sqliteFile, /\/data\/kez-sig\.db$/);
  assert.deepEqual(c.limits, DEFAULT_LIMITS);
  assert.deepEqual(c.rateLimit, { perSecond: 20, burst: 100 });
});

test('readEnv picks only the sig-server variables; values from code win', () => {
  const env = readEnv({
    KEZ_SIG_PORT: '9000',
    KEZ_SIG_HOST: '0.0.0.0',
    DATABASE_URL: 'postgres://u:secret@db/kez',
    KEZ_SIG_MAX_EVENTS_PER_REQUEST: '7',
    KEZ_SIG_RATE_PER_SECOND: '0',
    KEZ_SIG_TRUST_PROXY: 'yes',
    HOME: '/root',
  });
  assert.equal(Object.keys(env).includes('HOME' as never), false);
  const c = resolveConfig(env, { port: 0 });
  assert.equal(c.port, 0);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.databaseUrl, 'postgres://u:secret@db/kez');
  assert.equal(c.limits.maxEventsPerRequest, 7);
  assert.equal(c.rateLimit, null);
  assert.equal(c.trustProxy, true);
});

test('bad values are refused with the variable named, and never echo a DATABASE_URL', () => {
  assert.throws(
    () => resolveConfig({ port: 'x' }),
    /KEZ_SIG_PORT must be an integer from 0 to 65535, got "x"/,
  );
  assert.throws(
    () => resolveConfig({ maxBodyBytes: '12' }),
    /KEZ_SIG_MAX_BODY_BYTES must be an integer/,
  );
  assert.throws(
    () => resolveConfig({ trustProxy: 'maybe' }),
    /KEZ_SIG_TRUST_PROXY must be true or false/,
  );
  assert.throws(() => resolveConfig({ logLevel: 'loud' }), /KEZ_SIG_LOG_LEVEL must be one of/);
  assert.throws(() => resolveConfig({ host: 'a b' }), /KEZ_SIG_HOST is not a host name/);
  try {
    resolveConfig({ databaseUrl: 'mysql://u:hunter2@db/x' });
    assert.fail('accepted a mysql URL');
  } catch (e) {
    assert.match((e as Error).message, /DATABASE_URL must start with postgres:/);
    assert.doesNotMatch((e as Error).message, /hunter2/);
  }
});
