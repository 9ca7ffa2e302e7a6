/**
 * The web server and its fetch relay over real sockets: the relay carries
 * only GET, only for the app's own pages, only the content types channels
 * read, and enforces the Node guard (private addresses, size cap, deadline,
 * redirects) exactly like the CLI; the static side never leaves its root.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChannelError } from '@kez/core';
import { resolveChannelConfig } from '@kez/channels';
import type { Net } from '@kez/channels';
import { createNodeNet } from '@kez/channels/node';
import { startWebServer } from '../src/server/index.js';
import type { WebServer } from '../src/server/index.js';

const MARK = { 'x-kez-relay': '1' };

function upstreamHandler(req: IncomingMessage, res: ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://x');
  switch (u.pathname) {
    case '/json':
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        link: '<http://x/json?page=2>; rel="next"',
        'set-cookie': 'a=b',
      });
      res.end(
        JSON.stringify({
          ok: true,
          auth: req.headers.authorization ?? null,
          cookie: req.headers.cookie ?? null,
          accept: req.headers.accept,
        }),
      );
      return;
    case '/redirect':
      res.writeHead(302, { location: '/json' }).end();
      return;
    case '/html':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>');
      return;
    case '/missing':
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>gone</h1>');
      return;
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(20_000));
      return;
    case '/slow':
      return; // never answers
    default:
      res.writeHead(404).end();
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return (server.address() as AddressInfo).port;
}

describe('web server and fetch relay', () => {
  let upstream: Server;
  let up: string;
  let root: string;
  let open: WebServer; // relay allows loopback (as tests configure it)
  let strict: WebServer; // relay with the defaults: no private addresses
  let fake: WebServer; // relay over a scripted Net (TXT, concurrency)
  let nets: { close(): void }[] = [];
  let release: () => void = () => {};

  before(async () => {
    upstream = createServer(upstreamHandler);
    up = `http://127.0.0.1:${await listen(upstream)}`;
    root = mkdtempSync(join(tmpdir(), 'kez-web-root-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'kez-web-secret.txt'), 'secret');
    const limits = { allowPrivate: true, timeoutMs: 800, maxBytes: 4096 };
    const openNet = createNodeNet(resolveChannelConfig({ flags: limits }));
    const strictNet = createNodeNet(resolveChannelConfig({ flags: { timeoutMs: 800 } }));
    nets = [openNet, strictNet];
    const gate = new Promise<void>((r) => (release = r));
    const scripted: Net = {
      async fetch(url) {
        await gate;
        throw new ChannelError('network_error', 'released', url);
      },
      async resolveTxt(name) {
        if (name === '_kez.fail.example')
          throw new ChannelError('dns_error', 'SERVFAIL from 127.0.0.1', name);
        return name === '_kez.a.example' ? [['kez:z1:', 'abc']] : null;
      },
    };
    const config = { sigServers: ['http://127.0.0.1:1'] };
    [open, strict, fake] = await Promise.all([
      startWebServer({ root, config, relay: { net: openNet } }),
      startWebServer({ root, config, relay: { net: strictNet } }),
      startWebServer({ root, config, relay: { net: scripted, maxConcurrent: 1 } }),
    ]);
  });

  after(async () => {
    release();
    for (const n of nets) n.close();
    await Promise.all([open?.close(), strict?.close(), fake?.close()]);
    upstream?.closeAllConnections();
    await new Promise<void>((ok) => upstream.close(() => ok()));
    rmSync(root, { recursive: true, force: true });
  });

  const relay = (base: WebServer, target: string, init: RequestInit = {}) =>
    fetch(`${base.url}/relay/fetch?url=${encodeURIComponent(target)}`, {
      ...init,
      headers: { ...MARK, ...(init.headers as Record<string, string>) },
    });

  test('relays JSON with its status, pagination header and final URL; never credentials', async () => {
    const res = await relay(open, `${up}/redirect`, {
      headers: { accept: 'application/vnd.github+json', authorization: 'token t', cookie: 'c=1' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-kez-relay-url'), `${up}/json`);
    assert.match(res.headers.get('link') ?? '', /rel="next"/);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body, {
      ok: true,
      auth: null,
      cookie: null,
      accept: 'application/vnd.github+json',
    });
  });

  test('the Node guard applies: private addresses, size cap, deadline', async () => {
    // An IP literal, and a name that resolves to loopback (checked after resolution).
    for (const target of [`${up.replace('http:', 'https:')}/json`, 'https://localhost:9/json']) {
      const priv = await relay(strict, target);
      assert.equal(priv.status, 502);
      assert.equal(priv.headers.get('x-kez-relay-error'), 'private_address', target);
    }
    const plain = await relay(strict, 'http://example.com/');
    assert.equal(
      plain.headers.get('x-kez-relay-error'),
      'bad_response',
      'no plain http by default',
    );
    const big = await relay(open, `${up}/big`);
    assert.equal(big.headers.get('x-kez-relay-error'), 'too_large');
    const t0 = Date.now();
    const slow = await relay(open, `${up}/slow`);
    assert.equal(slow.headers.get('x-kez-relay-error'), 'timeout');
    assert.ok(Date.now() - t0 < 5000);
  });

  test('only the content types channels read; error pages pass as bare statuses', async () => {
    const html = await relay(open, `${up}/html`);
    assert.equal(html.status, 502);
    assert.equal(html.headers.get('x-kez-relay-error'), 'bad_response');
    assert.doesNotMatch(await html.text(), /script/);
    const missing = await relay(open, `${up}/missing`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '');
  });

  test('GET only, same-origin only, well-formed targets only', async () => {
    const post = await fetch(`${open.url}/relay/fetch?url=${encodeURIComponent(`${up}/json`)}`, {
      method: 'POST',
      headers: MARK,
    });
    assert.equal(post.status, 405);
    const unmarked = await fetch(`${open.url}/relay/fetch?url=${encodeURIComponent(`${up}/json`)}`);
    assert.equal(unmarked.status, 403);
    const crossSite = await relay(open, `${up}/json`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(crossSite.status, 403);
    for (const bad of [
      '',
      'not a url',
      'ftp://127.0.0.1/x',
      `http://u:p@127.0.0.1/`,
      `http://x/${'a'.repeat(3000)}`,
    ]) {
      const r = await relay(open, bad);
      assert.equal(r.status, 400, bad.slice(0, 40));
      assert.equal(r.headers.get('x-kez-relay-error'), 'bad_response');
    }
    assert.equal((await fetch(`${open.url}/relay/other`, { headers: MARK })).status, 404);
  });

  test('TXT lookups: records, none, a resolver failure, a bad name', async () => {
    const txt = (name: string) =>
      fetch(`${fake.url}/relay/txt?name=${encodeURIComponent(name)}`, { headers: MARK });
    assert.deepEqual(await (await txt('_kez.a.example')).json(), { records: [['kez:z1:', 'abc']] });
    assert.deepEqual(await (await txt('_kez.none.example')).json(), { records: null });
    const fail = await txt('_kez.fail.example');
    assert.equal(fail.headers.get('x-kez-relay-error'), 'dns_error');
    assert.equal((await txt('no spaces allowed.example')).status, 400);
    assert.equal((await txt('localhost')).status, 400);
  });

  test('at most maxConcurrent relayed requests at once: the rest get 503', async () => {
    const first = relay(fake, 'https://hang.example/');
    await new Promise((r) => setTimeout(r, 100));
    const second = await relay(fake, 'https://hang.example/');
    assert.equal(second.status, 503);
    assert.equal(second.headers.get('x-kez-relay-error'), 'rate_limited');
    release();
    assert.equal((await first).headers.get('x-kez-relay-error'), 'network_error');
  });

  test('static files: config.json, app routes, 404s, no escape from the root, CSP', async () => {
    const cfg = await fetch(`${open.url}/config.json`);
    assert.deepEqual(await cfg.json(), { sigServers: ['http://127.0.0.1:1'] });
    const page = await fetch(`${open.url}/some/route`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>app/);
    assert.match(
      page.headers.get('content-security-policy') ?? '',
      /script-src 'self' 'wasm-unsafe-eval'/,
    );
    const asset = await fetch(`${open.url}/assets/app-1234.js`);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${open.url}/assets/nope.js`)).status, 404);
    for (const p of [
      '/..%2fkez-web-secret.txt',
      '/%2e%2e/kez-web-secret.txt',
      '/assets/..%2f..%2fkez-web-secret.txt',
    ]) {
      const r = await fetch(`${open.url}${p}`);
      assert.notEqual(await r.text(), 'secret', p);
    }
    assert.equal((await fetch(`${open.url}/`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${open.url}/`, { method: 'HEAD' })).status, 200);
  });
});
