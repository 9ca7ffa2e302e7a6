// Judging the Bluesky steps (pure; SPEC §7.5): `_atproto` TXT values, DID
// documents, the URLs of each step, and who published a proven record.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cidOf } from '../src/bluesky/cid.js';
import type { RecordProof } from '../src/bluesky/commit.js';
import {
  blueskyEndpoints,
  didDocumentUrl,
  getRecordUrl,
  handleWellKnownUrl,
} from '../src/bluesky/locate.js';
import {
  didsFromTxt,
  isSupportedDid,
  parseDidDocument,
  proofText,
  recordText,
} from '../src/bluesky/match.js';
import type { Resolved } from '../src/bluesky/match.js';
import { resolveChannelConfig } from '../src/config.js';

const DID = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
// A K-256 Multikey from atproto's did:key vectors.
const KEY = 'zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme';

const doc = (over: Record<string, unknown> = {}) => ({
  id: DID,
  alsoKnownAs: ['at://Alice.Example', 'https://elsewhere.example'],
  verificationMethod: [
    { id: `${DID}#atproto`, type: 'Multikey', controller: DID, publicKeyMultibase: KEY },
  ],
  service: [
    {
      id: '#atproto_pds',
      type: 'AtprotoPersonalDataServer',
      serviceEndpoint: 'https://pds.example',
    },
  ],
  ...over,
});

describe('handle → DID', () => {
  test('the did= values of the TXT records, each record joined', () => {
    assert.deepEqual(didsFromTxt(null), []);
    assert.deepEqual(didsFromTxt([['v=spf1 -all'], ['did=did:plc:', 'ewvi7nxzyoun6zhxrhs64oiz']]), [
      DID,
    ]);
    assert.deepEqual(didsFromTxt([[`did=${DID}`], [`did=${DID}`]]), [DID]);
    assert.equal(didsFromTxt([[`did=${DID}`], ['did=did:web:x.example']]).length, 2);
  });

  test('only did:plc and hostname did:web are followed', () => {
    assert.equal(isSupportedDid(DID), true);
    assert.equal(isSupportedDid('did:web:alice.example'), true);
    for (const bad of [
      'did:plc:short',
      'did:key:zQ3s',
      'did:web:alice.example:path',
      `${DID} `,
      'DID:PLC:x',
    ])
      assert.equal(isSupportedDid(bad), false, bad);
  });
});

