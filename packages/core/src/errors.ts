import type { ReasonCode } from './reasons.js';

/** Base of every error KEZ raises on purpose; `code` is a reason code from reasons.ts. */
export class KezError extends Error {
  override name = 'KezError';
  readonly code: ReasonCode;
  constructor(code: ReasonCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Malformed input: a claim, identity, key, encoding or flag that is not well-formed.
 * Callers map it to exit code 2 (CLI) or HTTP 400 (servers).
 */
export class InputError extends KezError {
  override name = 'InputError';
  constructor(message: string, code: ReasonCode = 'malformed', options?: ErrorOptions) {
    super(code, message, options);
  }
}

/**
 * A remote could not be asked or did not answer usably (timeout, HTTP status,
 * size cap, redirects, blocked address). Verification maps it to `unreachable`.
 */
export class ChannelError extends KezError {
  override name = 'ChannelError';
  /** The URL or name that was being fetched, when known. */
  readonly location: string | undefined;
  constructor(code: ReasonCode, message: string, location?: string, options?: ErrorOptions) {
    super(code, message, options);
    this.location = location;
  }
}
