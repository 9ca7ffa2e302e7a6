import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTxtResponse, encodeDnsQuery } from './doh.js';

/** A response to `q` with the given TXT records (name compressed to the question). */
function answer(q: Uint8Array, records: string[][], rcode = 0): Uint8Array {
  const out = [...q];
  out[2] = 0x81;
  out[3] = 0x80 | rcode;
  out[7] = records.length;
  for (const r of records) {
    const rdata = r.flatMap((s) => [s.length, ...new TextEncoder().encode(s)]);
    out.push(0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, rdata.length >> 8, rdata.length & 255, ...rdata);
  }
  return new Uint8Array(out);
}

test('query wire format (RFC 1035 §4.1, id 0, RD)', () => {
  const q = encodeDnsQuery('_kez.example.com');
  assert.deepEqual([...q.slice(0, 12)], [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...q.slice(-5)], [0, 0, 16, 0, 1]);
  assert.throws(() => encodeDnsQuery('a..b'), RangeError);
});

test('TXT answers: strings of one record stay apart, records stay apart', () => {
  const q = encodeDnsQuery('_kez.example.com');
  const r = decodeTxtResponse(answer(q, [['kez:z1:AB', 'CD'], ['v=spf1']]));
  assert.deepEqual(r, { rcode: 0, txt: [['kez:z1:AB', 'CD'], ['v=spf1']] });
  assert.equal(decodeTxtResponse(answer(q, [], 3)).rcode, 3);
});

test('hostile messages are RangeErrors, never hangs or reads past the end', () => {
  const q = encodeDnsQuery('x.test');
  const good = answer(q, [['abc']]);
  for (let cut = 0; cut < good.length; cut++)
    assert.throws(() => decodeTxtResponse(good.slice(0, cut)), RangeError, `cut at ${cut}`);
  const bad = new Uint8Array(good);
  bad[bad.length - 4] = 200; // string length past its record
  assert.throws(() => decodeTxtResponse(bad), RangeError);
  assert.throws(() => decodeTxtResponse(q), /not a response/);
});
