import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import canonicalizeOracle from 'canonicalize';
import { canonicalize, InputError, parseJson } from '@kez/core';
import { vectorsDir } from './_util.js';

const dir = join(vectorsDir, 'third-party', 'jcs');

describe('RFC 8785 vectors (cyberphone/json-canonicalization testdata)', () => {
  for (const name of readdirSync(join(dir, 'input'))) {
    test(name, () => {
      const input = readFileSync(join(dir, 'input', name), 'utf8');
      const expected = readFileSync(join(dir, 'output', name));
      const ours = Buffer.from(canonicalize(parseJson(input)), 'utf8');
      assert.deepEqual(ours, expected);
      // Independent oracle over the same parsed value.
      assert.equal(canonicalizeOracle(JSON.parse(input)), ours.toString('utf8'));
    });
  }
});

describe('numbers (RFC 8785 §3.2.2.3) agree with the canonicalize package', () => {
  const cases: [number, string][] = [
    [1e21, '1e+21'],
    [-0, '0'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e30, '1e+30'],
    [9007199254740991, '9007199254740991'],
    [-1.5, '-1.5'],
  ];
  for (const [n, s] of cases) {
    test(s, () => {
      assert.equal(canonicalize(n), s);
      assert.equal(canonicalizeOracle(n), s);
    });
  }
  test('random values: our bytes equal the oracle bytes', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const gen = (d: number): unknown => {
      const r = rnd();
      if (d > 3 || r < 0.3) {
        const k = rnd();
        if (k < 0.3) return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
        if (k < 0.6)
          return String.fromCharCode(
            ...Array.from({ length: 5 }, () => 32 + Math.floor(rnd() * 2000)),
          );
        if (k < 0.8) return rnd() < 0.5;
        return null;
      }
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(d + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 4; i++)
        o[String.fromCharCode(...Array.from({ length: 3 }, () => 40 + Math.floor(rnd() * 500)))] =
          gen(d + 1);
      return o;
    };
    for (let i = 0; i < 500; i++) {
      const v = gen(0);
      assert.equal(canonicalize(v), canonicalizeOracle(v));
      assert.equal(canonicalize(parseJson(canonicalize(v))), canonicalize(v));
    }
  });
});

describe('strict input rules', () => {
  const bad: [string, string, RegExp][] = [
    ['lone high surrogate', '{"a":"\\ud800x"}', /lone surrogate/],
    ['lone low surrogate', '["\\udc00"]', /lone surrogate/],
    ['duplicate keys', '{"a":1,"a":2}', /duplicate key "a"/],
    ['duplicate keys nested', '{"x":{"b":1,"b":1}}', /duplicate key "b"/],
    ['trailing comma', '{"a":1,}', /invalid JSON/],
    ['NaN literal', '[NaN]', /invalid JSON/],
    ['huge exponent', '[1e400]', /out of range/],
    ['trailing text', '{} x', /trailing/],
    ['control char', '["a\u0001"]', /control character/],
    ['too deep', '['.repeat(40) + ']'.repeat(40), /too deep/],
    ['single quotes', "{'a':1}", /invalid JSON/],
    ['leading zero', '[01]', /invalid JSON/],
  ];
  for (const [name, text, re] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => parseJson(text),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
  test('canonicalize rejects non-finite numbers and lone surrogates', () => {
    assert.throws(() => canonicalize(NaN), InputError);
    assert.throws(() => canonicalize({ a: Infinity }), InputError);
    assert.throws(() => canonicalize('\ud800'), InputError);
    assert.throws(() => canonicalize({ ['\udfff']: 1 }), InputError);
  });
  test('__proto__ stays a plain key', () => {
    const v = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(canonicalize(v), '{"__proto__":{"polluted":true}}');
  });
});
