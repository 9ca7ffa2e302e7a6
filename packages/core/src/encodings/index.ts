/**
 * The four wire encodings of a claim (SPEC §6) and auto-detection. Every encoder
 * output decodes to the same claim and re-encodes to the same bytes.
 */
import { base64urlnopad } from '@scure/base';
import { fromUtf8, utf8 } from '../bytes.js';
import { parseClaim } from '../claim.js';
import type { Claim } from '../claim.js';
import { InputError, KezError } from '../errors.js';
import { canonicalize, parseJson } from '../jcs.js';
import { zstdCompress, zstdDecompressBounded } from './zstd-bounded.js';

export const ENCODINGS = ['json', 'compact', 'markdown', 'dns'] as const;
export type EncodingName = (typeof ENCODINGS)[number];

export const COMPACT_PREFIX = 'kez:z1:';
/** SPEC §6.5: no encoded input over 64 KiB is even looked at. */
export const MAX_ENCODED_BYTES = 65536;
/** SPEC §6.2: decompressed payload cap. */
export const MAX_DECOMPRESSED_BYTES = 65536;
const FENCE_OPEN = '```kez\n';
const FENCE_CLOSE = '\n```\n';

export function isEncodingName(s: unknown): s is EncodingName {
  return typeof s === 'string' && (ENCODINGS as readonly string[]).includes(s);
}

export async function encodeClaim(claim: Claim, encoding: EncodingName): Promise<string> {
  const jcs = canonicalize(parseClaim(claim));
  switch (encoding) {
    case 'json':
      return jcs;
    case 'compact':
      return COMPACT_PREFIX + base64urlnopad.encode(await zstdCompress(utf8(jcs)));
    case 'markdown':
      return FENCE_OPEN + jcs + FENCE_CLOSE;
    case 'dns':
      return encodeTxtStrings(
        splitTxt(COMPACT_PREFIX + base64urlnopad.encode(await zstdCompress(utf8(jcs)))),
      );
  }
}

function claimFromJsonText(text: string): Claim {
  return parseClaim(parseJson(text));
}

async function decodeCompact(text: string): Promise<Claim> {
  if (!text.startsWith('kez:')) throw new InputError('compact claim must start with "kez:z1:"');
  if (!text.startsWith(COMPACT_PREFIX)) {
    const ver = text.slice(4).split(':')[0] ?? '';
    throw new InputError(
      `unknown compact form "kez:${ver.slice(0, 10)}:" (this verifier reads kez:z1:)`,
    );
  }
  const body = text.slice(COMPACT_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(body))
    throw new InputError('compact claim is not base64url (bad character)');
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(body);
  } catch {
    throw new InputError('compact claim is not valid base64url (truncated or bad padding)');
  }
  // Non-zero trailing bits would give two spellings of one payload.
  if (base64urlnopad.encode(bytes) !== body)
    throw new InputError('compact claim is not canonical base64url');
  const json = fromUtf8(await zstdDecompressBounded(bytes, MAX_DECOMPRESSED_BYTES));
  return claimFromJsonText(json);
}

/** Split a string into character-strings of at most 255 bytes (RFC 1035 §3.3). ASCII input only. */
export function splitTxt(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 255) out.push(s.slice(i, i + 255));
  return out.length ? out : [''];
}

/** Zone-file presentation of TXT character-strings: `"a" "b"`. */
export function encodeTxtStrings(strings: string[]): string {
  return strings.map((s) => '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"').join(' ');
}

