import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelError } from '@kez/core';
import type { HopRequest, HopResponse, Transport } from '@kez/channels/browser';
import { createRelayTransport } from './relay-transport.js';
import { createRoutingTransport, routesToRelay } from './routing-transport.js';
import type { Hop } from './routing-transport.js';
import { createWebNet } from './web-net.js';
import { parseAppConfig } from '../config.js';

function req(url: string, method = 'GET'): HopRequest {
  return {
    url: new URL(url),
    method,
    headers: { accept: 'application/json', authorization: 'token secret' },
    signal: new AbortController().signal,
    allowPrivate: false,
  };
}

const okResponse = (tag: string): HopResponse => ({
  status: 200,
  headers: new Headers({ 'x-tag': tag }),
  body: (async function* () {})(),
  cancel() {},
});

describe('routing: direct, relay by host, relay as fallback', () => {
  const direct: Transport = async (r) => {
    if (r.url.host === 'nocors.example')
      throw new ChannelError('network_error', 'Failed to fetch', r.url.href);
    if (r.url.host === 'down.example') throw new ChannelError('timeout', 'slow', r.url.href);
    return okResponse('direct');
  };
  const relay: Transport = async () => okResponse('relay');

  test('routesToRelay matches host, host:port and *', () => {
    assert.equal(routesToRelay(new URL('http://127.0.0.1:8787/x'), ['127.0.0.1:8787']), true);
    assert.equal(routesToRelay(new URL('https://sig.example/x'), ['sig.example']), true);
    assert.equal(routesToRelay(new URL('https://other.example/x'), ['sig.example']), false);
    assert.equal(routesToRelay(new URL('https://any.example/x'), ['*']), true);
  });

  test('each request goes one way and is logged', async () => {
    const hops: Hop[] = [];
    const t = createRoutingTransport({
      direct,
      relay,
      relayHosts: ['sig.example'],
      fallback: true,
      onHop: (h) => hops.push(h),
    });
    assert.equal((await t(req('https://api.example/a'))).headers.get('x-tag'), 'direct');
    assert.equal((await t(req('https://sig.example/a'))).headers.get('x-tag'), 'relay');
    assert.equal((await t(req('https://nocors.example/a'))).headers.get('x-tag'), 'relay');
    assert.deepEqual(
      hops.map((h) => [new URL(h.target).host, h.via, h.fallback ?? false]),
      [
        ['api.example', 'direct', false],
        ['sig.example', 'relay', false],
        ['nocors.example', 'relay', true],
      ],
    );
  });

  test('no fallback for timeouts, for POST, or when fallback is off', async () => {
    const t = createRoutingTransport({ direct, relay, relayHosts: [], fallback: true });
    await assert.rejects(t(req('https://down.example/a')), { code: 'timeout' });
    await assert.rejects(t(req('https://nocors.example/a', 'POST')), { code: 'network_error' });
    const off = createRoutingTransport({ direct, relay, relayHosts: [], fallback: false });
    await assert.rejects(off(req('https://nocors.example/a')), { code: 'network_error' });
  });
});

describe('relay transport (the page side of the relay protocol)', () => {
  test('asks {relay}/fetch?url=…, marks itself, forwards only safe headers', async () => {
    let seen: { url: string; headers: Headers } | undefined;
    const fake = (async (url: string, init: RequestInit) => {
      seen = { url, headers: new Headers(init.headers) };
      return new Response('{"a":1}', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as unknown as typeof fetch;
    const t = createRelayTransport('https://app.example/relay', fake);
    const res = await t(req('https://gist.example/raw/a b'));
    assert.equal(res.status, 200);
    assert.equal(
      seen!.url,
      `https://app.example/relay/fetch?url=${encodeURIComponent('https://gist.example/raw/a%20b')}`,
    );
    assert.equal(seen!.headers.get('x-kez-relay'), '1');
    assert.equal(seen!.headers.get('accept'), 'application/json');
    assert.equal(seen!.headers.get('authorization'), null, 'credentials never go to the relay');
    await assert.rejects(t(req('https://x.example/', 'POST')), /GET only/);
  });

  test('a relay failure becomes the guard’s own ChannelError', async () => {
    const fake = (async () =>
      new Response('{"error":"private_address","message":"refusing 10.0.0.1"}', {
        status: 502,
        headers: { 'x-kez-relay-error': 'private_address' },
      })) as unknown as typeof fetch;
    const t = createRelayTransport('https://app.example/relay', fake);
    await assert.rejects(t(req('https://evil.example/')), {
      code: 'private_address',
      message: 'relay: refusing 10.0.0.1',
    });
    const unknown = (async () =>
      new Response('{}', {
        status: 502,
        headers: { 'x-kez-relay-error': 'made_up' },
      })) as unknown as typeof fetch;
    await assert.rejects(
      createRelayTransport('https://a.example/r', unknown)(req('https://b.example/')),
      {
        code: 'bad_response',
      },
    );
  });

  test('TXT through the relay: records, none, and failures', async () => {
    const answers: Record<string, Response> = {
      '_kez.a.example': Response.json({ records: [['kez:z1:', 'abc']] }),
      '_kez.none.example': Response.json({ records: null }),
      '_kez.bad.example': Response.json({ records: 'x' }),
      '_kez.fail.example': new Response('{"message":"SERVFAIL"}', {
        status: 502,
        headers: { 'x-kez-relay-error': 'dns_error' },
      }),
    };
    const config = parseAppConfig({ relay: { url: '/relay', dns: true } }, 'https://app.example/');
    const hops: Hop[] = [];
    const net = createWebNet(config, {
      fetchFn: (async (url: string) =>
        answers[new URL(url).searchParams.get('name')!]!.clone()) as unknown as typeof fetch,
      onHop: (h) => hops.push(h),
    });
    assert.deepEqual(await net.resolveTxt('_kez.a.example'), [['kez:z1:', 'abc']]);
    assert.equal(await net.resolveTxt('_kez.none.example'), null);
    await assert.rejects(net.resolveTxt('_kez.bad.example'), { code: 'bad_response' });
    await assert.rejects(net.resolveTxt('_kez.fail.example'), {
      code: 'dns_error',
      message: 'relay: SERVFAIL',
    });
    assert.ok(hops.every((h) => h.kind === 'txt' && h.via === 'relay'));
  });

  test('without DoH or relay, TXT lookups fail with dns_error, never silently', async () => {
    const net = createWebNet(parseAppConfig({}, 'https://app.example/'), {
      fetchFn: (async () => new Response('')) as unknown as typeof fetch,
    });
    await assert.rejects(net.resolveTxt('_kez.example.com'), { code: 'dns_error' });
  });

  test('the guard still applies through the relay: size cap and private literals', async () => {
    const config = parseAppConfig(
      { relay: { url: '/relay', hosts: ['*'] }, channels: { maxBytes: 2048 } },
      'https://app.example/',
    );
    const net = createWebNet(config, {
      fetchFn: (async () =>
        new Response('x'.repeat(5000), {
          headers: { 'content-type': 'text/plain' },
        })) as unknown as typeof fetch,
    });
    await assert.rejects(net.fetch('https://big.example/'), { code: 'too_large' });
    await assert.rejects(net.fetch('https://10.0.0.1/'), { code: 'private_address' });
  });
});
