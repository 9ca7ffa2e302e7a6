// Which Bluesky requests wait for which (SPEC §7.5), on a scripted Net: the
// handle's DNS and HTTPS routes are asked at once with DNS still deciding, and
// with a configured PDS the record is asked for before the DID document arrives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdentity } from '@kez/core';
import { fetchBlueskyProof } from '../src/bluesky/fetch.js';
import { resolveChannelConfig } from '../src/config.js';
import type { ChannelContext, Net, NetResponse } from '../src/types.js';

const DNS_DID = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';
const WEB_DID = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function response(url: string, status: number, text: string): NetResponse {
  return {
    status,
    url,
    headers: new Headers(),
    body: new TextEncoder().encode(text),
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}

/**
 * A Net where every answer takes `delay` ms and each event is logged in
 * order: `ask <what>` when a request starts, `got <what>` when it answers.
 * DID documents are 404, so the walk ends right after the DID document.
 */
function scripted(delay: number, txt: string[][] | null) {
  const log: string[] = [];
  const what = (url: string) =>
    url.includes('atproto-did')
      ? 'handle-https'
      : url.includes('getRecord')
        ? 'record'
        : url.includes('/did:plc:')
          ? `doc ${url.slice(url.indexOf('did:plc:'))}`
          : url;
  const net: Net = {
    async fetch(url) {
      log.push(`ask ${what(url)}`);
      await sleep(delay);
      log.push(`got ${what(url)}`);
      if (url.includes('atproto-did')) return response(url, 200, WEB_DID);
      return response(url, 404, '{"error":"NotFound"}');
    },
    async resolveTxt() {
      log.push('ask handle-dns');
      await sleep(delay);
      log.push('got handle-dns');
      return txt;
    },
  };
  return { log, net };
}

function context(net: Net, extra: Record<string, unknown> = {}): ChannelContext {
  const config = {
    ...resolveChannelConfig({ flags: { allowPrivate: true, plcDirectory: 'http://plc.test' } }),
    atprotoHandleUrl: 'http://{handle}/.well-known/atproto-did',
    ...extra,
  };
  return { net, config, now: () => 1_764_000_000 };
}

describe('bluesky: requests that need not wait for each other', () => {
  test('handle → DID: DNS and HTTPS are asked at once, and the DNS answer wins', async () => {
    const { log, net } = scripted(30, [[`did=${DNS_DID}`]]);
    const out = await fetchBlueskyProof(parseIdentity('bluesky:alice.test'), context(net));
    // Both routes were under way before either answered.
    assert.deepEqual(log.slice(0, 2).sort(), ['ask handle-dns', 'ask handle-https']);
    // The DID document asked for is the DNS one, though HTTPS named another DID.
    assert.ok(log.includes(`ask doc ${DNS_DID}`), log.join(', '));
    assert.ok(!log.some((l) => l.includes(WEB_DID)), log.join(', '));
    assert.equal(out.type, 'absent');
  });

  test('no DID in DNS: the HTTPS answer (already under way) is used', async () => {
    const { log, net } = scripted(30, null);
    const out = await fetchBlueskyProof(parseIdentity('bluesky:alice.test'), context(net));
    assert.deepEqual(log.slice(0, 2).sort(), ['ask handle-dns', 'ask handle-https']);
    assert.ok(log.includes(`ask doc ${WEB_DID}`), log.join(', '));
    assert.equal(out.type, 'absent');
  });

  test('with a configured PDS the record is asked for while the DID document is fetched', async () => {
    const { log, net } = scripted(30, null);
    await fetchBlueskyProof(
      parseIdentity(`bluesky:${DNS_DID}`),
      context(net, { bskyPds: 'http://mirror.test' }),
    );
    const doc = log.indexOf(`got doc ${DNS_DID}`);
    assert.ok(doc > 0 && log.indexOf('ask record') >= 0, log.join(', '));
    assert.ok(log.indexOf('ask record') < doc, log.join(', '));
  });

  test('without one, the record waits for the document that names the PDS', async () => {
    const { log, net } = scripted(10, null);
    const out = await fetchBlueskyProof(parseIdentity(`bluesky:${DNS_DID}`), context(net));
    assert.ok(!log.includes('ask record'), log.join(', '));
    assert.equal(out.type, 'absent');
  });
});
