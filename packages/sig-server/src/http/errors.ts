/**
 * Error answers: every 4xx/5xx body is `{ "error": <code>, "message": <one
 * line>, ...details }`. A code is a protocol reason code (core reasons.ts), a
 * sigchain event fault (core EVENT_FAULTS) or one of the server's own API
 * codes below — the HTTP API is outside SPEC (SPEC header: "Out of scope: the
 * sig-server HTTP API"), so its request-level codes live here and in
 * openapi.json, not in the protocol's reason table.
 */
import type { EventFault, ReasonCode } from '@kez/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The server's own error codes and their HTTP status. */
export const API_ERRORS = {
  request_too_large: { status: 413, text: 'the request body is larger than the server accepts' },
  too_many_events: { status: 413, text: 'the request carries more events than the server accepts' },
  unsupported_media_type: {
    status: 415,
    text: 'the body must be application/json or application/jsonl (UTF-8)',
  },
  chain_too_long: { status: 422, text: "the chain would exceed the server's length limit" },
  seq_taken: {
    status: 409,
    text: 'another event was stored at that seq first; nothing was stored',
  },
  method_not_allowed: { status: 405, text: 'the method is not allowed on this path' },
  not_ready: { status: 503, text: 'the server cannot reach its database' },
  server_error: { status: 500, text: 'the server failed while answering' },
} as const satisfies Record<string, { status: ContentfulStatusCode; text: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;
export type ErrorCode = ReasonCode | EventFault | ApiErrorCode;

/** HTTP status for a protocol reason code or an event fault. */
const CODE_STATUS: Partial<Record<ReasonCode | EventFault, ContentfulStatusCode>> = {
  malformed: 400,
  unknown_suite: 400,
  weak_key: 422,
  not_found: 404,
  rate_limited: 429,
  timeout: 503,
  // The server's copy of the chain differs from the one the event builds on: resync, then retry.
  bad_prev: 409,
  chain_gap: 409,
  fork: 409,
};

/** Status of an error code; chain-rule faults not listed are 422 (understood, but refused). */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  if (code in API_ERRORS) return API_ERRORS[code as ApiErrorCode].status;
  return CODE_STATUS[code as ReasonCode | EventFault] ?? 422;
}

/**
 * An error to answer with: code, one-line message, optional extra JSON fields
 * (ids, head) and headers. Thrown by handlers and middleware; app.onError
 * turns it into the response.
 * @example throw new HttpError('seq_taken', 'seq 4 is taken', { seq: 4 });
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = statusOf(code);
  }

  body(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

/** The response for an HttpError: its headers and the request id, its status, `{error, message, …}`. */
export function errorResponse(c: Context, e: HttpError): Response {
  for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
  const id: unknown = c.get('requestId');
  if (typeof id === 'string') c.header('X-Request-Id', id);
  return c.json(e.body(), e.status);
}
