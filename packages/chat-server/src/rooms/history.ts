/**
 * History pages from the chat stream. JetStream reads forward only, so a page
 * of the newest `limit` events before `before` is found by scanning a window
 * of stream sequences `[before - w, before)` through a filtered consumer and
 * widening the window (×4) until it holds enough — the filter runs in the
 * server, so the cost follows the room's own events, not the whole stream.
 * Each scan uses a short-lived ephemeral consumer with no acks, whose
 * num_pending says exactly how many messages to fetch.
 */
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { CHAT_STREAM } from '../subjects.js';

/** One stored event as the history API returns it. */
export interface StoredEvent {
  /** Stream sequence: the position and the paging cursor. */
  seq: number;
  subject: string;
  /** Unix milliseconds the server stored it. */
  time: number;
  /** The event's JSON text, exactly as published (receivers verify it). */
  data: string;
}

export interface HistoryPage {
  events: StoredEvent[];
  /** More events exist beyond this page (older for `before` pages, newer for `after` pages). */
  more: boolean;
}

export const MAX_PAGE = 100;
const td = new TextDecoder();

/** Scan `[start, end)` of the stream through `filters`, up to `cap` events from the start. */
async function scan(
  js: JetStreamClient,
  jsm: JetStreamManager,
  filters: string[],
  start: number,
  end: number,
  cap: number,
): Promise<StoredEvent[]> {
  const ci = await jsm.consumers.add(CHAT_STREAM, {
    filter_subjects: filters,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
    ack_policy: AckPolicy.None,
    mem_storage: true,
    inactive_threshold: 10_000_000_000, // 10 s, in ns: cleaned up even if we die mid-read
  });
  const out: StoredEvent[] = [];
  try {
    let pending = ci.num_pending;
    const consumer = js.consumers.getConsumerFromInfo(ci);
    while (pending > 0 && out.length < cap) {
      const batch = await consumer.fetch({
        max_messages: Math.min(pending, cap - out.length, 256),
        expires: 2000,
      });
      let got = 0;
      for await (const m of batch) {
        got++;
        pending = m.info.pending;
        if (m.seq >= end) {
          pending = 0;
          break;
        }
        out.push({
          seq: m.seq,
          subject: m.subject,
          time: m.time.getTime(),
          data: td.decode(m.data),
        });
        if (out.length >= cap) break;
      }
      if (got === 0) break;
    }
  } finally {
    await jsm.consumers.delete(CHAT_STREAM, ci.name).catch(() => false);
  }
  return out;
}

/**
 * The newest `limit` events matching `filters` with seq < `before` (default:
 * the end of the stream), oldest first.
 * @example await historyBefore(js, jsm, roomHistoryFilters('general'), { limit: 50 })
 */
export async function historyBefore(
  js: JetStreamClient,
  jsm: JetStreamManager,
  filters: string[],
  page: { before?: number; limit: number },
): Promise<HistoryPage> {
  const limit = Math.max(1, Math.min(page.limit, MAX_PAGE));
  const last = (await jsm.streams.info(CHAT_STREAM)).state.last_seq;
  const end = Math.min(page.before ?? last + 1, last + 1);
  let width = limit * 4;
  for (;;) {
    const start = Math.max(1, end - width);
    if (start >= end) return { events: [], more: false };
    const found = await scan(js, jsm, filters, start, end, Number.MAX_SAFE_INTEGER);
    if (found.length >= limit || start === 1)
      return {
        events: found.slice(-limit),
        more: found.length > limit || (start > 1 && found.length > 0),
      };
    width *= 4;
  }
}

/**
 * Up to `limit` events matching `filters` with seq > `after`, oldest first:
 * catching up after a reconnect.
 * @example await historyAfter(js, jsm, roomHistoryFilters('general'), { after: 120, limit: 100 })
 */
export async function historyAfter(
  js: JetStreamClient,
  jsm: JetStreamManager,
  filters: string[],
  page: { after: number; limit: number },
): Promise<HistoryPage> {
  const limit = Math.max(1, Math.min(page.limit, MAX_PAGE));
  const found = await scan(js, jsm, filters, page.after + 1, Number.MAX_SAFE_INTEGER, limit + 1);
  return { events: found.slice(0, limit), more: found.length > limit };
}
