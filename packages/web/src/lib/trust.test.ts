import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hop } from './net/routing-transport.js';
import { describeChainTrust, describeTrust } from './trust.js';

const direct: Hop = { target: 'https://api.github.com/users/a/gists', via: 'direct', kind: 'http' };
const relayed: Hop = { target: 'https://gist.example/raw/x', via: 'relay', kind: 'http' };
const txt: Hop = { target: '_kez.example.com', via: 'relay', kind: 'txt' };
const signature = { kind: 'signature', detail: 'nostr event e1 signed by npub1…' } as const;
const transport = { kind: 'transport', detail: 'TLS to api.github.com (GitHub gist)' } as const;

describe('describeTrust (BRIEF §5: the page says what a result rests on)', () => {
  test('four cases: signed or transport, direct or through the relay', () => {
    assert.equal(describeTrust(signature, [direct]).level, 'signed');
    const sr = describeTrust(signature, [direct, relayed]);
    assert.equal(sr.level, 'signed-relayed');
    assert.match(sr.text, /could only withhold it, never forge it/);
    assert.equal(describeTrust(transport, [direct]).level, 'transport');
    const tr = describeTrust(transport, [relayed]);
    assert.equal(tr.level, 'relay-honesty');
    assert.equal(tr.relayed, true);
    assert.match(tr.text, /only as good as the relay/);
    assert.match(tr.text, /gist\.example/);
  });

  test('a TXT answer from the relay names the relay, not a resolver the page never used', () => {
    const t = describeTrust({ kind: 'transport', detail: 'DNS answer from the system resolver' }, [
      txt,
    ]);
    assert.equal(t.level, 'relay-honesty');
    assert.match(t.text, /_kez\.example\.com, looked up by the fetch relay/);
    assert.doesNotMatch(t.text, /system resolver/);
  });

  test('no binding: nothing proven, and the relay is still named', () => {
    assert.equal(describeTrust(undefined, []).level, 'none');
    assert.match(describeTrust(undefined, [relayed]).text, /withhold/);
  });

  test('sigchains are signed either way; the relay is named when used', () => {
    assert.equal(describeChainTrust([]).relayed, false);
    const r = describeChainTrust([relayed]);
    assert.equal(r.level, 'signed-relayed');
    assert.match(r.text, /never forge/);
  });
});
