/**
 * ≥ 1,000 generated malformed requests — bad JSON, bad signatures, wrong
 * prev, oversized bodies, unknown fields, odd key names, non-UTF-8 bytes,
 * wrong content types, huge numbers, wrong methods and queries — each must be
 * answered 4xx with a JSON `{error, message}` body, never 5xx. Most go
 * through app.request(); a share goes over a real socket as raw bytes, so
 * node-server's own request parsing is covered too. Seeded: reproducible.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { exportBundle, getSuite, signingDigest, toHex } from '@kez/core';
import { startSigServer } from '@kez/sig-server';
import type { SigServer } from '@kez/sig-server';
import { ChainWriter, jsonl, newSigner } from './helpers/chains.js';
import { keyPath } from './helpers/http.js';
import { tempDir } from './helpers/backends.js';

/** mulberry32: a tiny seeded PRNG. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(0x6b657a);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number) => Math.floor(rand() * n);
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');

interface Case {
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

let server: SigServer;
let w: ChainWriter;
let events: Record<string, unknown>[];
/** Events signed by the chain key whose prev (and seq) do not follow the stored chain. */
const wrongPrev: Record<string, unknown>[] = [];

const dataDir = tempDir('malformed');
before(async () => {
  server = await startSigServer({
    env: {},
    config: {
      port: 0,
      dataDir,
      rateLimit: null,
      logLevel: 'silent',
      limits: { maxBodyBytes: 64 * 1024 },
    },
  });
  w = new ChainWriter();
  await w.addClaim();
  await w.extend(2);
  const r = await fetch(`${server.url}${keyPath(w.chain)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/jsonl' },
    body: jsonl(w.events),
  });
  assert.equal(r.status, 201);
  events = w.events.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
  const suite = getSuite(w.signer.suite);
  for (let i = 0; i < 100; i++) {
    const edited: Record<string, unknown> = { ...events[2]!, seq: 3 + int(5), prev: hex(64) };
    const { sig: _old, ...rest } = edited;
    const sig = await suite.sign(signingDigest('event', rest), w.signer.sk);
    wrongPrev.push({ ...rest, sig: toHex(sig) });
  }
});
after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (body: string | Uint8Array, ct = 'application/json', key = w.chain, q = ''): Case => ({
  kind: '',
  method: 'POST',
  path: `${keyPath(key)}/events${q}`,
  headers: { 'content-type': ct },
  body,
});

/** A next event (seq 4) with one thing wrong, or a mutated stored event. */
function mutate(): Record<string, unknown> {
  const base = { ...pick(events) };
  const fields = [
    'kez',
    'type',
    'chain',
    'seq',
    'prev',
    'created_at',
    'signer',
    'op',
    'sig',
    'target',
    'claim',
  ];
  const f = pick(fields);
  const values: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    1e21,
    2 ** 53 + 2,
    '',
    'x',
    hex(64),
    hex(128),
    [],
    {},
    [1, 2],
    { a: 1 },
    'ed25519:' + hex(64),
    'nostr:' + hex(64),
    '\u0000',
    'é'.repeat(300),
  ];
  base[f] = pick(values);
  return base;
}

function generate(): Case[] {
  const cases: Case[] = [];
  const add = (kind: string, c: Case) => cases.push({ ...c, kind });
  const valid = JSON.stringify(events[1]);

  for (let i = 0; i < 150; i++) {
    // bad JSON: truncations, junk, duplicate keys, lone surrogates, deep nesting, NaN
    const cut = valid.slice(0, 1 + int(valid.length - 2));
    const junk = Array.from({ length: 1 + int(40) }, () =>
      pick(['{', '}', '[', ']', ',', ':', '"', 'a', '1', ' ', '\\', 'nul']),
    ).join('');
    add(
      'bad json',
      post(
        pick([
          cut,
          junk,
          valid.replace('{', '{"seq":1,'),
          valid.replace('"kez"', '"kez":"0.2","kez"'),
          valid.replace(/"op":"\w+"/, '"op":"\\ud800"'),
          '['.repeat(2000) + ']'.repeat(2000),
          '{"events":' + '['.repeat(100) + ']'.repeat(100) + '}',
          valid.replace(/"seq":\d+/, '"seq":NaN'),
          valid + valid,
          valid + ' x',
          '',
          '   ',
          'null',
          '[]',
          '"event"',
          '{"events":[]}',
          '{"events":{}}',
          '{"events":[1,2]}',
          '{"events":[' + valid + '],"more":1}',
        ]),
      ),
    );
  }
  for (let i = 0; i < 150; i++) {
    // bad signature: a flipped character in sig, or a signed field changed after signing
    const e = { ...pick(events) };
    if (rand() < 0.5) {
      const s = e.sig as string;
      const at = int(128);
      e.sig = s.slice(0, at) + (s[at] === '0' ? '1' : '0') + s.slice(at + 1);
    } else {
      e.created_at = (e.created_at as number) + 1 + int(100);
    }
    e.seq = 4;
    e.prev = pick([hex(64), events[2]!.prev]);
    add('bad signature', post(JSON.stringify(e)));
  }
  for (let i = 0; i < 100; i++) {
    // wrong prev / seq: signed by the chain key, linked wrong
    add(
      'wrong prev',
      post(JSON.stringify(wrongPrev[i]), pick(['application/json', 'application/jsonl'])),
    );
  }
  for (let i = 0; i < 30; i++) {
    // oversized: past the 64 KiB cap, honest or lying Content-Length
    const pad = ' '.repeat(65 * 1024 + int(200 * 1024));
    add('oversized', post(pick([valid + pad, pad + valid, '{"events":[' + valid + pad + ']}'])));
    add('oversized jsonl', post((valid + '\n').repeat(180 + int(100)), 'application/jsonl'));
  }
  for (let i = 0; i < 150; i++) {
    // unknown fields and wrong types
    const e = mutate();
    if (rand() < 0.5)
      e[pick(['extra', 'Sig', 'SEQ', '__proto__', 'constructor', 'ext', hex(8)])] = pick([
        1,
        'x',
        null,
        {},
      ]);
    add('unknown/typed field', post(JSON.stringify(e)));
  }
  for (let i = 0; i < 150; i++) {
    // odd key names in the path
    const key = pick([
      '',
      '.',
      '..',
      '%2e%2e',
      'nostr',
      'nostr:',
      'ed25519:',
      'nostr:' + hex(63),
      'nostr:' + hex(65),
      'nostr:' + hex(64).toUpperCase(),
      'ed25519:' + '0'.repeat(64),
      'ed25519:01' + '0'.repeat(62),
      'ed25519:' + 'f'.repeat(64),
      'rsa:' + hex(64),
      'npub1' + hex(20),
      'nostr:npub1qqqq',
      '%00',
      '%ZZ',
      '%C3%28',
      '%ED%A0%80',
      'é',
      '💥',
      'a'.repeat(5000),
      'nostr%3A' + hex(64) + '%2Fx',
      ' ',
      'ed25519:' + hex(64) + '\u0000',
      'NOSTR:' + hex(64),
      hex(64),
      'ed25519::' + hex(64),
    ]);
    const enc =
      rand() < 0.5 ? encodeURIComponent(key) : key.replace(/[^\x21-\x7e]/gu, encodeURIComponent);
    const tail = pick(['', '/head', '/events']);
    const method = tail === '/events' ? 'POST' : 'GET';
    const c: Case = { kind: 'odd key', method, path: `/v1/chains/${enc}${tail}` };
    if (method === 'POST') {
      c.headers = { 'content-type': 'application/json' };
      c.body = valid;
    }
    cases.push(c);
  }
  for (let i = 0; i < 120; i++) {
    // non-UTF-8 bodies: stray continuation bytes, overlongs, encoded surrogates, latin-1, BOM
    const good = new TextEncoder().encode(valid);
    const at = int(good.length);
    const bad = pick([
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xe9],
      [0xf4, 0x90, 0x80, 0x80],
      [0xc3],
    ]);
    const bytes = new Uint8Array([...good.slice(0, at), ...bad, ...good.slice(at)]);
    add(
      'non-utf8',
      post(
        rand() < 0.1 ? new Uint8Array([0xef, 0xbb, 0xbf, ...good]) : bytes,
        pick(['application/json', 'application/jsonl']),
      ),
    );
  }
  for (let i = 0; i < 80; i++) {
    // wrong content types
    add(
      'content type',
      post(
        valid,
        pick([
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/jsonl; charset=iso-8859-1',
          '*/*',
          'json',
          ';',
          '',
          'application/octet-stream',
          'image/png',
        ]),
      ),
    );
  }
  for (let i = 0; i < 100; i++) {
    // huge and odd numbers
    const n = pick([
      '1e400',
      '-1e400',
      '9007199254740993',
      '1e21',
      '-0',
      '0',
      '-1',
      '1.0000001',
      '12345678901234567890123',
      '0.5',
      '1E2',
    ]);
    const field = pick(['seq', 'created_at']);
    add('huge number', post(valid.replace(new RegExp(`"${field}":\\d+`), `"${field}":${n}`)));
  }
  for (let i = 0; i < 70; i++) {
    // wrong methods, bad queries, unknown paths
    add(
      'method/query',
      pick<Case>([
        { kind: '', method: pick(['PUT', 'DELETE', 'PATCH']), path: `${keyPath(w.chain)}/events` },
        { kind: '', method: pick(['POST', 'PUT', 'DELETE']), path: '/v1/changes' },
        { kind: '', method: 'POST', path: keyPath(w.chain) },
        { kind: '', method: 'GET', path: `${keyPath(w.chain)}/events` },
        {
          kind: '',
          method: 'GET',
          path: `/v1/changes?since=${pick(['-1', 'abc', '1e3', '99999999999999999999', ''])}`,
        },
        {
          kind: '',
          method: 'GET',
          path: `/v1/changes?limit=${pick(['0', '-5', 'x', '100000000'])}`,
        },
        { kind: '', method: 'GET', path: `${keyPath(w.chain)}?after=${pick(['-1', 'x', '1.5'])}` },
        {
          kind: '',
          method: 'GET',
          path: `${keyPath(w.chain)}?limit=${pick(['0', 'x'])}`,
          headers: { accept: 'application/json' },
        },
        post(valid, 'application/json', w.chain, `?on_conflict=${pick(['', 'x', 'REJECT'])}`),
        {
          kind: '',
          method: 'GET',
          path: pick(['/v2/chains', '/v1', '/v1/chains', '/v1/chains/', '/%ZZ', '/metrics/x']),
        },
        { kind: '', method: 'GET', path: `/v1/chains/${encodeURIComponent(newSigner().key)}` },
      ]),
    );
  }
  return cases;
}

async function send(c: Case): Promise<{ status: number; text: string; type: string }> {
  const init: RequestInit = { method: c.method, headers: c.headers ?? {} };
  if (c.body !== undefined) init.body = c.body;
  const res = await server.app.request(c.path, init);
  return {
    status: res.status,
    text: await res.text(),
    type: res.headers.get('content-type') ?? '',
  };
}

/** One raw HTTP/1.1 request over a socket; returns the status and body of the answer. */
function raw(bytes: Uint8Array): Promise<{ status: number; text: string; type: string }> {
  const { port } = server;
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(all);
      const [head, ...rest] = all.split('\r\n\r\n');
      const type = /content-type: ([^\r\n]+)/i.exec(head ?? '')?.[1] ?? '';
      resolve({ status: m ? Number(m[1]) : 0, text: rest.join('\r\n\r\n'), type });
    });
    // Not end(): a half-closed client may lose its answer; `connection: close` ends it from the server.
    sock.write(Buffer.from(bytes));
    sock.setTimeout(10_000, () => sock.destroy(new Error('no answer in 10 s')));
  });
}

function rawCase(c: Case): Uint8Array {
  const body =
    c.body === undefined
      ? new Uint8Array(0)
      : typeof c.body === 'string'
        ? new TextEncoder().encode(c.body)
        : c.body;
  const headers = { host: `127.0.0.1:${server.port}`, connection: 'close', ...c.headers };
  let head = `${c.method} ${c.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (c.body !== undefined) head += `content-length: ${body.length}\r\n`;
  return new Uint8Array([...Buffer.from(head + '\r\n', 'latin1'), ...body]);
}

function checkAnswer(
  kind: string,
  what: string,
  a: { status: number; text: string; type: string },
) {
  assert.ok(
    a.status >= 400 && a.status < 500,
    `${kind}: ${what} → ${a.status} ${a.text.slice(0, 200)}`,
  );
  assert.match(a.type, /^application\/json/, `${kind}: ${what} → content-type ${a.type}`);
  const body = JSON.parse(a.text) as { error?: unknown; message?: unknown };
  assert.equal(typeof body.error, 'string', `${kind}: ${what} → ${a.text.slice(0, 200)}`);
  assert.equal(typeof body.message, 'string');
}

test('≥ 1,000 malformed requests through the app: every one 4xx with a JSON error, never 5xx', async (t) => {
  const cases = generate();
  assert.ok(cases.length >= 1000, `only ${cases.length} cases`);
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  for (const c of cases) {
    const a = await send(c);
    checkAnswer(c.kind, `${c.method} ${c.path.slice(0, 80)}`, a);
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const code = (JSON.parse(a.text) as { error: string }).error;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  t.diagnostic(
    `${cases.length} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  t.diagnostic(`codes ${JSON.stringify(Object.fromEntries(codes))}`);
  // The generators reach the different refusals, not one catch-all.
  for (const s of [400, 404, 405, 409, 413, 415, 422])
    assert.ok(statuses.get(s), `no ${s} among ${[...statuses]}`);
  for (const code of [
    'malformed',
    'bad_signature',
    'bad_prev',
    'request_too_large',
    'unsupported_media_type',
    'method_not_allowed',
    'chain_gap',
  ])
    assert.ok(codes.get(code), `no ${code} among ${[...codes.keys()]}`);
  // The chain is untouched.
  const text = await (await fetch(`${server.url}${keyPath(w.chain)}`)).text();
  assert.equal(text, exportBundle(w.events));
});

test('malformed requests as raw bytes over a socket (bad request lines, bad escapes, non-UTF-8 paths): 4xx JSON', async () => {
  const cases = generate().filter((_, i) => i % 10 === 0);
  const extra: Uint8Array[] = [
    Buffer.from(
      `GET /v1/chains/\\x HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`,
      'latin1',
    ),
    Buffer.from(
      `GET /v1/chains/%ZZ/head HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`,
      'latin1',
    ),
    Buffer.from(
      `GET /v1/chains/\xff\xfe/head HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`,
      'latin1',
    ),
    Buffer.from(
      `GET /v1/chains/%C3%28/head HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`,
      'latin1',
    ),
    Buffer.from(
      `GET /v1/changes HTTP/1.1\r\nhost: bad host\r\nconnection: close\r\n\r\n`,
      'latin1',
    ),
  ];
  let n = 0;
  for (const c of cases) {
    checkAnswer(c.kind + ' (raw)', `${c.method} ${c.path.slice(0, 80)}`, await raw(rawCase(c)));
    n++;
  }
  for (const bytes of extra) {
    const a = await raw(bytes);
    // node's HTTP parser itself refuses some request lines before any app code runs (400, no body).
    if (a.text === '' && a.status === 400) continue;
    checkAnswer('raw request line', Buffer.from(bytes).toString('latin1').split('\r\n')[0]!, a);
    n++;
  }
  assert.ok(n >= 100);
});
