/**
 * The chat's JetStream storage: one stream for room events, notices and DMs,
 * one KV bucket for rooms and memberships. Created when missing (idempotent,
 * so every chat-server instance may call it at start).
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { CHAT_STREAM, ROOMS_BUCKET, STREAM_SUBJECTS } from './subjects.js';

export interface ChatStorage {
  js: JetStreamClient;
  jsm: JetStreamManager;
  rooms: KV;
}

export interface StorageOptions {
  /** 1 on a single server, 3 on a cluster. */
  replicas: number;
  /** Oldest history kept, seconds (default 0: forever). */
  maxAgeSeconds?: number;
  /** Largest stream size, bytes (default 1 GiB; oldest events go first). */
  maxBytes?: number;
}

/**
 * @example const storage = await ensureChatStorage(nc, { replicas: 1 })
 */
export async function ensureChatStorage(
  nc: NatsConnection,
  opts: StorageOptions,
): Promise<ChatStorage> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: CHAT_STREAM,
    subjects: [...STREAM_SUBJECTS],
    num_replicas: opts.replicas,
    max_age: (opts.maxAgeSeconds ?? 0) * 1e9,
    max_bytes: opts.maxBytes ?? 1024 ** 3,
    max_msg_size: 64 * 1024,
    // Nats-Msg-Id dedupe window (chat clients do not set the header: an event is its own id).
    duplicate_window: 120 * 1e9,
  };
  try {
    await jsm.streams.info(CHAT_STREAM);
  } catch {
    await jsm.streams.add(config);
  }
  const js = jetstream(nc);
  const rooms = await new Kvm(js).create(ROOMS_BUCKET, { replicas: opts.replicas, history: 1 });
  return { js, jsm, rooms };
}
