/**
 * NIP-01 as the tests need it, written here from the NIP: the event id (to
 * build tampered events), the SPEC §7.4 proof kind and tag, and a minimal
 * relay client over `ws` to publish and query.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import WebSocket from 'ws';

export interface NostrEvent {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  sig: string;
}

export const PROOF_KIND = 30078;
export const PROOF_D_TAG = 'kez-claim';

/** NIP-01: id = SHA-256 of the JSON array [0,pubkey,created_at,kind,tags,content]. */
export function nip01Id(e: Omit<NostrEvent, 'id' | 'sig'>): string {
  return bytesToHex(
    sha256(utf8ToBytes(JSON.stringify([0, e.pubkey, e.created_at, e.kind, e.tags, e.content]))),
  );
}

/** One connection to a relay: send messages, await the first reply that matches. */
export class RelayClient {
  private constructor(
    private ws: WebSocket,
    private inbox: unknown[][],
    private waiters: (() => void)[],
  ) {}

  static open(url: string): Promise<RelayClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const c = new RelayClient(ws, [], []);
      ws.on('message', (data) => {
        c.inbox.push(JSON.parse(String(data)) as unknown[]);
        for (const w of c.waiters.splice(0)) w();
      });
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  send(msg: unknown[]): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The first message (from now or already queued) that `pick` accepts; the raw text for fresh parses. */
  async next(pick: (m: unknown[]) => boolean, timeoutMs = 60_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pick);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`relay sent no matching message within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Publish: resolves with the relay's OK (or NOTICE) for this event. */
  async publish(e: NostrEvent): Promise<{ ok: boolean; message: string }> {
    this.send(['EVENT', e]);
    const m = await this.next((m) => (m[0] === 'OK' && m[1] === e.id) || m[0] === 'NOTICE');
    return m[0] === 'OK'
      ? { ok: m[2] === true, message: String(m[3] ?? '') }
      : { ok: false, message: `NOTICE ${String(m[1])}` };
  }

  /** REQ until EOSE; returns each event as the raw JSON text the relay sent. */
  async query(filter: Record<string, unknown>): Promise<string[]> {
    const sub = `q${Math.random().toString(36).slice(2, 8)}`;
    this.send(['REQ', sub, filter]);
    const events: string[] = [];
    for (;;) {
      const m = await this.next((m) => m[1] === sub && (m[0] === 'EVENT' || m[0] === 'EOSE'));
      if (m[0] === 'EOSE') break;
      events.push(JSON.stringify(m[2]));
    }
    this.send(['CLOSE', sub]);
    return events;
  }

  close(): void {
    this.ws.close();
  }
}
