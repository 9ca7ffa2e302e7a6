/** ChannelConfig precedence (flag > env > $KEZ_HOME/config.json > default) and validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHANNEL_CONFIG, configuredHosts, resolveChannelConfig } from '@kez/channels';
import { loadChannelConfig } from '@kez/channels/node';

test('flag > env > config.json > default', () => {
  const file = { githubApi: 'https://file.example', timeoutMs: 1111, dnsServers: ['10.0.0.1'] };
  const env = { KEZ_GITHUB_API: 'https://env.example', KEZ_DNS_SERVERS: '1.1.1.1:53, 9.9.9.9' };
  const c = resolveChannelConfig({ flags: { githubApi: 'https://flag.example/' }, env, file });
  assert.equal(c.githubApi, 'https://flag.example'); // trailing slash dropped
  assert.deepEqual(c.dnsServers, ['1.1.1.1:53', '9.9.9.9']);
  assert.equal(c.timeoutMs, 1111);
  assert.equal(c.maxRedirects, DEFAULT_CHANNEL_CONFIG.maxRedirects);
  assert.equal(resolveChannelConfig({ env: { KEZ_ALLOW_PRIVATE: 'yes' } }).allowPrivate, true);
});

test('bad values are InputErrors naming the setting and its source', () => {
  assert.throws(
    () => resolveChannelConfig({ env: { KEZ_TIMEOUT_MS: 'soon' } }),
    /\$KEZ_TIMEOUT_MS must be a non-negative integer/,
  );
  assert.throws(
    () => resolveChannelConfig({ file: { githubApi: 'ftp://x' } }),
    /config\.json "githubApi" must be an http\(s\) URL/,
  );
  assert.throws(
    () => resolveChannelConfig({ flags: { apScheme: 'gopher' } }),
    /must be https or http/,
  );
  assert.throws(() => resolveChannelConfig({ file: [] }), /must hold a JSON object/);
  assert.throws(() => resolveChannelConfig({ flags: { maxBytes: 10 } }), /at least 1024/);
});

test('loadChannelConfig reads $KEZ_HOME/config.json; a missing file is fine, a broken one is not', () => {
  const home = mkdtempSync(join(tmpdir(), 'kez-cfg-'));
  try {
    assert.equal(loadChannelConfig({ home }).githubApi, DEFAULT_CHANNEL_CONFIG.githubApi);
    writeFileSync(
      join(home, 'config.json'),
      JSON.stringify({ apScheme: 'http', other: 'ignored' }),
    );
    assert.equal(loadChannelConfig({ home }).apScheme, 'http');
    writeFileSync(join(home, 'config.json'), '{"a":1,"a":2}');
    assert.throws(() => loadChannelConfig({ home }), /config\.json is not valid JSON/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('configured endpoint hosts (allowed on private addresses, SPEC §7.1.2)', () => {
  const c = resolveChannelConfig({
    flags: {
      githubApi: 'http://127.0.0.1:8090',
      dohUrl: 'http://10.0.0.53/dns-query',
      nostrRelays: ['ws://[::1]:7447'],
    },
  });
  const hosts = configuredHosts(c);
  for (const h of ['127.0.0.1:8090', '10.0.0.53', '[::1]:7447', 'gist.githubusercontent.com'])
    assert.ok(hosts.has(h), h);
});
