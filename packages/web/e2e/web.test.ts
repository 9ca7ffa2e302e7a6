/**
 * @kez/web end to end, in Debian's Chromium against a real local stack
 * (_stack.ts): the explorer verifies in the page and shows a valid and a
 * revoked identity with what each rests on; two people import their keys and
 * chat both ways with badges, a warning bar for a broken proof, and a DM;
 * axe-core finds no serious or critical violation; the main controls are
 * reachable by keyboard. Screenshots go to test-artifacts/web/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureTools } from '@kez/testkit';
import { launch, openPage, screenshot, seriousViolations, tabWalk } from './_browser.js';
import type { PersonPage } from './_browser.js';
import { appDir, buildApp } from './_build.js';
import {
  EXPLORER_BUDGET_BYTES,
  bundleReport,
  formatBundleReport,
} from '../src/server/bundle-size.js';
import { startStack } from './_stack.js';
import type { Stack } from './_stack.js';

const WAIT = { timeout: 30_000 };
const PASS = 'correct horse battery';

async function explore(page: Page, text: string): Promise<void> {
  await page.fill('#explore-input', text);
  await page.press('#explore-input', 'Enter');
  await page.waitForSelector('#explore-submit:not([disabled])', WAIT);
}

function node(identity: string, status: string): string {
  return `li[data-identity="${identity}"][data-status="${status}"]`;
}

async function assertAccessible(page: Page, where: string): Promise<void> {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${where}: axe found serious/critical violations: ${JSON.stringify(v)}`);
}

async function importKey(p: Page, secret: string, suite: string, name: string): Promise<void> {
  await p.goto(`${p.url().split('#')[0]}#/keys`);
  await p.check('input[name="mode"][value="import"]');
  await p.selectOption('#key-suite', suite);
  await p.fill('#key-secret', secret);
  await p.fill('#key-name', name);
  await p.fill('#key-pass1', PASS);
  await p.fill('#key-pass2', PASS);
  await p.click('#key-save');
  await p.waitForSelector('.keys li', WAIT);
}

async function login(p: Page): Promise<void> {
  await p.goto(`${p.url().split('#')[0]}#/chat`);
  await p.fill('#chat-pass', PASS);
  await p.click('#chat-login');
  await p.waitForSelector('[data-me]', WAIT);
}

async function send(p: Page, text: string): Promise<void> {
  await p.fill('#chat-draft', text);
  await p.click('#chat-send');
  await p.waitForSelector(`li.msg[data-text="${text}"]`, WAIT);
}

describe('@kez/web in Chromium', { timeout: 240_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let alice: PersonPage;
  let bob: PersonPage;

  before(async () => {
    await ensureTools(['chromium', 'nats-server', 'knot']);
    // The peers start while the app builds; the web server reads the files only when asked.
    const [built, s, b] = await Promise.allSettled([buildApp(), startStack(appDir), launch()]);
    // Keep what started so after() stops it even when something else failed.
    if (s.status === 'fulfilled') stack = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    for (const r of [built, s, b]) if (r.status === 'rejected') throw r.reason;
    if (built.status === 'fulfilled' && built.value)
      console.error(`# vite build: ${built.value} ms`);
    [alice, bob] = await Promise.all([
      openPage(browser, `${stack.web.url}/#/explore`),
      openPage(browser, `${stack.web.url}/#/explore`),
    ]);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('the explorer’s JavaScript is at most 150 KB gzipped (chat and keys load on demand)', () => {
    const r = bundleReport(appDir);
    console.error(formatBundleReport(r).replace(/^/gm, '# '));
    assert.ok(r.explorerGzip <= EXPLORER_BUDGET_BYTES, `${r.explorerGzip} bytes gzipped`);
    assert.ok(
      r.lazy.some((c) => /Chat-/.test(c.file)),
      'chat is its own chunk',
    );
  });

  test('explorer: a key’s graph — nostr proof valid and signed, dns claim revoked in the sigchain', async () => {
    const p = alice.page;
    await explore(p, stack.alice.npub);
    await p.waitForSelector(node(stack.alice.nostrIdentity, 'valid'), WAIT);
    await p.waitForSelector(node(stack.alice.dnsIdentity, 'revoked'), WAIT);
    // The nostr event is signed by the account and came straight from the relay.
    const nostr = p.locator(`li[data-identity="${stack.alice.nostrIdentity}"]`);
    assert.equal(await nostr.locator('[data-trust]').getAttribute('data-trust'), 'signed');
    assert.match(await nostr.innerText(), /Found at\s+ws:\/\/127\.0\.0\.1:\d+ event [0-9a-f]{64}/);
    // The sigchain came through the fetch relay (the sig-server sends no CORS headers), and says so.
    const chain = p.locator('.chain');
    assert.equal(await chain.getAttribute('data-chain'), 'found');
    assert.match(await chain.innerText(), /via relay/);
    assert.match(await chain.innerText(), /never forge/);
    // The SVG graph has both identities around the key.
    assert.equal(await p.locator('svg g[data-node]').count(), 2);
    await screenshot(p, 'explorer-key');
  });

  test('explorer: a dns identity through the relay — revoked, resting on the relay’s honesty', async () => {
    const p = alice.page;
    await explore(p, stack.alice.dnsIdentity);
    await p.waitForSelector(node(stack.alice.dnsIdentity, 'revoked'), WAIT);
    const li = p.locator(`li[data-identity="${stack.alice.dnsIdentity}"]`);
    assert.equal(await li.locator('[data-trust]').getAttribute('data-trust'), 'relay-honesty');
    assert.equal(await li.locator('[data-relayed]').count(), 1);
    const text = await li.innerText();
    assert.match(text, /_kez\.alice\.kez\.test/);
    assert.match(text, /revoked at seq 3 \(moved away\)/);
    // The key's other identity joins the graph, verified with the key as filter.
    await p.waitForSelector(node(stack.alice.nostrIdentity, 'valid'), WAIT);
    await screenshot(p, 'explorer-dns');
  });

  test('explorer: the same identity over DoH, straight from the browser — it rests on the DNS path, not the relay', async () => {
    const p = await alice.context.newPage();
    try {
      await p.goto(`${stack.webDoh.url}/#/explore`);
      await explore(p, stack.alice.dnsIdentity);
      await p.waitForSelector(node(stack.alice.dnsIdentity, 'revoked'), WAIT);
      const li = p.locator(`li[data-identity="${stack.alice.dnsIdentity}"]`);
      assert.equal(await li.locator('[data-trust]').getAttribute('data-trust'), 'transport');
      assert.equal(await li.locator('[data-relayed]').count(), 0);
      assert.match(
        await li.innerText(),
        new RegExp(`DNS-over-HTTPS answer from ${stack.doh.url.replace(/[.]/g, '\\.')}`),
      );
      await screenshot(p, 'explorer-doh');
    } finally {
      await p.close();
    }
  });

  test('explorer: no serious or critical axe violations; keyboard reaches the controls', async () => {
    const p = alice.page;
    await assertAccessible(p, 'explorer');
    const focus = await tabWalk(p);
    for (const want of [
      'a:Skip to content',
      'a:Explorer',
      'a:Keys',
      'a:Chat',
      'explore-input',
      'explore-submit',
    ])
      assert.ok(focus.includes(want), `Tab never reached ${want}: ${focus.join(' → ')}`);
  });

  test('keys: import both keys (encrypted in IndexedDB) and sign a claim with its proof texts', async () => {
    await Promise.all([
      importKey(alice.page, stack.alice.secretText, 'nostr', 'alice'),
      importKey(bob.page, stack.bob.secretText, 'ed25519', 'bob'),
    ]);
    const p = alice.page;
    assert.equal(await p.locator(`.keys li[data-key="${stack.alice.key}"]`).count(), 1);
    // The secret is stored encrypted only.
    const stored = await p.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const r = indexedDB.open('kez-web');
          r.onsuccess = () => {
            const g = r.result.transaction('keys').objectStore('keys').getAll();
            g.onsuccess = () => resolve(JSON.stringify(g.result));
            g.onerror = () => reject(g.error);
          };
          r.onerror = () => reject(r.error);
        }),
    );
    assert.ok(stored.includes('"encrypted"'), stored);
    assert.ok(!stored.includes(stack.alice.secretText), 'the nsec must not be stored');
    await p.fill('#claim-subject', 'dns:alice.kez.test');
    await p.fill('#claim-pass', PASS);
    await p.click('#claim-sign');
    await p.waitForSelector('[data-proof="dns"]', WAIT);
    const line = await p.locator('[data-proof="dns"] textarea').inputValue();
    assert.match(line, /^_kez\.alice\.kez\.test\. 3600 IN TXT "kez:z1:/);
    assert.equal(await p.locator('[data-proof="json"]').count(), 1);
    // A claim for her own npub goes straight to the relay as her proof event.
    await p.fill('#claim-subject', stack.alice.nostrIdentity);
    await p.fill('#claim-pass', PASS);
    await p.click('#claim-sign');
    await p.waitForSelector(`[data-relay="${stack.relay.url}"][data-ok="true"]`, WAIT);
    await assertAccessible(p, 'keys');
    const focus = await tabWalk(p, 60);
    for (const want of ['key-suite', 'key-name', 'key-save', 'claim-subject', 'claim-sign'])
      assert.ok(focus.includes(want), `Tab never reached ${want}: ${focus.join(' → ')}`);
    await screenshot(p, 'keys');
  });

  test('chat: two keys talk both ways with badges; a broken proof raises the warning bar; a DM', async () => {
    const [a, b] = [alice.page, bob.page];
    await Promise.all([login(a), login(b)]);
    assert.equal(await a.getAttribute('[data-me]', 'data-me'), stack.alice.key);
    assert.equal(await b.getAttribute('[data-me]', 'data-me'), stack.bob.key);

    await a.fill('#room-name', 'general');
    await a.click('#room-go');
    await a.waitForSelector('#chat-draft', WAIT);
    await b.fill('#room-name', 'general');
    await b.click('#room-go');
    await b.waitForSelector('#chat-draft', WAIT);

    await send(a, 'hello from alice');
    const atBob = b.locator('li.msg[data-text="hello from alice"]');
    await atBob.waitFor(WAIT);
    await atBob
      .locator(`[data-badge="${stack.alice.nostrIdentity}"][data-status="valid"]`)
      .waitFor(WAIT);
    // Her withdrawn dns claim shows as revoked, without a warning: she revoked it herself.
    await atBob
      .locator(`[data-badge="${stack.alice.dnsIdentity}"][data-status="revoked"]`)
      .waitFor(WAIT);
    assert.equal(await b.locator('[data-warning]').count(), 0);

    await send(b, 'hi alice, bob here');
    const atAlice = a.locator('li.msg[data-text="hi alice, bob here"]');
    await atAlice.waitFor(WAIT);
    await atAlice.locator(`[data-badge="${stack.bob.goodDns}"][data-status="valid"]`).waitFor(WAIT);
    await atAlice
      .locator(`[data-badge="${stack.bob.brokenDns}"][data-status="invalid"]`)
      .waitFor(WAIT);
    const bar = a.locator('[data-warning="broken-proofs"]');
    await bar.waitFor(WAIT);
    assert.match(
      await bar.innerText(),
      new RegExp(`${stack.bob.brokenDns.replace(/\./g, '\\.')}.*invalid`),
    );
    // Alice also sees her own message from before (history and live merged, once).
    assert.equal(await a.locator('li.msg[data-text="hello from alice"]').count(), 1);
    await screenshot(a, 'chat-alice');
    await screenshot(b, 'chat-bob');
    await assertAccessible(a, 'chat');

    // A direct message from Alice to Bob's key.
    await a.fill('#dm-to', stack.bob.key);
    await a.click('#dm-go');
    await a.waitForSelector('#chat-draft', WAIT);
    await send(a, 'psst, bob');
    await b.click(`button[data-dm="${stack.alice.key}"]`, WAIT);
    await b.waitForSelector('li.msg[data-text="psst, bob"]', WAIT);
    const focus = await tabWalk(b, 40);
    for (const want of ['room-name', 'dm-to', 'chat-draft'])
      assert.ok(focus.includes(want), `Tab never reached ${want}: ${focus.join(' → ')}`);
  });

  test('chat history: after a reload, the key is still in IndexedDB and the room’s past is there', async () => {
    const b = bob.page;
    await b.reload();
    await login(b);
    await b.click('button[data-room="general"]');
    const old = b.locator('li.msg[data-text="hello from alice"]');
    await old.waitFor(WAIT);
    await old
      .locator(`[data-badge="${stack.alice.nostrIdentity}"][data-status="valid"]`)
      .waitFor(WAIT);
    await b.locator('li.msg[data-text="hi alice, bob here"]').waitFor(WAIT);
    // History comes oldest first.
    const texts = await b
      .locator('li.msg')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-text')));
    assert.deepEqual(texts, ['hello from alice', 'hi alice, bob here']);
  });

  test('the pages logged no errors', () => {
    // The favicon is a data: URL, so no 404 noise is expected either.
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
