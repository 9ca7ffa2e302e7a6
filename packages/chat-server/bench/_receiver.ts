/**
 * The receiving side of chat.bench.ts's latency test, in a worker thread so
 * that sender and receiver do not share an event loop (they are different
 * machines in real life). For message i it records when it arrived (before
 * any check) and, for kez-chat, when it had been checked; times are
 * performance.timeOrigin + performance.now(), comparable across threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  ChatClient,
  KeyBindings,
  createSigner,
  encodeChatEvent,
  generateSigner,
  roomEventSubject,
  roomWildcard,
  signChatEvent,
  toTimelineItem,
  userToken,
} from '../src/index.js';

interface Job {
  /** raw: plain NATS; kez: a logged-in member, arrivals only; kez-checked: every event checked too. */
  mode: 'kez' | 'kez-checked' | 'raw';
  url: string;
  n: number;
  room: string;
  suite: 'ed25519' | 'nostr';
  secretHex: string;
}

const job = workerData as Job;
const now = () => performance.timeOrigin + performance.now();
const arrived = new Float64Array(job.n).fill(NaN);
const checked = new Float64Array(job.n).fill(NaN);
let count = 0;
let finish!: () => void;
const done = new Promise<void>((r) => (finish = r));
const INDEX = /"text":"bench (\d+)"/;

let nc: NatsConnection;
let bob: ChatClient | undefined;
if (job.mode === 'raw') {
  nc = await connect({ servers: job.url, user: 'bench', pass: 'bench' });
  const sub = nc.subscribe('bench.raw');
  void (async () => {
    for await (const m of sub) {
      arrived[Number(m.string())] = now();
      if (++count >= job.n) finish();
    }
  })();
} else {
  const signer = createSigner(job.suite, Uint8Array.from(Buffer.from(job.secretHex, 'hex')));
  bob = await ChatClient.connect({ servers: job.url, signer });
  nc = bob.nc;
  if (job.mode === 'kez') {
    // Arrival: the raw bytes, before any check.
    const raw = nc.subscribe(roomWildcard(job.room));
    void (async () => {
      for await (const m of raw) {
        const i = INDEX.exec(m.string())?.[1];
        if (i === undefined) continue;
        arrived[Number(i)] = now();
        if (++count >= job.n) finish();
      }
    })();
  } else
    // Checked: shape and subject, signature, the sender's key bound — what a reader sees.
    bob.watch({ room: job.room }, (it) => {
      if (it.kind !== 'event' || !it.event.text?.startsWith('bench ')) return;
      const i = Number(it.event.text.slice(6));
      arrived[i] = checked[i] = now();
      if (++count >= job.n) finish();
    });
}
if (job.mode === 'kez-checked') {
  // A fresh worker runs cold code: check a few thousand local events first,
  // so the round measures the steady state, not the JIT warming up.
  const w = generateSigner('ed25519');
  const subject = roomEventSubject(job.room, userToken(w.key));
  const bindings = new KeyBindings();
  for (let i = 0; i < 3000; i++) {
    const e = signChatEvent(
      w,
      w.key,
      { room: job.room },
      { op: 'message', text: `warm ${i}` },
      Date.now(),
    );
    await toTimelineItem(subject, encodeChatEvent(e), bindings, Math.floor(Date.now() / 1000));
  }
}
await nc.flush();
parentPort!.postMessage({ ready: true });
await Promise.race([done, new Promise((r) => setTimeout(r, job.n + 15_000))]);
parentPort!.postMessage({ arrived, checked });
await (bob ? bob.close() : nc.close());
