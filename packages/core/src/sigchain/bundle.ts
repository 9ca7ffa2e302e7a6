/**
 * The JSONL bundle (SPEC §8.9): one JCS line per event, by seq then event id,
 * every line ending in LF. Writers holding the same events produce the same
 * bytes; readers are strict about what is not JSON and lenient about form.
 */
import { sha256 } from '../hash.js';
import { fromUtf8, toHex, utf8 } from '../bytes.js';
import { InputError, KezError } from '../errors.js';
import { canonicalize, parseJson } from '../jcs.js';
import type { Json } from '../jcs.js';

/** SPEC §8.9 requires readers to accept 1 MiB; this default leaves room for long chains. */
export const DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_BUNDLE_EVENTS = 1_000_000;

/**
 * Write events as a bundle: JCS of each, sorted by `seq` then event id
 * (hex order), exact duplicates once, `\n` after every line. The empty chain is "".
 * Throws InputError for a value that is not an object with an integer `seq`.
 * @example writeFileSync(path, exportBundle(state.events))
 */
export function exportBundle(events: readonly object[]): string {
  const rows: { seq: number; id: string; line: string }[] = [];
  const seen = new Set<string>();
  for (const ev of events) {
    if (typeof ev !== 'object' || ev === null || Array.isArray(ev))
      throw new InputError('bundle: every event must be a JSON object');
    const seq = (ev as { seq?: unknown }).seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq))
      throw new InputError('bundle: every event must have an integer "seq"');
    const line = canonicalize(ev);
    const id = toHex(sha256(utf8(line)));
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push({ seq, id, line });
  }
  rows.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let out = '';
  for (const r of rows) out += r.line + '\n';
  return out;
}

export interface ParseBundleOptions {
  /** Largest bundle accepted, in UTF-8 bytes (default 16 MiB; SPEC §8.9: at least 1 MiB). */
  maxBytes?: number;
  /** Most lines accepted (default 1,000,000). */
  maxEvents?: number;
}

/**
 * Read a bundle into parsed JSON objects, in file order (validateChain sorts).
 * Rules (SPEC §8.9, §4.1): UTF-8 without BOM; every line one JSON object
 * parsed strictly (no duplicate keys, lone surrogates, unsafe integers) but
 * not required to be JCS; the final LF may be missing; an empty line
 * (including a blank line at the end) rejects the bundle; CR before LF is
 * JSON whitespace and tolerated. Throws InputError naming the line
 * (`malformed`, or `too_large` past a cap): the bundle is rejected as a whole.
 * @example const events = parseBundle(readFileSync(path));
 */
export function parseBundle(input: string | Uint8Array, opts: ParseBundleOptions = {}): Json[] {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const maxEvents = opts.maxEvents ?? DEFAULT_MAX_BUNDLE_EVENTS;
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes || utf8(input).length > maxBytes)
      throw new InputError(`bundle is larger than ${maxBytes} bytes`, 'too_large');
    text = input;
  } else {
    if (input.length > maxBytes)
      throw new InputError(
        `bundle is ${input.length} bytes; the limit is ${maxBytes}`,
        'too_large',
      );
    text = fromUtf8(input);
  }
  if (text.charCodeAt(0) === 0xfeff) throw new InputError('bundle starts with a byte-order mark');
  if (text === '') return [];
  const lines = text.split('\n');
  // A trailing LF leaves one empty piece that is not a line.
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > maxEvents)
    throw new InputError(`bundle has more than ${maxEvents} events`, 'too_large');
  const out: Json[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') throw new InputError(`bundle line ${i + 1} is empty`);
    let v: Json;
    try {
      v = parseJson(line);
    } catch (e) {
      if (e instanceof KezError) throw new InputError(`bundle line ${i + 1}: ${e.message}`);
      throw e;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new InputError(`bundle line ${i + 1} is not a JSON object`);
    out[i] = v;
  }
  return out;
}
