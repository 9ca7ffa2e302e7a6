/**
 * The JSON shape of a chain head in every answer, and the whole answer of
 * GET /v1/chains/{key}/head — shared by the hono route (routes/chains.ts)
 * and the lane in front of hono (http/head-lane.ts), so both send the same.
 */
import type { ChainHead } from '../store/store.js';

export interface HeadJson {
  chain: string;
  seq: number;
  id: string;
  /** Fork-evidence events stored for the chain (SPEC §8.5: a fork is two authorised events at one seq). */
  forks: number;
  /** Unix seconds of the last change. */
  updated_at: number;
}

export function headJson(h: ChainHead): HeadJson {
  return { chain: h.chain, seq: h.seq, id: h.id, forks: h.forks, updated_at: h.updatedAt };
}

/** Changes whenever the chain does: a new event, or new fork evidence at the same seq. */
export function etagOf(h: ChainHead): string {
  return `"${h.id.slice(0, 32)}-${h.seq}-${h.forks}"`;
}

/** RFC 9110 §13.1.2: weak comparison; `*` matches any current representation. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/** A head may be a few seconds stale in a cache; the bundle itself is self-authenticating. */
const HEAD_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30';

export interface HeadAnswer {
  status: 200 | 304;
  /**
   * Plain lower-case names, Content-Length included: @hono/node-server and node:http both
   * write these as they are, without a Headers object.
   */
  headers: Record<string, string>;
  body: string | null;
}

// Made once per head object: cached heads stay the same object until the chain changes.
const rendered = new WeakMap<
  ChainHead,
  { ok: HeadAnswer; notModified: HeadAnswer; etag: string }
>();

/** The /head answer for `head`: 304 when `ifNoneMatch` names its ETag, else 200 with the head JSON. */
export function headAnswer(head: ChainHead, ifNoneMatch: string | undefined): HeadAnswer {
  let r = rendered.get(head);
  if (!r) {
    const etag = etagOf(head);
    const body = JSON.stringify(headJson(head));
    r = {
      etag,
      ok: {
        status: 200,
        headers: {
          'content-type': 'application/json',
          etag,
          'cache-control': HEAD_CACHE_CONTROL,
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      },
      notModified: {
        status: 304,
        headers: { etag, 'cache-control': HEAD_CACHE_CONTROL },
        body: null,
      },
    };
    rendered.set(head, r);
  }
  return etagMatches(ifNoneMatch, r.etag) ? r.notModified : r.ok;
}
