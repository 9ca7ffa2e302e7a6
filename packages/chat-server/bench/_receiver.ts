/**
 * The receiving side of chat.bench.ts's latency test, in a worker thread so
 * that sender and receiver do not share an event loop (they are different
 * machines in real life). Latency = arrival − the send time carried in the
 * payload, both from performance.timeOrigin + performance.now().
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '@nats-io/transport-node';
import { ChatClient, createSigner } from '../src/index.js';

interface Job {
  mode: 'kez' | 'raw';
  url: string;
  n: number;
  room: string;
  suite: 'ed25519' | 'nostr';
  secretHex: string;
}

const job = workerData as Job;
const now = () => performance.timeOrigin + performance.now();
const lat: number[] = [];
let finish!: () => void;
const done = new Promise<void>((r) => (finish = r));
const arrived = (sentAt: number) => {
  lat.push(now() - sentAt);
  if (lat.length >= job.n) finish();
};

if (job.mode === 'raw') {
  const nc = await connect({ servers: job.url, user: 'bench', pass: 'bench' });
  const sub = nc.subscribe('bench.raw');
  void (async () => {
    for await (const m of sub) arrived(Number(m.string()));
  })();
  await nc.flush();
  parentPort!.postMessage({ ready: true });
  await Promise.race([done, new Promise((r) => setTimeout(r, job.n + 15_000))]);
  await nc.close();
} else {
  const signer = createSigner(job.suite, Uint8Array.from(Buffer.from(job.secretHex, 'hex')));
  const bob = await ChatClient.connect({ servers: job.url, signer });
  // Delivered = received, shape and subject checked, signature verified, sender's key bound.
  const w = bob.watch({ room: job.room }, (it) => {
    if (it.kind === 'event' && it.event.text?.startsWith('bench '))
      arrived(Number(it.event.text.split(' ')[2]));
  });
  await w.ready;
  parentPort!.postMessage({ ready: true });
  await Promise.race([done, new Promise((r) => setTimeout(r, job.n + 15_000))]);
  w.stop();
  await bob.close();
}
parentPort!.postMessage({ lat, lost: job.n - lat.length });
