/**
 * RFC 8785 JSON Canonicalization Scheme, plus a strict JSON parser for untrusted
 * input (I-JSON, RFC 7493: no duplicate keys, no lone surrogates).
 */
import { InputError } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// Lone surrogates cannot be encoded as UTF-8; RFC 8785 §3.2.2.2 requires I-JSON strings.
function checkString(s: string): string {
  if (!s.isWellFormed()) throw new InputError('string contains a lone surrogate');
  return s;
}

// Printable ASCII except quote and backslash: RFC 8785 §3.2.2.2 writes such a string unchanged between
// quotes. Hex, key refs, identities and field names all are; testing is cheaper than escaping.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function jsonString(s: string): string {
  return PLAIN.test(s) ? '"' + s + '"' : JSON.stringify(checkString(s));
}

/**
 * Canonical JSON text of `value` (RFC 8785). Throws InputError on values JSON
 * cannot carry. `omit` leaves out top-level members (e.g. "sig" for the signing
 * input) without copying the object.
 */
export function canonicalize(value: unknown, omit?: readonly string[]): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      // ES2015 Number-to-String is exactly RFC 8785 §3.2.2.3 for finite numbers; -0 prints as 0.
      if (!Number.isFinite(value)) throw new InputError('number is not finite');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return '[' + value.map((v) => canonicalize(v)).join(',') + ']';
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined || omit?.includes(k)) continue;
        if (!first) out += ',';
        first = false;
        out += jsonString(k) + ':' + canonicalize(v);
      }
      return out + '}';
    }
    default:
      throw new InputError(`cannot canonicalize a value of type ${typeof value}`);
  }
}

const MAX_DEPTH = 32;

/**
 * Parse JSON text strictly: RFC 8259 grammar, no duplicate object keys, no lone
 * surrogates, depth ≤ 32. Errors are InputError with a message naming the problem.
 *
 * Fast path: the engine's JSON.parse (whose grammar is RFC 8259's), then a check
 * of what it lets through — depth, finite numbers, well-formed strings, and no
 * duplicate keys (JSON.parse keeps the last). Anything in doubt is parsed again
 * by parseJsonReference, so results and error messages are exactly its own.
 */
export function parseJson(text: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return parseJsonReference(text);
  }
  // Strings can hold a lone surrogate only if the text has one, or a \uD800–\uDFFF escape.
  const checkStrings = !text.isWellFormed() || SURROGATE_ESCAPE.test(text);
  const seen = { members: 0 };
  if (!accepted(v, 0, checkStrings, seen) || seen.members !== structuralColons(text))
    return parseJsonReference(text);
  return v as Json;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Does the reference parser accept `v` as JSON.parse built it? Counts object members into `seen`. */
function accepted(v: unknown, depth: number, checkStrings: boolean, seen: { members: number }) {
  if (depth > MAX_DEPTH) return false;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v);
    case 'string':
      return !checkStrings || v.isWellFormed();
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (const x of v) if (!accepted(x, depth + 1, checkStrings, seen)) return false;
        return true;
      }
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      seen.members += keys.length;
      for (const k of keys) {
        if (checkStrings && !k.isWellFormed()) return false;
        if (!accepted(o[k], depth + 1, checkStrings, seen)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

/**
 * Object members written in `text`, which JSON.parse accepted: each has exactly one ':' outside
 * string literals, and no ':' outside strings is anything else. Fewer distinct keys than this
 * in the parsed value means a duplicate key that JSON.parse merged.
 */
function structuralColons(text: string): number {
  const n = text.length;
  let colons = 0;
  let i = 0;
  for (;;) {
    const open = text.indexOf('"', i);
    const end = open === -1 ? n : open;
    for (let j = i; j < end; j++) if (text.charCodeAt(j) === 0x3a) colons++;
    if (open === -1) return colons;
    // The closing quote: the next one not escaped (preceded by an even run of backslashes).
    let close = open;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close === -1) return -1; // not JSON after all: let the reference parser say why
      let b = close - 1;
      while (text.charCodeAt(b) === 0x5c) b--;
      if ((close - 1 - b) % 2 === 0) break;
    }
    i = close + 1;
  }
}

/**
 * The reference strict parser, character by character: what parseJson answers
 * whenever its fast path is in doubt (and what test/parse-fast.test.ts compares it with).
 */
export function parseJsonReference(text: string): Json {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new InputError(`invalid JSON: ${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const parseString = (): string => {
    // caller checked the opening quote
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        break;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const h = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('bad \\u escape');
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default:
            fail('bad escape');
        }
        start = i;
        continue;
      }
      i++;
    }
    if (!out.isWellFormed()) fail('lone surrogate in string');
    return out;
  };
  const NUM_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const parseValue = (depth: number): Json => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    if (i >= n) fail('unexpected end');
    const c = text[i];
    if (c === '"') return parseString();
    if (c === '{') {
      i++;
      const obj: { [k: string]: Json } = {};
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = parseString();
        if (seen.has(k)) throw new InputError(`invalid JSON: duplicate key "${k}"`);
        seen.add(k);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        const v = parseValue(depth + 1);
        // defineProperty: a key named "__proto__" must stay data, not change the prototype.
        Object.defineProperty(obj, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUM_RE.lastIndex = i;
    const m = NUM_RE.exec(text);
    if (!m) return fail('unexpected character');
    i += m[0].length;
    const v = Number(m[0]);
    if (!Number.isFinite(v)) fail('number out of range');
    return v;
  };
  const v = parseValue(0);
  ws();
  if (i !== n) fail('trailing characters');
  return v;
}
