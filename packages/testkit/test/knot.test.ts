import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { startKnot } from '@kez/testkit';

const zone = `$TTL 60
@   SOA ns1 hostmaster 1 3600 600 86400 60
@   NS  ns1
ns1 A   127.0.0.1
@   TXT "hello=world"
`;

test('knot: serves the zone, and setTxt/removeRecord change answers at run time', async () => {
  await using knot = await startKnot({ zone, origin: 'example.test' });
  const r = new Resolver({ timeout: 1000, tries: 2 });
  r.setServers([knot.server]);

  assert.deepEqual(await r.resolveTxt('example.test'), [['hello=world']]);

  await knot.setTxt('@', ['kez=1', 'quote " and back\\slash']);
  const apex = (await r.resolveTxt('example.test')).map((c) => c.join('')).sort();
  assert.deepEqual(apex, ['kez=1', 'quote " and back\\slash']);

  const long = 'x'.repeat(300);
  await knot.setTxt('_kez.example.test', [long]);
  const [rr] = await r.resolveTxt('_kez.example.test');
  assert.deepEqual(
    rr?.map((s) => s.length),
    [255, 45],
  );
  assert.equal(rr?.join(''), long);

  await knot.removeRecord('_kez', 'TXT');
  await assert.rejects(r.resolveTxt('_kez.example.test'), { code: 'ENOTFOUND' });
  await knot.removeRecord('_kez', 'TXT'); // idempotent
});
