/** Small byte helpers shared by core; no platform imports, so they run in browsers unchanged. */
import { InputError } from './errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decode UTF-8, rejecting invalid sequences instead of replacing them. */
export function fromUtf8(b: Uint8Array): string {
  try {
    return strictDecoder.decode(b);
  } catch {
    throw new InputError('input is not valid UTF-8');
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

// Nibble value of each lowercase hex digit; 0xff marks every other code unit below 128.
const NIBBLE = new Uint8Array(128).fill(0xff);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/** Parse lowercase hex of an exact byte length; `what` names the field in the error. */
export function fromHex(s: string, length: number | undefined, what: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 2 !== 0)
    throw new InputError(`${what} must be lowercase hex`);
  if (length !== undefined && s.length !== length * 2) {
    throw new InputError(
      `${what} must be ${length} bytes (${length * 2} hex chars), got ${s.length / 2}`,
    );
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    // Code units ≥ 128 fall outside the table: undefined, so `?? 0xff` marks them too.
    const hi = NIBBLE[s.charCodeAt(2 * i)] ?? 0xff;
    const lo = NIBBLE[s.charCodeAt(2 * i + 1)] ?? 0xff;
    if ((hi | lo) === 0xff) throw new InputError(`${what} must be lowercase hex`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}
