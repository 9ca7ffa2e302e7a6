/**
 * The network guard (SPEC §7.6) against a real local HTTP server: each limit
 * gives its own reason code, and nothing hangs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelError } from '@kez/core';
import { createNodeNet } from '@kez/channels/node';
import { createGuardedFetch, resolveChannelConfig } from '@kez/channels';
import type { Transport } from '@kez/channels';

let server: http.Server;
let base: string;
let port: number;

before(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    switch (u.pathname) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ hello: 'world', auth: req.headers.authorization ?? null }));
      case '/big': // no content-length: the cap must hold while streaming
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 64; i++) res.write(Buffer.alloc(1024, 0x61));
        return res.end();
      case '/big-declared':
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        return res.end();
      case '/slow':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return; // never ends
      case '/loop':
        res.writeHead(302, { location: '/loop2' });
        return res.end();
      case '/loop2':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      case '/chain': {
        const n = Number(u.searchParams.get('n'));
        res.writeHead(n > 0 ? 307 : 200, n > 0 ? { location: `/chain?n=${n - 1}` } : {});
        return res.end(n > 0 ? '' : 'done');
      }
      case '/to-other-origin':
        res.writeHead(302, { location: `http://localhost:${port}/ok` });
        return res.end();
      case '/see-other':
        res.writeHead(303, { location: '/ok' });
        return res.end();
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function net(overrides: Record<string, unknown> = {}) {
  return createNodeNet(
    resolveChannelConfig({
      flags: { allowPrivate: true, maxBytes: 16384, timeoutMs: 400, ...overrides },
    }),
  );
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ChannelError, `expected ChannelError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected a ChannelError');
}

describe('guarded fetch', () => {
  test('a normal JSON answer', async () => {
    const n = net();
    const res = await n.fetch(`${base}/ok`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { hello: 'world', auth: null });
    n.close();
  });

  test('an oversized body is too_large (streamed and declared)', async () => {
    const n = net();
    assert.equal(await reason(n.fetch(`${base}/big`)), 'too_large');
    assert.equal(await reason(n.fetch(`${base}/big-declared`)), 'too_large');
    n.close();
  });

  test('a response slower than the timeout is timeout, without hanging', async () => {
    const n = net();
    const t0 = performance.now();
    assert.equal(await reason(n.fetch(`${base}/slow`)), 'timeout');
    const ms = performance.now() - t0;
    assert.ok(ms >= 390 && ms < 2000, `took ${ms} ms`);
    n.close();
  });

  test('a redirect loop is too_many_redirects', async () => {
    const n = net();
    assert.equal(await reason(n.fetch(`${base}/loop`)), 'too_many_redirects');
    n.close();
  });

  test('redirects are followed up to the limit and no further', async () => {
    const n = net();
    const ok = await n.fetch(`${base}/chain?n=5`);
    assert.equal(ok.text(), 'done');
    assert.equal(ok.url, `${base}/chain?n=0`);
    assert.equal(await reason(n.fetch(`${base}/chain?n=6`)), 'too_many_redirects');
    n.close();
  });

  test('303 turns a POST into a GET', async () => {
    const n = net();
    const res = await n.fetch(`${base}/see-other`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 200);
    n.close();
  });

  test('credentials are not carried to another origin', async () => {
    const n = net();
    const same = await n.fetch(`${base}/ok`, { headers: { authorization: 'Bearer s3cret' } });
    assert.equal((same.json() as { auth: string }).auth, 'Bearer s3cret');
    const moved = await n.fetch(`${base}/to-other-origin`, {
      headers: { authorization: 'Bearer s3cret' },
    });
    assert.equal((moved.json() as { auth: string | null }).auth, null);
    n.close();
  });

  test('a name resolving to 127.0.0.1 is private_address without allowPrivate', async () => {
    const n = net({ allowPrivate: false, apScheme: 'http' });
    const viaName = await n.fetch(`http://localhost:${port}/ok`).catch((e: unknown) => e);
    assert.ok(viaName instanceof ChannelError && viaName.code === 'private_address');
    assert.match(viaName.message, /localhost: it resolves to (127\.0\.0\.1|::1)/);
    assert.equal(await reason(n.fetch(`${base}/ok`)), 'private_address');
    assert.equal(await reason(n.fetch(`http://[::1]:${port}/ok`)), 'private_address');
    n.close();
  });

  test('plain http is refused unless allowed', async () => {
    const n = net({ allowPrivate: false });
    assert.equal(await reason(n.fetch(`${base}/ok`)), 'bad_response');
    n.close();
  });

  test('an https → http redirect is refused (policy checked over a stub transport)', async () => {
    const hops: string[] = [];
    const transport: Transport = async (req) => {
      hops.push(req.url.href);
      return {
        status: 302,
        headers: new Headers({ location: 'http://example.org/x' }),
        body: (async function* () {})(),
        cancel() {},
      };
    };
    const get = createGuardedFetch({
      transport,
      timeoutMs: 1000,
      maxBytes: 1024,
      maxRedirects: 5,
      allowPrivate: false,
      allowHttp: true,
    });
    assert.equal(await reason(get('https://example.com/')), 'bad_response');
    assert.deepEqual(hops, ['https://example.com/']);
  });

  test('a configured endpoint on a private address is allowed for itself, not for its redirects', async () => {
    const n = createNodeNet(resolveChannelConfig({ flags: { githubApi: base, timeoutMs: 400 } }));
    assert.equal((await n.fetch(`${base}/ok`)).status, 200);
    assert.equal(await reason(n.fetch(`${base}/to-other-origin`)), 'bad_response'); // http to localhost
    const n2 = createNodeNet(
      resolveChannelConfig({ flags: { githubApi: base, timeoutMs: 400, apScheme: 'http' } }),
    );
    assert.equal(await reason(n2.fetch(`${base}/to-other-origin`)), 'private_address');
    n.close();
    n2.close();
  });

  test('a refused connection is network_error; an unknown name is dns_error', async () => {
    const n = net();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    assert.equal(await reason(n.fetch(`http://127.0.0.1:${deadPort}/`)), 'network_error');
    assert.equal(await reason(n.fetch('http://no-such-host.invalid/')), 'dns_error');
    n.close();
  });
});
