/**
 * One HTTP exchange without redirects, timeouts or caps: what guarded-fetch.ts
 * needs from a platform. Node implements it in node-transport.ts; a browser
 * one can wrap the global fetch.
 */

export interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Aborted when the deadline passes; the transport must stop at once. */
  signal: AbortSignal;
  /** When false, the transport refuses names that resolve to private addresses (private_address). */
  allowPrivate: boolean;
}

export interface HopResponse {
  status: number;
  headers: Headers;
  /** The body, streamed, so the caller can stop at the size cap. */
  body: AsyncIterable<Uint8Array>;
  /** Drop the rest of the body and release the connection. */
  cancel(): void;
}

/**
 * Sends one request. Throws ChannelError for dns_error, private_address and
 * network_error; on abort it may throw anything (the caller maps it to timeout).
 */
export type Transport = (req: HopRequest) => Promise<HopResponse>;
