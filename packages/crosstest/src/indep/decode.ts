/**
 * The four encodings (SPEC §6) taken apart without @kez/core: regexes for the
 * fence and the TXT quoting, Buffer's base64url, and the `zstd` CLI. Gives the
 * claim's JSON text, and for compressed forms the raw frame too.
 */
import { zstdCliDecompress } from './zstd-cli.js';

export interface Unwrapped {
  json: string;
  /** The zstd frame, for compact and dns. */
  frame?: Buffer;
}

const FENCE = /^```kez\n([^\n]*)\n```\n$/;
const TXT = /^"[A-Za-z0-9_:-]{1,255}"(?: "[A-Za-z0-9_:-]{1,255}")*$/;

export function unwrapCompact(text: string): Unwrapped {
  if (!text.startsWith('kez:z1:')) throw new Error('compact form does not start with kez:z1:');
  const b64 = text.slice('kez:z1:'.length);
  if (!/^[A-Za-z0-9_-]+$/.test(b64))
    throw new Error('compact body is not base64url without padding');
  const frame = Buffer.from(b64, 'base64url');
  if (frame.toString('base64url') !== b64)
    throw new Error('compact body is not canonical base64url');
  return { json: zstdCliDecompress(frame).toString('utf8'), frame };
}

export function unwrap(text: string, encoding: string): Unwrapped {
  switch (encoding) {
    case 'json':
      return { json: text };
    case 'markdown': {
      const m = FENCE.exec(text);
      if (!m) throw new Error('not exactly "```kez\\n" JSON "\\n```\\n"');
      return { json: m[1]! };
    }
    case 'compact':
      return unwrapCompact(text);
    case 'dns': {
      if (!TXT.test(text)) throw new Error('not quoted TXT character-strings joined by one space');
      const parts = [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
      if (parts.slice(0, -1).some((p) => p.length !== 255))
        throw new Error('a TXT string before the last is not 255 bytes');
      return unwrapCompact(parts.join(''));
    }
    default:
      throw new Error(`unknown encoding ${encoding}`);
  }
}
