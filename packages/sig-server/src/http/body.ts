/**
 * Reading an append request's body: the size cap while streaming, strict
 * UTF-8, then one of three shapes by content type — one event (JSON), a JSONL
 * bundle (SPEC §8.9), or `{"events": [...]}`. Every failure is an HttpError
 * with a 4xx status; nothing here can throw anything else on bad input.
 */
import type { IncomingMessage } from 'node:http';
import { KezError, parseBundle, parseJson } from '@kez/core';
import { HttpError } from './errors.js';

/** Media types accepted for a JSONL bundle (SPEC §8.9 names application/jsonl). */
export const JSONL_TYPES = [
  'application/jsonl',
  'application/x-ndjson',
  'application/ndjson',
  'application/x-jsonlines',
  'application/jsonlines',
];
export const JSONL_TYPE = 'application/jsonl';

/** `type/subtype` in lower case and the charset parameter, if any. */
function mediaType(header: string | undefined): { type: string; charset: string | null } | null {
  if (!header) return null;
  const [type, ...params] = header.split(';');
  let charset: string | null = null;
  for (const p of params) {
    const [k, v] = p.split('=');
    if (k?.trim().toLowerCase() === 'charset')
      charset = (v ?? '').trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { type: type!.trim().toLowerCase(), charset };
}

/**
 * The body's bytes, at most `max`; 413 as soon as more arrive (a lying or
 * missing Content-Length does not help a client past the cap).
 */
export async function readBodyCapped(req: Request, max: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max)
    throw new HttpError('request_too_large', `the body is ${declared} bytes; the limit is ${max}`);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new HttpError('request_too_large', `the body is over ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * readBodyCapped on the node request itself, when there is one: the same
 * cap, without building a web Request and its stream for the body (a
 * measurable share of an append's CPU).
 */
export function readIncomingCapped(incoming: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = incoming.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > max)
    return Promise.reject(
      new HttpError('request_too_large', `the body is ${declared} bytes; the limit is ${max}`),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (e: HttpError) => {
      if (settled) return;
      settled = true;
      incoming.off('data', onData);
      incoming.resume(); // drain the rest unread
      reject(e);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) fail(new HttpError('request_too_large', `the body is over ${max} bytes`));
      else chunks.push(chunk);
    };
    incoming.on('data', onData);
    incoming.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // 'close' follows every request, read or not: make the error only when it is news.
    const brokeOff = () => {
      if (!settled) fail(new HttpError('malformed', 'the request body broke off'));
    };
    incoming.once('error', brokeOff);
    incoming.once('close', brokeOff);
  });
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    throw new HttpError('malformed', 'the body starts with a byte-order mark');
  try {
    return utf8Strict.decode(bytes);
  } catch {
    throw new HttpError('malformed', 'the body is not valid UTF-8');
  }
}

function asHttpError(e: unknown, what: string): never {
  if (e instanceof HttpError) throw e;
  if (e instanceof KezError) throw new HttpError('malformed', `${what}: ${e.message}`);
  // parseJson and parseBundle only throw KezError on bad input; anything else is a real bug.
  throw e;
}

function tooMany(n: number, max: number): never {
  throw new HttpError(
    'too_many_events',
    `the request carries ${n} events; the limit is ${max} per request`,
  );
}

/**
 * Parse an append body into candidate event values (not yet checked as events).
 * @example const values = parseAppendBody(bytes, c.req.header('content-type'), 100);
 */
export function parseAppendBody(
  bytes: Uint8Array,
  contentType: string | undefined,
  maxEvents: number,
): unknown[] {
  const mt = mediaType(contentType);
  if (!mt)
    throw new HttpError('unsupported_media_type', 'Content-Type is missing', {
      accepted: ['application/json', JSONL_TYPE],
    });
  if (mt.charset !== null && mt.charset !== 'utf-8' && mt.charset !== 'utf8')
    throw new HttpError(
      'unsupported_media_type',
      `charset ${mt.charset.slice(0, 40)} is not UTF-8`,
    );
  const isJson = mt.type === 'application/json';
  const isJsonl = JSONL_TYPES.includes(mt.type);
  if (!isJson && !isJsonl)
    throw new HttpError(
      'unsupported_media_type',
      `Content-Type ${mt.type.slice(0, 80)} is not accepted`,
      {
        accepted: ['application/json', JSONL_TYPE],
      },
    );
  const text = decodeUtf8(bytes);
  if (text.trim() === '') throw new HttpError('malformed', 'the body is empty');
  if (isJsonl) {
    // Count lines before parsing any: a cheap refusal of a too-long bundle.
    let lines = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    if (!text.endsWith('\n')) lines++;
    if (lines > maxEvents) tooMany(lines, maxEvents);
    try {
      return parseBundle(text, { maxEvents });
    } catch (e) {
      asHttpError(e, 'bad JSONL bundle');
    }
  }
  let v: unknown;
  try {
    v = parseJson(text);
  } catch (e) {
    asHttpError(e, 'bad JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new HttpError('malformed', 'the body must be one event object or {"events": [...]}');
  const o = v as Record<string, unknown>;
  if ('events' in o) {
    const extra = Object.keys(o).find((k) => k !== 'events');
    if (extra !== undefined)
      throw new HttpError('malformed', `unknown field "${extra.slice(0, 40)}" beside "events"`);
    if (!Array.isArray(o.events)) throw new HttpError('malformed', '"events" must be an array');
    if (o.events.length === 0) throw new HttpError('malformed', '"events" is empty');
    if (o.events.length > maxEvents) tooMany(o.events.length, maxEvents);
    return o.events;
  }
  return [o];
}
