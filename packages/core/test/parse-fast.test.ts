/**
 * parseJson's fast path (native JSON.parse, then checks) must answer exactly
 * what the reference strict parser answers: the same value, or an InputError
 * with the same message. Compared over hand-picked edge cases and thousands of
 * generated texts — duplicates at depth, escaped keys, surrogates, deep nesting,
 * odd numbers and whitespace, and random damage that makes them invalid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/errors.js';
import { parseJson, parseJsonReference } from '../src/jcs.js';

type Outcome = { value: unknown } | { error: string };

function outcome(parse: (t: string) => unknown, text: string): Outcome {
  try {
    return { value: parse(text) };
  } catch (e) {
    assert.ok(e instanceof InputError, `${String(e)} is not an InputError`);
    return { error: e.message };
  }
}

function same(text: string): Outcome {
  const fast = outcome(parseJson, text);
  assert.deepStrictEqual(fast, outcome(parseJsonReference, text), JSON.stringify(text));
  return fast;
}

// Deterministic (mulberry32), so a failure names a reproducible input.
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const hex4 = (c: number, upper: boolean) => {
  const h = c.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
};

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '/': '\\/',
};

const KEYS = [
  'a',
  'b',
  'ab',
  '',
  '__proto__',
  'constructor',
  '0',
  '1',
  '10',
  'a:b',
  'é',
  '😀',
  ':',
];
const CHARS = ['a', 'z', ':', '"', '\\', '/', ' ', '\n', '\t', '\u0000', '\u001f', 'é', '€'];
const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00'];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '1.5',
  '-0.0',
  '1e400',
  '-1e400',
  '1E-400',
  '1e308',
  '1.7976931348623157e308',
  '1.8e308',
  '123456789012345678901234567890',
  '9007199254740993',
  '0.1e1',
  '2.5E+3',
  '5e-324',
];
const WS = [' ', '\t', '\n', '\r'];
const BAD_WS = ['\u00a0', '\ufeff', '\f', '\v', '\u2028'];

function generator(seed: number) {
  const r = rng(seed);
  const ws = () => {
    if (r.next() < 0.7) return '';
    if (r.next() < 0.03) return r.pick(BAD_WS);
    let s = '';
    for (let k = r.int(3) + 1; k > 0; k--) s += r.pick(WS);
    return s;
  };
  /** One UTF-16 unit or pair of `s`, written as itself, a short escape or a \u escape. */
  const writeString = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const units = ch.length === 2 ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [ch.charCodeAt(0)];
      const plain = ch.length === 2 ? ch : String.fromCharCode(units[0]!);
      const mustEscape = plain === '"' || plain === '\\' || (units[0]! < 0x20 && ch.length === 1);
      const how = r.next();
      if (!mustEscape && how < 0.6) out += plain;
      else if (SHORT[plain] !== undefined && how < 0.85) out += SHORT[plain];
      // Each half of a pair on its own: escaped, or (one of them) raw.
      else
        for (const u of units)
          out +=
            !mustEscape && r.next() < 0.2
              ? String.fromCharCode(u)
              : '\\u' + hex4(u, r.next() < 0.5);
    }
    return out + '"';
  };
  const randomString = () => {
    let s = '';
    for (let k = r.int(6); k > 0; k--) s += r.next() < 0.1 ? r.pick(SURROGATES) : r.pick(CHARS);
    return s;
  };
  let leaf = 0.35;
  const value = (depth: number): string => {
    const x = r.next();
    if (depth > 40 || x < (depth > 3 ? leaf : 0.35)) {
      const y = r.next();
      if (y < 0.3) return writeString(randomString());
      if (y < 0.6) return r.next() < 0.5 ? r.pick(NUMBERS) : String(r.int(2000) - 1000);
      return r.pick(['true', 'false', 'null']);
    }
    const n = depth > 3 ? (r.next() < 0.9 ? 1 : r.int(3)) : r.int(5);
    const parts: string[] = [];
    if (x < 0.65) {
      for (let k = 0; k < n; k++) parts.push(ws() + value(depth + 1) + ws());
      return '[' + (parts.length ? parts.join(',') : ws()) + ']';
    }
    for (let k = 0; k < n; k++) {
      const key = r.next() < 0.1 ? randomString() : r.pick(KEYS);
      parts.push(ws() + writeString(key) + ws() + ':' + ws() + value(depth + 1) + ws());
    }
    return '{' + (parts.length ? parts.join(',') : ws()) + '}';
  };
  const DAMAGE = [
    '"',
    '\\',
    ':',
    ',',
    '{',
    '}',
    '[',
    ']',
    'u',
    '0',
    ' ',
    'x',
    '\ud800',
    'e',
    '-',
    '.',
  ];
  const damage = (t: string) => {
    for (let k = r.int(3) + 1; k > 0; k--) {
      const at = r.int(t.length + 1);
      const y = r.next();
      if (y < 0.4) t = t.slice(0, at) + t.slice(at + 1);
      else if (y < 0.8) t = t.slice(0, at) + r.pick(DAMAGE) + t.slice(at);
      else t = t.slice(0, at) + t.slice(at, at + r.int(8)) + t.slice(at);
    }
    return t;
  };
  return () => {
    // One text in ten grows a long thin spine: nesting near and past the depth limit.
    leaf = r.next() < 0.1 ? 0.02 : 0.35;
    const t = ws() + value(0) + ws();
    return r.next() < 0.3 ? damage(t) : t;
  };
}