describe('DID documents', () => {
  test('handles, PDS and key, with absolute or relative ids', () => {
    const d = parseDidDocument(doc(), DID);
    assert.deepEqual(d.handles, ['alice.example']);
    assert.equal(d.pds, 'https://pds.example');
    assert.equal(d.key?.curve, 'secp256k1');
    assert.equal(d.keyProblem, undefined);
  });

  test('a document for another DID is refused', () => {
    assert.throws(
      () => parseDidDocument(doc({ id: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa' }), DID),
      /is for did:plc:a/,
    );
    assert.throws(() => parseDidDocument([doc()], DID), /not a JSON object/);
  });

  test('a missing or unusable key, or a PDS of the wrong type, is reported, not guessed', () => {
    assert.match(parseDidDocument(doc({ verificationMethod: [] }), DID).keyProblem!, /no #atproto/);
    assert.match(
      parseDidDocument(
        doc({ verificationMethod: [{ id: '#atproto', publicKeyMultibase: 'z1111' }] }),
        DID,
      ).keyProblem!,
      /neither a secp256k1 nor a P-256 key|not a valid/,
    );
    const other = parseDidDocument(
      doc({ service: [{ id: '#atproto_pds', type: 'Other', serviceEndpoint: 'x' }] }),
      DID,
    );
    assert.equal(other.pds, undefined);
  });
});

describe('step URLs', () => {
  const ep = blueskyEndpoints({ ...resolveChannelConfig({}), atprotoHandleUrl: undefined });
  test('production defaults', () => {
    assert.equal(
      handleWellKnownUrl('alice.example', ep),
      'https://alice.example/.well-known/atproto-did',
    );
    assert.equal(didDocumentUrl(DID, ep), `https://plc.directory/${DID}`);
    assert.equal(
      didDocumentUrl('did:web:alice.example', ep),
      'https://alice.example/.well-known/did.json',
    );
    assert.equal(
      getRecordUrl('https://pds.example/', DID, 'dev.kez.proof', 'self'),
      `https://pds.example/xrpc/com.atproto.sync.getRecord?did=${encodeURIComponent(DID)}&collection=dev.kez.proof&rkey=self`,
    );
  });
  test('overrides for a mirror and a loopback handle server', () => {
    const o = blueskyEndpoints({
      ...resolveChannelConfig({ flags: { plcDirectory: 'http://127.0.0.1:2582/' } }),
      atprotoHandleUrl: 'http://127.0.0.1:9/{handle}/.well-known/atproto-did',
      bskyPds: 'http://127.0.0.1:7/',
    });
    assert.equal(o.pds, 'http://127.0.0.1:7');
    assert.equal(didDocumentUrl(DID, o), `http://127.0.0.1:2582/${DID}`);
    assert.equal(
      handleWellKnownUrl('a.test', o),
      'http://127.0.0.1:9/a.test/.well-known/atproto-did',
    );
  });
});

describe('who published a proven record', () => {
  const resolved = (over: Partial<Resolved> = {}): Resolved => ({
    id: 'alice.example',
    did: DID,
    via: 'DNS TXT _atproto.alice.example',
    doc: parseDidDocument(doc(), DID),
    docUrl: `https://plc.directory/${DID}`,
    ...over,
  });
  const proof = (over: Partial<RecordProof> = {}): RecordProof => ({
    did: DID,
    rev: '3n36fx5rnvk2x',
    commit: cidOf(Uint8Array.of(0xa0)),
    signed: true,
    record: undefined,
    ...over,
  });

  test('handle, repo and signature agree → the owner is the identity', () => {
    const t = proofText(resolved(), proof(), 'kez:z1:A', 'at://x');
    assert.equal(t.owner, 'alice.example');
    assert.equal(t.ownerDetail, undefined);
    assert.equal(t.binding.kind, 'signature');
    assert.match(t.binding.detail, /handle → DID from DNS TXT _atproto\.alice\.example/);
  });

  test('a DID identity needs no handle', () => {
    const t = proofText(
      resolved({ id: DID, doc: parseDidDocument(doc({ alsoKnownAs: [] }), DID) }),
      proof(),
      '',
      'at://x',
    );
    assert.equal(t.owner, DID);
  });

  test('another repo, a bad commit signature, or an unconfirmed handle → a different owner, saying why', () => {
    const other = proofText(
      resolved(),
      proof({ did: 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb' }),
      '',
      'at://x',
    );
    assert.equal(other.owner, 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb');
    const unsigned = proofText(resolved(), proof({ signed: false }), '', 'at://x');
    assert.equal(unsigned.owner, '');
    assert.match(unsigned.ownerDetail!, /not signed by the #atproto key/);
    const unconfirmed = proofText(resolved({ id: 'mallory.example' }), proof(), '', 'at://x');
    assert.equal(unconfirmed.owner, 'alice.example');
    assert.match(
      unconfirmed.ownerDetail!,
      /names at:\/\/alice\.example, not at:\/\/mallory\.example/,
    );
  });

  test('the text of a proof record or a post; nothing from other records', () => {
    assert.equal(recordText({ $type: 'dev.kez.proof', claim: 'kez:z1:A' }), 'kez:z1:A');
    assert.equal(recordText({ $type: 'app.bsky.feed.post', text: 'hi kez:z1:B' }), 'hi kez:z1:B');
    assert.equal(recordText({ $type: 'app.bsky.actor.profile', description: 'kez:z1:C' }), '');
    assert.equal(recordText({ $type: 'dev.kez.proof', claim: 5 }), '');
  });
});
