/**
 * DAG-CBOR as the AT Protocol data model uses it (atproto "data model" spec,
 * IPLD DAG-CBOR): definite lengths, minimal integer heads, maps with string
 * keys in canonical order (shorter first, then bytewise), tag 42 for CIDs,
 * no floats, no undefined. The decoder is strict so that re-encoding a
 * decoded value gives back the signed bytes (commit signatures). Pure.
 */
import { concatBytes, fromUtf8, utf8 } from '@kez/core';
import { CID, parseCidBytes } from './cid.js';

export type CborValue =
  null | boolean | number | string | Uint8Array | CID | CborValue[] | { [k: string]: CborValue };

const MAX_DEPTH = 64;
const TAG_CID = 42;

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    const x = this.b[this.pos++];
    if (x === undefined) throw new Error('truncated CBOR');
    return x;
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new Error('truncated CBOR');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** The argument of a head with additional info `info`, checked to be minimal. */
  arg(info: number): number {
    if (info < 24) return info;
    let n: number;
    if (info === 24) n = this.byte();
    else if (info === 25) n = (this.byte() << 8) | this.byte();
    else if (info === 26)
      n = ((this.byte() << 24) >>> 0) + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
    else if (info === 27) {
      const hi =
        ((this.byte() << 24) >>> 0) + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
      const lo =
        ((this.byte() << 24) >>> 0) + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
      if (hi > 0x1fffff) throw new Error('CBOR integer beyond 2^53');
      n = hi * 2 ** 32 + lo;
    } else throw new Error(`CBOR additional info ${info} (indefinite length) is not allowed`);
    const min = info === 24 ? 24 : info === 25 ? 0x100 : info === 26 ? 0x10000 : 2 ** 32;
    if (n < min) throw new Error('CBOR integer is not minimally encoded');
    return n;
  }
}

/** UTF-8 bytes compare for DAG-CBOR map keys: shorter first, then bytewise. */
function keyOrder(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function readValue(r: Reader, depth: number): CborValue {
  if (depth > MAX_DEPTH) throw new Error('CBOR nested too deeply');
  const head = r.byte();
  const major = head >> 5;
  const info = head & 0x1f;
  switch (major) {
    case 0:
      return r.arg(info);
    case 1:
      return -1 - r.arg(info);
    case 2:
      return r.take(r.arg(info)).slice();
    case 3:
      return fromUtf8(r.take(r.arg(info)));
    case 4: {
      const n = r.arg(info);
      const out: CborValue[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(r, depth + 1));
      return out;
    }
    case 5: {
      const n = r.arg(info);
      // Null prototype: a "__proto__" key is data, never the prototype.
      const out = Object.create(null) as { [k: string]: CborValue };
      let prev: Uint8Array | undefined;
      for (let i = 0; i < n; i++) {
        const kh = r.byte();
        if (kh >> 5 !== 3) throw new Error('CBOR map key is not a string');
        const kb = r.take(r.arg(kh & 0x1f));
        if (prev && keyOrder(prev, kb) >= 0)
          throw new Error('CBOR map keys are duplicated or not in canonical order');
        prev = kb;
        out[fromUtf8(kb)] = readValue(r, depth + 1);
      }
      return out;
    }
    case 6: {
      const tag = r.arg(info);
      if (tag !== TAG_CID) throw new Error(`CBOR tag ${tag} is not allowed (only 42)`);
      const inner = readValue(r, depth + 1);
      if (!(inner instanceof Uint8Array) || inner[0] !== 0)
        throw new Error('CBOR tag 42 must hold 0x00 and a binary CID');
      return parseCidBytes(inner.subarray(1));
    }
    default:
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      throw new Error('CBOR simple value or float is not allowed in atproto data');
  }
}

/** Decode one DAG-CBOR value that spans all of `bytes`. Throws Error naming the problem. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const r = new Reader(bytes);
  const v = readValue(r, 0);
  if (r.pos !== bytes.length) throw new Error('trailing bytes after CBOR value');
  return v;
}

function head(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n < 2 ** 32)
    return Uint8Array.of(m | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  const hi = Math.floor(n / 2 ** 32);
  const lo = n >>> 0;
  return Uint8Array.of(
    m | 27,
    hi >>> 24,
    (hi >> 16) & 0xff,
    (hi >> 8) & 0xff,
    hi & 0xff,
    lo >>> 24,
    (lo >> 16) & 0xff,
    (lo >> 8) & 0xff,
    lo & 0xff,
  );
}

/** Canonical DAG-CBOR bytes of a value. Throws on values atproto data cannot hold. */
export function encodeCbor(v: CborValue): Uint8Array {
  if (v === null) return Uint8Array.of(0xf6);
  if (v === true) return Uint8Array.of(0xf5);
  if (v === false) return Uint8Array.of(0xf4);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('only safe integers can be encoded');
    return v >= 0 ? head(0, v) : head(1, -1 - v);
  }
  if (typeof v === 'string') {
    const b = utf8(v);
    return concatBytes(head(3, b.length), b);
  }
  if (v instanceof Uint8Array) return concatBytes(head(2, v.length), v);
  if (v instanceof CID) {
    const inner = concatBytes(Uint8Array.of(0), v.bytes);
    return concatBytes(Uint8Array.of(0xd8, TAG_CID), head(2, inner.length), inner);
  }
  if (Array.isArray(v)) return concatBytes(head(4, v.length), ...v.map(encodeCbor));
  const entries = Object.entries(v)
    .map(([k, x]) => [utf8(k), x] as const)
    .sort((a, b) => keyOrder(a[0], b[0]));
  return concatBytes(
    head(5, entries.length),
    ...entries.flatMap(([k, x]) => [head(3, k.length), k, encodeCbor(x)]),
  );
}

/** Narrow a decoded value to a map, or throw naming `what`. */
export function asMap(v: CborValue, what: string): { [k: string]: CborValue } {
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    v instanceof Uint8Array ||
    v instanceof CID
  )
    throw new Error(`${what} is not a map`);
  return v;
}
