import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsdist, startKnot } from '@kez/testkit';

/** A DNS query in wire format: one question, RD set. */
function query(name: string, type: number, id = 0): Buffer {
  const labels = name.split('.').filter(Boolean);
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, qname, tail]);
}

test('dnsdist: RFC 8484 GET returns the upstream answer as application/dns-message, with CORS', async () => {
  await using knot = await startKnot({
    origin: 'example.test',
    zone: '@ 60 SOA ns1 hostmaster 1 3600 600 86400 60\n@ 60 NS ns1\nns1 60 A 127.0.0.1\n@ 60 TXT "doh-works"\n',
  });
  await using doh = await startDnsdist({ upstreamPort: knot.port });
  assert.match(doh.url, /^http:\/\/127\.0\.0\.1:\d+\/dns-query$/);

  const res = await fetch(`${doh.url}?dns=${query('example.test', 16).toString('base64url')}`, {
    headers: { accept: 'application/dns-message' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/dns-message');
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body.readUInt16BE(2) & 0x8000, 0x8000, 'a response');
  assert.equal(body.readUInt16BE(2) & 0x000f, 0, 'rcode NOERROR');
  assert.equal(body.readUInt16BE(6), 1, 'one answer');
  assert.ok(body.includes(Buffer.from('doh-works')));

  // A runtime change in knot shows through DoH (no cache in between).
  await knot.setTxt('@', ['changed']);
  const again = await fetch(`${doh.url}?dns=${query('example.test', 16).toString('base64url')}`);
  assert.ok(Buffer.from(await again.arrayBuffer()).includes(Buffer.from('changed')));
});
