/**
 * The fetch relay's wire contract, shared by the page (net/relay-transport.ts)
 * and the server (server/fetch-relay.ts) so the two cannot drift apart.
 *
 *   GET {relay}/fetch?url=<absolute http(s) URL>   → the upstream status and body
 *   GET {relay}/txt?name=<DNS name>                → {"records": string[][] | null}
 *
 * Every request carries `x-kez-relay: 1`: a custom header makes a cross-site
 * page's request need a CORS preflight, which the relay never grants, so only
 * the app itself (same origin) can use it. A failure of the relay or of the
 * guarded fetch behind it answers 502 with `x-kez-relay-error: <reason code>`
 * and `{"error": code, "message": text}`.
 */
export const RELAY_MARK_HEADER = 'x-kez-relay';
export const RELAY_ERROR_HEADER = 'x-kez-relay-error';
/** The final upstream URL after redirects the relay followed. */
export const RELAY_URL_HEADER = 'x-kez-relay-url';

/** Request headers the page may pass on to the origin (never credentials or cookies). */
export const FORWARDED_REQUEST_HEADERS: readonly string[] = ['accept', 'x-github-api-version'];

/** Response headers passed back: content type, pagination and rate-limit signals (SPEC §7.1.1). */
export const FORWARDED_RESPONSE_HEADERS: readonly string[] = [
  'content-type',
  'link',
  'retry-after',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'etag',
  'last-modified',
];

/**
 * Media types the relay passes on: the documents the channels read (JSON APIs,
 * WebFinger, ActivityPub, JSONL bundles, CAR files, DoH, plain text and
 * Markdown gists). HTML and scripts never pass.
 */
export const RELAYED_CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/jrd+json',
  'application/activity+json',
  'application/ld+json',
  'application/did+json',
  'application/did+ld+json',
  'application/jsonl',
  'application/x-ndjson',
  'application/vnd.ipld.car',
  'application/dns-message',
  'text/plain',
  'text/markdown',
];

/** Longest URL or DNS name a relay request may carry. */
export const MAX_RELAY_TARGET = 2048;

/**
 * The media type of a Content-Type value, lower case, without parameters.
 * @example mediaType('Application/JSON; charset=utf-8') // 'application/json'
 */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * True when the relay passes a body of this content type on.
 * @example isRelayedType('text/plain; charset=utf-8') // true
 */
export function isRelayedType(contentType: string | null | undefined): boolean {
  return RELAYED_CONTENT_TYPES.includes(mediaType(contentType));
}
