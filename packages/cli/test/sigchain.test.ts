/**
 * `kez sigchain …` end to end with the built CLI: a chain started by `add`,
 * devices, rotation (the old key refused after it), revocations, show/export,
 * and import (merge, byte-identical re-export, forks kept as evidence).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  canonicalize,
  claimId,
  createClaim,
  createEvent,
  fromHex,
  parseBundle,
  type ChainEvent,
} from '@kez/core';
import { errorLines, json, kez, tempHome } from './run-kez.js';

const NOW = 1_764_000_000;
const { home, cleanup } = tempHome();
const other = tempHome();
after(() => {
  cleanup();
  other.cleanup();
});
const env = { KEZ_NOW: String(NOW) };
const run = (args: string[], input?: string, h = home) =>
  kez(args, { home: h, env, ...(input === undefined ? {} : { input }) });

function keyFile(name: string): { public: string; secret: string; suite: 'nostr' | 'ed25519' } {
  return JSON.parse(readFileSync(join(home, 'keys', `${name}.json`), 'utf8'));
}

let chainId = '';
let chainFile = '';
let firstClaimId = '';

before(async () => {
  for (const [alg, name] of [
    ['ed25519', 'default'],
    ['nostr', 'laptop'],
    ['ed25519', 'next'],
  ]) {
    const r = await run(['key', 'generate', '--alg', alg!, '--name', name!]);
    assert.equal(r.code, 0, r.stderr);
  }
});

describe('kez sigchain', () => {
  test('add starts a chain named after the key; show --json reports it', async () => {
    const c = await run(['claim', 'create', 'github:alice', '--encoding', 'markdown']);
    assert.equal(c.code, 0, c.stderr);
    const r = await run(['sigchain', 'add', '-', '--json'], c.stdout);
    assert.equal(r.code, 0, r.stderr);
    const out = json(r);
    chainId = keyFile('default').public;
    assert.equal(out.chain, chainId);
    assert.equal(out.seq, 1);
    firstClaimId = out.claim_id as string;
    chainFile = out.file as string;
    assert.equal(chainFile, join(home, 'chains', chainId.replace(':', '-') + '.jsonl'));
    const show = json(await run(['sigchain', 'show', '--json']));
    assert.deepEqual(show.end, { kind: 'complete' });
    assert.equal((show.live_claims as unknown[]).length, 1);
  });

  test('add-device by key name; the device adds its own claim naming the chain key as primary', async () => {
    const r = await run([
      'sigchain',
      'add-device',
      'laptop',
      '--name',
      'laptop',
      '--expires',
      '30d',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const laptop = keyFile('laptop');
    assert.equal(json(r).device, laptop.public);
    const claim = await createClaim({
      subject: 'dns:alice.example',
      suite: 'nostr',
      secretKey: fromHex(laptop.secret, 32, 'secret'),
      now: NOW,
      primary: chainId,
    });
    const add = await run(
      ['sigchain', 'add', '-', '--key', 'laptop', '--json'],
      canonicalize(claim),
    );
    assert.equal(add.code, 0, add.stderr);
    assert.equal(json(add).seq, 3);
    // A device may not manage devices: refused, nothing written.
    const before = readFileSync(chainFile, 'utf8');
    const bad = await run(['sigchain', 'revoke-device', 'laptop', '--key', 'laptop']);
    assert.equal(bad.code, 2);
    assert.match(
      errorLines(bad)[0]!,
      /^kez: the revoke_device event would not apply: device_not_allowed/,
    );
    assert.equal(readFileSync(chainFile, 'utf8'), before);
  });

  test('rotate hands over to the new key; the old key is refused afterwards', async () => {
    const r = await run(['sigchain', 'rotate', '--new-key', 'next', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(r).new_key, keyFile('next').public);
    const c = await run(['claim', 'create', 'github:alice2', '--encoding', 'json']);
    const old = await run(['sigchain', 'add', '-'], c.stdout);
    assert.equal(old.code, 2);
    assert.match(errorLines(old)[0]!, /key_rotated/);
    const rev = await run([
      'sigchain',
      'revoke',
      firstClaimId,
      '--key',
      'next',
      '--reason',
      'moved',
    ]);
    assert.equal(rev.code, 0, rev.stderr);
    const dev = await run(['sigchain', 'revoke-device', 'laptop', '--key', 'next']);
    assert.equal(dev.code, 0, dev.stderr);
    const show = json(await run(['sigchain', 'show', '--key', 'next', '--json']));
    assert.equal(show.current, keyFile('next').public);
    assert.deepEqual(show.rotated, [chainId]);
    assert.deepEqual(
      (show.revoked_claims as { id: string; reason: string }[]).map((x) => [x.id, x.reason]),
      [[firstClaimId, 'moved']],
    );
    assert.equal(
      (show.devices as Record<string, { revoked?: number }>)[keyFile('laptop').public]!.revoked,
      6,
    );
    const human = await run(['sigchain', 'show', '--key', 'next']);
    assert.match(human.stdout, /^chain {4}ed25519:/);
    assert.match(human.stdout, /revoked at seq 6/);
    // Atomic writes leave no temp files behind.
    assert.deepEqual(readdirSync(join(home, 'chains')), [chainId.replace(':', '-') + '.jsonl']);
  });

  test('export prints the stored bundle; import elsewhere re-exports the same bytes', async () => {
    const r = await run(['sigchain', 'export', '--key', 'next']);
    assert.equal(r.code, 0, r.stderr);
    const bundle = readFileSync(chainFile, 'utf8');
    assert.equal(r.stdout, bundle);
    const f = join(other.home, 'in.jsonl');
    writeFileSync(f, bundle);
    const imp = await run(['sigchain', 'import', f, '--json'], undefined, other.home);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(json(imp).new_events, 6);
    const again = await run(['sigchain', 'export', '--chain', chainId], undefined, other.home);
    assert.equal(again.stdout, bundle);
    // Importing the same bundle again adds nothing.
    assert.equal(
      json(await run(['sigchain', 'import', f, '--json'], undefined, other.home)).new_events,
      0,
    );
  });

  test('import keeps a fork as evidence and exits 1; a broken bundle is refused whole (exit 2)', async () => {
    const events = parseBundle(readFileSync(chainFile, 'utf8')) as unknown as ChainEvent[];
    const next = keyFile('next');
    const sibling = await createEvent(
      events[4]!,
      { op: 'revoke', target: claimId((events[0] as Extract<ChainEvent, { op: 'add' }>).claim) },
      fromHex(next.secret, 32, 'secret'),
      'ed25519',
      NOW,
    );
    const f = join(other.home, 'fork.jsonl');
    writeFileSync(f, canonicalize(sibling) + '\n');
    const imp = await run(
      ['sigchain', 'import', f, '--chain', chainId, '--json'],
      undefined,
      other.home,
    );
    assert.equal(imp.code, 1, imp.stderr);
    assert.equal((json(imp).end as { kind: string }).kind, 'fork');
    const show = json(
      await run(['sigchain', 'show', '--chain', chainId, '--json'], undefined, other.home),
    );
    assert.equal((show.end as { kind: string; ids: string[] }).ids.length, 2);
    const bad = await run(['sigchain', 'import', '-'], '{"seq":1}\n\n', other.home);
    assert.equal(bad.code, 2);
    assert.match(errorLines(bad)[0]!, /^kez: bundle line 2 is empty \(malformed\)$/);
  });
});
