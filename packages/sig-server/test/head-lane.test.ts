/**
 * The head lane (src/http/head-lane.ts) answers cached head reads before
 * hono. These tests hold it to "the same answer hono would give": two
 * servers on one SQLite file, one with the lane and one without, get the
 * same raw requests and must send the same bytes back (bar the Date and a
 * per-process request id). The lane itself is then driven alone, to show
 * which requests it takes — so the comparison above is not passing because
 * the lane never ran — and that it shares hono's rate limit and metrics.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { formatKeyRef, fromHex, getSuite, npubEncode, randomBytes } from '@kez/core';
import { resolveConfig, startSigServer } from '@kez/sig-server';
import type { SigServer, SigServerConfigInput } from '@kez/sig-server';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { tempDir } from './helpers/backends.js';
import { ChainWriter, jsonl, newSigner } from './helpers/chains.js';
import { appFetcher, postEvents, postOne, urlFetcher } from './helpers/http.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request as raw bytes on its own connection; the whole answer, headers by lower-case name. */
function exchange(port: number, request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('latin1');
      const cut = all.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = all.slice(0, cut).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
        headers,
        body: all.slice(cut + 4),
      });
    });
    sock.setTimeout(10_000, () => sock.destroy(new Error('no answer in 10 s')));
    sock.write(request);
  });
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET', version = '1.1') =>
  `${method} ${path} HTTP/${version}\r\n` +
  Object.entries({ connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('') +
  '\r\n';

const HOST = { host: 'kez.example' };
const unknownKey = () => formatKeyRef('ed25519', getSuite('ed25519').getPublicKey(randomBytes(32)));

const npubOf = (nostrKey: string) => npubEncode(fromHex(nostrKey.slice('nostr:'.length)));

/** The requests both servers get, by name; each is sent twice (the first may fill the cache). */
function requests(chain: string, etag: string, nostrChain: string): Record<string, string> {
  const hex = chain.slice('ed25519:'.length);
  const path = `/v1/chains/${chain}/head`;
  return {
    plain: get(path, HOST),
    'host with port': get(path, { host: '127.0.0.1:8420' }),
    'encoded colon': get(`/v1/chains/ed25519%3A${hex}/head`, HOST),
    'encoded colon, lower case': get(`/v1/chains/ed25519%3a${hex}/head`, HOST),
    'npub of a nostr chain': get(`/v1/chains/${npubOf(nostrChain)}/head`, HOST),
    'nostr chain': get(`/v1/chains/${nostrChain}/head`, HOST),
    'if-none-match: its etag': get(path, { ...HOST, 'if-none-match': etag }),
    'if-none-match: weak': get(path, { ...HOST, 'if-none-match': `W/${etag}` }),
    'if-none-match: *': get(path, { ...HOST, 'if-none-match': '*' }),
    'if-none-match: a list': get(path, { ...HOST, 'if-none-match': `"x", ${etag}` }),
    'if-none-match: other': get(path, { ...HOST, 'if-none-match': '"other"' }),
    'if-none-match twice': get(path, HOST).replace(
      '\r\n\r\n',
      `\r\nif-none-match: "x"\r\nif-none-match: ${etag}\r\n\r\n`,
    ),
    'upper-case hex': get(`/v1/chains/ed25519:${hex.toUpperCase()}/head`, HOST),
    'unknown key': get(`/v1/chains/${unknownKey()}/head`, HOST),
    'not a key': get('/v1/chains/ed25519:zz/head', HOST),
    'over-long key': get(`/v1/chains/ed25519:${'a'.repeat(300)}/head`, HOST),
    query: get(`${path}?x=1`, HOST),
    'trailing slash': get(`${path}/`, HOST),
    'double slash': get(`/v1/chains//${chain}/head`, HOST),
    'HEAD method': get(path, HOST, 'HEAD'),
    'POST method': get(path, { ...HOST, 'content-length': '0' }, 'POST'),
    'HTTP/1.0 without Host': get(path, {}, 'GET', '1.0'),
    'HTTP/1.0 with Host': get(path, HOST, 'GET', '1.0'),
    'upper-case host': get(path, { host: 'KEZ.example' }),
    'port past 65535': get(path, { host: 'kez.example:99999' }),
    'IPv6 host': get(path, { host: '[::1]:8420' }),
    'x-request-id': get(path, { ...HOST, 'x-request-id': 'abc' }),
    'absolute form': get(`http://kez.example${path}`, HOST),
  };
}

/** What may differ between two processes: the date, and the random prefix of made-up request ids. */
function comparable(a: Answer): Answer {
  const { date: _date, ...headers } = a.headers;
  if (headers['x-request-id'] !== undefined && headers['x-request-id'] !== 'abc')
    headers['x-request-id'] = '<made up>';
  return { ...a, headers };
}

async function appendChain(url: string, w: ChainWriter) {
  const r = await postEvents(urlFetcher(url), w.chain, jsonl(w.events), 'application/jsonl');
  assert.equal(r.status, 201, JSON.stringify(r.json));
}

describe('head lane: the same answers as hono', () => {
  const dataDir = tempDir('lane');
  const config = (): SigServerConfigInput => ({
    port: 0,
    dataDir,
    rateLimit: null,
    logLevel: 'silent',
  });
  let withLane: SigServer;
  let without: SigServer;
  const w = new ChainWriter();
  const nostr = new ChainWriter(newSigner('nostr'));

  before(async () => {
    withLane = await startSigServer({ env: {}, config: config() });
    without = await startSigServer({ env: {}, config: config(), headLane: false });
    await w.extend(3);
    await appendChain(withLane.url, w);
    await nostr.extend(1);
    await appendChain(withLane.url, nostr);
  });
  after(async () => {
    await withLane.close();
    await without.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every request, twice, answered alike with and without the lane', async () => {
    const first = await exchange(withLane.port, get(`/v1/chains/${w.chain}/head`, HOST));
    assert.equal(first.status, 200);
    const etag = first.headers.etag!;
    assert.match(etag, /^"[0-9a-f]{32}-3-0"$/);
    const cases = requests(w.chain, etag, nostr.chain);
    const statuses: Record<string, number> = {};
    for (const [name, req] of Object.entries(cases))
      for (const round of [1, 2]) {
        const a = await exchange(withLane.port, req);
        const b = await exchange(without.port, req);
        assert.deepEqual(comparable(a), comparable(b), `${name} (round ${round})`);
        statuses[name] = a.status;
      }
    // The matrix covers the lane's answers and hono's refusals alike.
    assert.equal(statuses.plain, 200);
    assert.equal(statuses['npub of a nostr chain'], 200);
    assert.equal(statuses['if-none-match: its etag'], 304);
    assert.equal(statuses['unknown key'], 404);
    assert.equal(statuses['not a key'], 400);
    assert.equal(statuses['POST method'], 405);
  });

  test('an append is seen at once through the lane (read-your-writes)', async () => {
    const path = `/v1/chains/${w.chain}/head`;
    const before = await exchange(withLane.port, get(path, HOST));
    await w.extend(1);
    const r = await postOne(urlFetcher(withLane.url), w.chain, w.events.at(-1)!);
    assert.equal(r.status, 201);
    const now = await exchange(
      withLane.port,
      get(path, { ...HOST, 'if-none-match': before.headers.etag! }),
    );
    assert.equal(now.status, 200);
    assert.equal((JSON.parse(now.body) as { seq: number }).seq, 4);
  });
});

describe('head lane alone: what it takes, and what it leaves to hono', () => {
  const dataDir = tempDir('lane-alone');
  let store: Store;
  const w = new ChainWriter();
  const nostr = new ChainWriter(newSigner('nostr'));

  /**
   * The lane in a bare node server whose every other answer is 599 ("fell through"), and the
   * hono app it was built with (over the same caches, limiter and metrics).
   */
  async function laneServer(
    cfg: SigServerConfigInput,
    lines: string[] = [],
    clock: () => number = Date.now,
  ) {
    const built = buildApp({
      store,
      clock,
      config: resolveConfig({}, { logLevel: 'silent', ...cfg }),
      logger: createLogger('lane', { level: cfg.logLevel ?? 'silent', sink: (l) => lines.push(l) }),
    });
    const lane = built.lane;
    assert.ok(lane);
    const server = createServer((req, res) => {
      if (!lane(req, res)) res.writeHead(599).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    return {
      app: built.app,
      send: (req: string) => exchange(port, req),
      [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  before(async () => {
    store = openSqliteStore(`${dataDir}/kez.sqlite`);
    const app = buildApp({
      store,
      config: resolveConfig({}, { rateLimit: null, logLevel: 'silent' }),
    }).app;
    await w.extend(2);
    await nostr.extend(1);
    for (const c of [w, nostr]) {
      const r = await postEvents(appFetcher(app), c.chain, jsonl(c.events), 'application/jsonl');
      assert.equal(r.status, 201);
    }
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('takes plain GETs of cached heads; leaves the rest untouched', async () => {
    await using s = await laneServer({ rateLimit: null });
    const path = `/v1/chains/${w.chain}/head`;
    // Not cached yet: the lane leaves it; hono's path reads the store and fills the cache.
    assert.equal((await s.send(get(path, HOST))).status, 599);
    assert.equal((await s.app.request(path)).status, 200);
    assert.equal((await s.app.request(`/v1/chains/${nostr.chain}/head`)).status, 200);
    const ok = await s.send(get(path, HOST));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-length'], String(Buffer.byteLength(ok.body)));
    assert.equal(ok.headers['content-type'], 'application/json');
    assert.equal((JSON.parse(ok.body) as { seq: number }).seq, 2);

    const answered: string[] = [];
    for (const [name, req] of Object.entries(requests(w.chain, ok.headers.etag!, nostr.chain))) {
      const a = await s.send(req);
      if (a.status !== 599) answered.push(`${name} ${a.status}`);
    }
    assert.deepEqual(answered, [
      'plain 200',
      'host with port 200',
      'encoded colon 200',
      'encoded colon, lower case 200',
      'npub of a nostr chain 200',
      'nostr chain 200',
      'if-none-match: its etag 304',
      'if-none-match: weak 304',
      'if-none-match: * 304',
      'if-none-match: a list 304',
      'if-none-match: other 200',
      'if-none-match twice 304',
      'HTTP/1.0 with Host 200',
      'x-request-id 200',
    ]);
  });

  test('shares the rate limit with hono: an empty bucket is left to hono, and refills', async () => {
    let now = 1_000_000;
    await using s = await laneServer({ rateLimit: { perSecond: 4, burst: 3 } }, [], () => now);
    const path = `/v1/chains/${w.chain}/head`;
    // app.request() has no socket (address 'unknown'); the lane sees the client's 127.0.0.1.
    assert.equal((await s.app.request(path)).status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.send(get(path, HOST))).status);
    assert.deepEqual(statuses, [200, 200, 200, 599, 599]);
    // The lane counted no 429 of its own (hono would, answering it) and took nothing on refusal.
    const metrics = await (await s.app.request('/metrics')).text();
    assert.doesNotMatch(metrics, /^kez_sig_rate_limited_total [1-9]/m);
    now += 250; // one token back; the cached head (1 s) still fresh
    assert.equal((await s.send(get(path, HOST))).status, 200);
    assert.equal((await s.send(get(path, HOST))).status, 599);
  });

  test("counts its answers in the head route's metrics series", async () => {
    await using s = await laneServer({ rateLimit: null });
    const path = `/v1/chains/${w.chain}/head`;
    assert.equal((await s.app.request(path)).status, 200);
    const etag = (await s.send(get(path, HOST))).headers.etag!;
    await s.send(get(path, HOST));
    await s.send(get(path, { ...HOST, 'if-none-match': etag }));
    const metrics = await (await s.app.request('/metrics')).text();
    const count = (status: number) =>
      Number(
        new RegExp(
          `^kez_sig_http_requests_total\\{method="GET",route="/v1/chains/:key/head",status="${status}"\\} (\\d+)$`,
          'm',
        ).exec(metrics)?.[1] ?? 0,
      );
    assert.equal(count(200), 3); // one through hono, two through the lane
    assert.equal(count(304), 1);
  });

  test('debug logging sends every request through hono, which logs it', async () => {
    const lines: string[] = [];
    await using s = await laneServer({ rateLimit: null, logLevel: 'debug' }, lines);
    const path = `/v1/chains/${w.chain}/head`;
    assert.equal((await s.app.request(path)).status, 200);
    assert.equal((await s.send(get(path, HOST))).status, 599);
    assert.equal(lines.filter((l) => l.includes('"route":"/v1/chains/:key/head"')).length, 1);
  });
});
