import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '@kez/core';
import { loadAppConfig, parseAppConfig } from './config.js';

const PAGE = 'https://app.example/kez/index.html';

describe('parseAppConfig', () => {
  test('resolves relative URLs against the page and fills defaults', () => {
    const c = parseAppConfig(
      {
        sigServers: ['https://sig.example/'],
        natsWsUrl: 'wss://chat.example/ws',
        relay: { url: '/relay', hosts: ['Sig.Example'] },
        channels: { nostrRelays: ['wss://relay.example'], sigServers: ['https://sig2.example'] },
      },
      PAGE,
    );
    assert.deepEqual(c.sigServers, ['https://sig.example', 'https://sig2.example']);
    assert.equal(c.natsWsUrl, 'wss://chat.example/ws');
    assert.deepEqual(c.relay, {
      url: 'https://app.example/relay',
      hosts: ['sig.example'],
      fallback: true,
      // No DoH configured: TXT goes through the relay by default.
      dns: true,
    });
    assert.deepEqual(c.channels.nostrRelays, ['wss://relay.example']);
    assert.equal(c.channels.allowPrivate, false);
  });

  test('with a DoH URL, DNS stays off the relay unless asked', () => {
    const c = parseAppConfig(
      { relay: { url: '/relay' }, channels: { dohUrl: 'https://dns.example/dns-query' } },
      PAGE,
    );
    assert.equal(c.relay?.dns, false);
  });

  test('bad settings are InputErrors naming the setting', () => {
    assert.throws(() => parseAppConfig([], PAGE), InputError);
    assert.throws(() => parseAppConfig({ sigServers: 'x' }, PAGE), /sigServers/);
    assert.throws(() => parseAppConfig({ sigServers: ['ftp://x'] }, PAGE), /http\(s\)/);
    assert.throws(() => parseAppConfig({ natsWsUrl: 'http://x' }, PAGE), /natsWsUrl/);
    assert.throws(() => parseAppConfig({ relay: { url: '/r', dns: 'yes' } }, PAGE), /relay.dns/);
    assert.throws(() => parseAppConfig({ channels: { timeoutMs: -1 } }, PAGE), /timeoutMs/);
  });

  test('loadAppConfig reports a missing or broken file in one line', async () => {
    const fake = (status: number, body: string) =>
      (async () => new Response(body, { status })) as unknown as typeof fetch;
    await assert.rejects(loadAppConfig(fake(404, ''), `${PAGE}/config.json`), /HTTP 404/);
    await assert.rejects(loadAppConfig(fake(200, '{'), `${PAGE}/config.json`), /not JSON/);
    const ok = await loadAppConfig(fake(200, '{"sigServers":[]}'), 'https://a.example/config.json');
    assert.deepEqual(ok.sigServers, []);
  });
});