/** Parse `"a" "b"` (with \X and \DDD escapes) back into its character-strings. */
export function parseTxtStrings(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n) break;
    if (text[i] !== '"')
      throw new InputError('DNS TXT value must be quoted character-strings: "…" "…"');
    i++;
    let s = '';
    for (;;) {
      if (i >= n) throw new InputError('DNS TXT value has an unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\') {
        const d = text.slice(i + 1, i + 4);
        if (/^[0-9]{3}$/.test(d)) {
          const v = Number(d);
          if (v > 255) throw new InputError('DNS TXT value has a bad \\DDD escape');
          s += String.fromCharCode(v);
          i += 4;
        } else if (i + 1 < n) {
          s += text[i + 1];
          i += 2;
        } else throw new InputError('DNS TXT value ends inside an escape');
        continue;
      }
      s += c;
      i++;
    }
    if (utf8(s).length > 255)
      throw new InputError('DNS TXT character-string longer than 255 bytes');
    out.push(s);
  }
  if (!out.length) throw new InputError('DNS TXT value is empty');
  return out;
}

export interface DecodedClaim {
  claim: Claim;
  encoding: EncodingName;
}

/** Which encoding a text is in (SPEC §6.6), or undefined. */
export function detectEncoding(text: string): EncodingName | undefined {
  const t = text.trimStart();
  if (t.startsWith('{')) return 'json';
  if (t.startsWith('kez:')) return 'compact';
  if (t.startsWith('"')) return 'dns';
  if (text.includes('```kez')) return 'markdown';
  return undefined;
}

function checkSize(text: string): void {
  if (typeof text !== 'string') throw new InputError('claim text must be a string');
  if (text.length > MAX_ENCODED_BYTES || utf8(text).length > MAX_ENCODED_BYTES) {
    throw new InputError(`input is larger than ${MAX_ENCODED_BYTES} bytes`);
  }
}

/** Decode one claim from text in any encoding (auto-detected). Throws InputError. */
export async function decodeClaim(text: string, encoding?: EncodingName): Promise<DecodedClaim> {
  checkSize(text);
  const enc = encoding ?? detectEncoding(text);
  switch (enc) {
    case 'json':
      return { claim: claimFromJsonText(text.trim()), encoding: 'json' };
    case 'compact':
      return { claim: await decodeCompact(text.trim()), encoding: 'compact' };
    case 'dns':
      return { claim: await decodeCompact(parseTxtStrings(text.trim()).join('')), encoding: 'dns' };
    case 'markdown': {
      const fences = findFences(text);
      if (fences.length === 0) throw new InputError('no ```kez fence found');
      if (fences.length > 1) throw new InputError('more than one ```kez fence found');
      return { claim: claimFromJsonText(fences[0]!), encoding: 'markdown' };
    }
    default:
      throw new InputError(
        'unrecognized encoding (expected JSON, kez:z1:…, a ```kez fence or a quoted DNS TXT value)',
      );
  }
}

const FENCE_RE = /```kez[ \t]*\r?\n([\s\S]*?)\r?\n```/g;
const COMPACT_RE = /kez:z1:[A-Za-z0-9_-]+/g;

function findFences(text: string): string[] {
  return [...text.matchAll(FENCE_RE)].map((m) => m[1]!);
}

export interface Candidate {
  encoding: EncodingName;
  claim?: Claim;
  error?: KezError;
}

/**
 * Every claim embedded in a larger text — a gist file, a bio, a post, a TXT
 * record (SPEC §7): ```kez fences, kez:z1: tokens, or the whole text as JSON.
 * Broken candidates are returned with their error, so a verifier can say why.
 */
export async function extractClaims(text: string, limit = 16): Promise<Candidate[]> {
  checkSize(text);
  const out: Candidate[] = [];
  const attempt = async (encoding: EncodingName, f: () => Promise<Claim> | Claim) => {
    if (out.length >= limit) return;
    try {
      out.push({ encoding, claim: await f() });
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      out.push({ encoding, error: e });
    }
  };
  const t = text.trim();
  if (t.startsWith('{')) await attempt('json', () => claimFromJsonText(t));
  for (const body of findFences(text)) await attempt('markdown', () => claimFromJsonText(body));
  for (const m of text.matchAll(COMPACT_RE)) await attempt('compact', () => decodeCompact(m[0]));
  return out;
}
