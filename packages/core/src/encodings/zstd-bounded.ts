/**
 * zstd with hard bounds (SPEC §6.2). The WASM decoder allocates whatever a frame
 * header declares and will happily inflate a few KB into hundreds of MB, so the
 * frame is walked here first: exactly one standard frame, no dictionary, no
 * trailing bytes, and an upper bound on the output (declared size, or the sum of
 * raw/RLE block sizes plus 128 KiB per compressed block) checked against the cap
 * before any decompression runs.
 */
import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import { InputError } from '../errors.js';

let ready: Promise<void> | undefined;
function ensureReady(): Promise<void> {
  ready ??= init();
  return ready;
}

const MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 * 1024;

export interface FrameInfo {
  /** Declared content size, when the header carries one. */
  contentSize?: number;
  /** Upper bound on the decompressed size. */
  bound: number;
}

/** Walk one zstd frame (RFC 8878 §3.1.1) without decompressing it. */
export function inspectFrame(buf: Uint8Array): FrameInfo {
  const bad = (why: string): never => {
    throw new InputError(`compact payload is not a valid zstd frame: ${why}`);
  };
  if (buf.length < 6) bad('too short');
  const magic = (buf[0]! | (buf[1]! << 8) | (buf[2]! << 16) | (buf[3]! << 24)) >>> 0;
  if ((magic & 0xfffffff0) === 0x184d2a50) bad('skippable frames are not allowed');
  if (magic !== MAGIC) bad('bad magic number');
  const fhd = buf[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  if ((fhd >> 3) & 1) bad('reserved bit set');
  const checksum = (fhd >> 2) & 1;
  const didFlag = fhd & 3;
  let p = 5;
  if (!single) p += 1; // window descriptor
  const didSize = [0, 1, 2, 4][didFlag]!;
  for (let i = 0; i < didSize; i++) if (buf[p + i] !== 0) bad('dictionaries are not allowed');
  p += didSize;
  const fcsSize = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  if (p + fcsSize > buf.length) bad('truncated header');
  let contentSize: number | undefined;
  if (fcsSize > 0) {
    let v = 0;
    for (let i = fcsSize - 1; i >= 0; i--) v = v * 256 + buf[p + i]!;
    if (fcsSize === 2) v += 256;
    contentSize = v;
  }
  p += fcsSize;
  let bound = 0;
  for (;;) {
    if (p + 3 > buf.length) bad('truncated block header');
    const h = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16);
    p += 3;
    const last = h & 1;
    const type = (h >> 1) & 3;
    const size = h >>> 3;
    if (type === 3) bad('reserved block type');
    if (type === 0) {
      bound += size;
      p += size;
    } else if (type === 1) {
      bound += size;
      p += 1;
    } else {
      if (size > BLOCK_MAX) bad('block too large');
      bound += BLOCK_MAX;
      p += size;
    }
    if (p > buf.length) bad('truncated block');
    if (last) break;
  }
  if (checksum) p += 4;
  if (p !== buf.length)
    bad(p > buf.length ? 'truncated checksum' : 'trailing bytes after the frame');
  if (contentSize !== undefined) bound = Math.min(bound, contentSize);
  return contentSize === undefined ? { bound } : { contentSize, bound };
}

/** Decompress one frame, refusing (before allocating) anything that could exceed `cap` bytes. */
export async function zstdDecompressBounded(buf: Uint8Array, cap: number): Promise<Uint8Array> {
  const info = inspectFrame(buf);
  if (info.contentSize !== undefined && info.contentSize > cap) {
    throw new InputError(`compact payload declares ${info.contentSize} bytes; the limit is ${cap}`);
  }
  await ensureReady();
  // Without a declared size the decoder's buffer is the cap: anything larger fails inside it.
  const heap = Math.min(cap, Math.max(info.bound, 1));
  let out: Uint8Array;
  try {
    out = decompress(buf, { defaultHeapSize: heap });
  } catch {
    throw new InputError(
      info.bound > cap
        ? `compact payload inflates past the ${cap}-byte limit`
        : 'compact payload failed to decompress',
    );
  }
  if (info.contentSize !== undefined && out.length !== info.contentSize) {
    throw new InputError('compact payload size does not match its header');
  }
  return out;
}

export async function zstdCompress(data: Uint8Array, level = 3): Promise<Uint8Array> {
  await ensureReady();
  return compress(data, level);
}
