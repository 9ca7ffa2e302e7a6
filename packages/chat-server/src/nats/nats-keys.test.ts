/** Our fast nkey, xkey and JWT paths interoperate with the stock nkeys.js and @nats-io/jwt. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encodeUser } from '@nats-io/jwt';
import {
  createAccount,
  createCurve,
  createUser,
  fromCurveSeed,
  fromPublic,
  fromSeed,
} from '@nats-io/nkeys';
import { decodeVerified, fastSigner, publicKeyOfSeed } from './issuer.js';
import { encodePublicKey, rawPublicKey, rawSeed } from './nkey-codec.js';
import { XkeyBox } from './xkey.js';

const te = new TextEncoder();
const td = new TextDecoder();

test('nkey codec: seeds and public keys round-trip like nkeys.js', () => {
  for (const kp of [createAccount(), createUser(), createAccount()]) {
    const seed = td.decode(kp.getSeed());
    const pub = kp.getPublicKey();
    assert.equal(publicKeyOfSeed(seed), pub);
    const role = pub[0] as 'A' | 'U';
    assert.equal(rawSeed(seed).role, role);
    assert.equal(encodePublicKey(rawPublicKey(pub, role), role), pub);
  }
  const pub = createUser().getPublicKey();
  assert.throws(() => rawPublicKey(pub, 'A'), /expected a A key/);
  const broken = pub.slice(0, -1) + (pub.endsWith('A') ? 'B' : 'A');
  assert.throws(() => rawPublicKey(broken, 'U'), /checksum|length|base32/);
});

test('xkey box: what we seal nkeys.js opens, and back', () => {
  const server = createCurve();
  const seed = td.decode(createCurve().getSeed());
  const ours = new XkeyBox(seed);
  assert.equal(ours.publicKey, fromCurveSeed(te.encode(seed)).getPublicKey());
  const msg = te.encode('{"hello":"server"}');
  const sealed = ours.seal(msg, server.getPublicKey());
  assert.deepEqual(server.open(sealed, ours.publicKey), msg);
  const back = server.seal(te.encode('reply'), ours.publicKey);
  assert.equal(td.decode(ours.open(back, server.getPublicKey())!), 'reply');
  // Tampered or foreign boxes do not open.
  back[back.length - 1]! ^= 1;
  assert.equal(ours.open(back, server.getPublicKey()), null);
  assert.equal(
    ours.open(te.encode('xkv1 nonsense that is long enough to pass'), server.getPublicKey()),
    null,
  );
});

test('fast issuer: JWTs it signs verify with stock @nats-io/jwt; decodeVerified refuses tampering', async () => {
  const account = createAccount();
  const issuer = fastSigner(td.decode(account.getSeed()));
  assert.equal(issuer.getPublicKey(), account.getPublicKey());
  const user = createUser();
  const jwt = await encodeUser('ed25519:abc', fromPublic(user.getPublicKey()), issuer, {
    pub: { allow: ['a.b'] },
  });
  const stock = decode(jwt);
  assert.equal(stock.iss, account.getPublicKey());
  assert.equal(decodeVerified(jwt, 'A').name, 'ed25519:abc');
  const [h, b, s] = jwt.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(b!, 'base64url').toString()), name: 'x' })).toString('base64url')}.${s}`;
  assert.throws(() => decodeVerified(forged, 'A'), /signature does not verify/);
  assert.throws(
    () => decodeVerified(jwt, 'N'),
    /does not verify/,
    'an account key is not a server key',
  );
  // A signature made by the fast path verifies with the stock key.
  const sig = issuer.sign(te.encode('x'));
  assert.ok(fromSeed(account.getSeed()).verify(te.encode('x'), sig));
});
