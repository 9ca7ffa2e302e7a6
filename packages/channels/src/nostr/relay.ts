/**
 * A minimal NIP-01 relay client over an injected WebSocket: one REQ collected
 * until EOSE (or the deadline), or one EVENT answered by OK. Each relay
 * message is parsed fresh with core's strict parser, so an event object is
 * never shared with another library's cache (SPEC §7.4).
 */
import { KezError, parseJson, randomBytes, toHex } from '@kez/core';
import type { ReasonCode } from '@kez/core';
import type { WebSocketConstructor, WebSocketLike } from '../types.js';

export type Filter = Record<string, unknown>;

export interface RelayOptions {
  webSocket: WebSocketConstructor;
  /** Whole exchange: connect, send, wait for EOSE/OK (SPEC §7.1.1: 10 s). */
  timeoutMs: number;
  /** Largest relay message looked at; bigger ones are dropped (SPEC §6.6: 64 KiB documents). */
  maxMessageBytes: number;
  /** Most events kept from one relay. */
  maxEvents: number;
}

export interface RelayQuery {
  relay: string;
  /** True when the relay sent EOSE: what it holds was all sent. */
  complete: boolean;
  /** Each EVENT's event object, freshly parsed; not yet checked. */
  events: unknown[];
  /** Set when the relay could not be asked (no EOSE). */
  failure?: { reason: ReasonCode; detail: string };
  /** NOTICE / CLOSED texts, for evidence. */
  notices: string[];
}

export interface RelayPublish {
  relay: string;
  ok: boolean;
  message: string;
}

/** A KezError's own code (e.g. private_address from the Node socket guard), else network_error. */
function codeOf(e: unknown): ReasonCode {
  return e instanceof KezError ? e.code : 'network_error';
}

interface Session {
  send(msg: unknown[]): void;
  close(): void;
}

/**
 * Open a socket, call `onOpen`, feed each parsed message array to `onMessage`
 * until it returns true (done), the socket fails or the deadline passes.
 * Resolves with why it ended; never rejects.
 */
function session(
  url: string,
  opts: RelayOptions,
  onOpen: (s: Session) => void,
  onMessage: (msg: unknown[], s: Session) => boolean,
): Promise<{ done: true } | { done: false; reason: ReasonCode; detail: string }> {
  return new Promise((resolve) => {
    let ws: WebSocketLike;
    let settled = false;
    const s: Session = {
      send: (msg) => ws.send(JSON.stringify(msg)),
      close: () => {
        try {
          ws.close();
        } catch {
          // already closed
        }
      },
    };
    const finish = (r: { done: true } | { done: false; reason: ReasonCode; detail: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      s.close();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        finish({
          done: false,
          reason: 'timeout',
          detail: `${url} did not answer within ${opts.timeoutMs} ms`,
        }),
      opts.timeoutMs,
    );
    try {
      ws = new opts.webSocket(url);
    } catch (e) {
      settled = true;
      clearTimeout(timer);
      resolve({ done: false, reason: codeOf(e), detail: `${url}: ${(e as Error).message}` });
      return;
    }
    ws.onopen = () => {
      try {
        onOpen(s);
      } catch (e) {
        finish({ done: false, reason: 'network_error', detail: `${url}: ${(e as Error).message}` });
      }
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string' || ev.data.length > opts.maxMessageBytes) return;
      let msg: unknown;
      try {
        msg = parseJson(ev.data);
      } catch {
        return; // junk from a relay is ignored, not fatal
      }
      if (Array.isArray(msg) && onMessage(msg, s)) finish({ done: true });
    };
    ws.onerror = (ev) => {
      // `ws` passes an ErrorEvent with the cause; browsers pass a bare Event.
      const { message, error } = ev as { message?: unknown; error?: unknown };
      finish({
        done: false,
        reason: codeOf(error),
        detail: `${url}: ${typeof message === 'string' && message ? message : 'connection failed'}`,
      });
    };
    ws.onclose = () =>
      finish({ done: false, reason: 'network_error', detail: `${url} closed the connection` });
  });
}

/**
 * Send `["REQ", sub, ...filters]` and collect EVENTs for that subscription
 * until EOSE (or CLOSED, or the deadline). Never rejects.
 *
 * @example
 * const r = await queryRelay('wss://relay.example', [{ kinds: [30078], authors: [hex] }], opts);
 */
export async function queryRelay(
  url: string,
  filters: Filter[],
  opts: RelayOptions,
): Promise<RelayQuery> {
  const sub = 'kez-' + toHex(randomBytes(6));
  const out: RelayQuery = { relay: url, complete: false, events: [], notices: [] };
  const end = await session(
    url,
    opts,
    (s) => s.send(['REQ', sub, ...filters]),
    (msg, s) => {
      const [type, id] = msg;
      if (type === 'NOTICE' && typeof id === 'string') out.notices.push(id.slice(0, 300));
      if (id !== sub) return false;
      if (type === 'EVENT' && out.events.length < opts.maxEvents) out.events.push(msg[2]);
      if (type === 'EOSE') {
        out.complete = true;
        s.send(['CLOSE', sub]);
        return true;
      }
      if (type === 'CLOSED') {
        out.notices.push(String(msg[2] ?? '').slice(0, 300));
        return true;
      }
      return false;
    },
  );
  if (!out.complete) {
    out.failure = end.done
      ? {
          reason: 'bad_response',
          detail: `${url} closed the subscription: ${out.notices.at(-1) ?? ''}`,
        }
      : { reason: end.reason, detail: end.detail };
  }
  return out;
}

/**
 * Send `["EVENT", event]` and wait for the relay's `["OK", id, accepted, message]`.
 * Never rejects.
 */
export async function publishToRelay(
  url: string,
  event: { id: string },
  opts: RelayOptions,
): Promise<RelayPublish> {
  let answer: RelayPublish | undefined;
  const end = await session(
    url,
    opts,
    (s) => s.send(['EVENT', event]),
    (msg) => {
      if (msg[0] !== 'OK' || msg[1] !== event.id) return false;
      answer = {
        relay: url,
        ok: msg[2] === true,
        message: typeof msg[3] === 'string' ? msg[3] : '',
      };
      return true;
    },
  );
  if (answer) return answer;
  return { relay: url, ok: false, message: end.done ? 'no OK' : end.detail };
}