const nest = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);

test('parseJson and the reference parser agree on edge cases', () => {
  const cases = [
    '{"a":1,"\\u0061":2}',
    '{"\\u0061":1,"a":2}',
    '{"a":{"b":1,"b":2}}',
    '[{"x":[{"k":1}]},{"x":[{"k":1,"k":1}]}]',
    '{"a:b":1,"a":2}',
    '{"x":"\\":","x":1}',
    '{"x":"\\\\","x":1}',
    '{"x":"\\\\\\"","y":":"}',
    '{"__proto__":{"polluted":1}}',
    '{"__proto__":1,"__proto__":2}',
    '{"constructor":1,"toString":2}',
    '{"1":1,"0":2,"b":3,"a":4}',
    '"\\ud800"',
    '"\\uDC00x"',
    '"\ud800"',
    '"\\ud83d\\ude00"',
    '"\ud83d\\ude00"',
    '"\\ud83d\ude00"',
    '{"\\ud800":1}',
    '1e400',
    '[-1e400]',
    '-0',
    '[-0.0,0]',
    '9007199254740993',
    nest(32, '1'),
    nest(33, '1'),
    nest(32, ''),
    nest(33, ''),
    '{"a":'.repeat(32) + '1' + '}'.repeat(32),
    '{"a":'.repeat(33) + '1' + '}'.repeat(33),
    nest(5000, ''),
    '',
    ' ',
    '\ufeff{}',
    '{} x',
    '{"a" : 1 , "b" :\n2\t}\r\n',
    '{"a":1,}',
    '[1,]',
    '01',
    '1.',
    '.5',
    '+1',
    '"\u0001"',
    '"\\x41"',
    '"\\u12"',
    'tru',
    'nul',
    '{"a":1 "b":2}',
    '"abc',
    '{"a',
  ];
  for (const text of cases) same(text);
  assert.deepStrictEqual(same('{"a":1,"\\u0061":2}'), {
    error: 'invalid JSON: duplicate key "a"',
  });
  const proto = same('{"__proto__":{"polluted":1}}') as { value: object };
  assert.equal(Object.getPrototypeOf(proto.value), Object.prototype);
  assert.deepStrictEqual(Object.keys(proto.value), ['__proto__']);
  assert.ok(Object.is((same('-0') as { value: number }).value, -0));
});

test('parseJson and the reference parser agree on 20,000 generated texts', () => {
  const next = generator(0x6b657a);
  let valid = 0;
  let duplicates = 0;
  let deep = 0;
  for (let k = 0; k < 20_000; k++) {
    const o = same(next());
    if ('value' in o) valid++;
    else if (o.error.includes('duplicate key')) duplicates++;
    else if (o.error.includes('nesting too deep')) deep++;
  }
  // The generator must reach every kind of outcome, or the comparison proves little.
  assert.ok(valid > 4_000, `only ${valid} valid texts`);
  assert.ok(duplicates > 1_000, `only ${duplicates} duplicate-key texts`);
  assert.ok(deep > 50, `only ${deep} too-deep texts`);
});

test('parseJson agrees on large event-like bodies, with one duplicate planted anywhere', () => {
  const r = rng(7);
  const event = (seq: number) =>
    JSON.stringify({
      chain: 'ed25519:' + 'ab'.repeat(32),
      seq,
      prev: seq === 1 ? null : 'cd'.repeat(32),
      created_at: 1_764_000_000 + seq,
      signer: 'ed25519:' + 'ab'.repeat(32),
      op: 'revoke',
      target: 'ef'.repeat(32),
      sig: '01'.repeat(64),
    });
  const body = '{"events":[' + Array.from({ length: 100 }, (_, i) => event(i + 1)).join(',') + ']}';
  assert.ok(body.length > 50_000);
  same(body);
  for (let k = 0; k < 50; k++) {
    // Repeat a member of some event inside that same event: a duplicate deep in a big body.
    const at = body.indexOf(',"op":', r.int(body.length - 1000));
    assert.ok(at > 0);
    same(body.slice(0, at) + ',"op":"add"' + body.slice(at));
    same(body.slice(0, at) + ',"\\u006fp":"add"' + body.slice(at));
  }
});
