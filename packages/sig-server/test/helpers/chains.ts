/** Build real, signed sigchains for the tests (core's createEvent/createClaim). */
import type { ChainEvent, EventFields, SuiteName } from '@kez/core';
import { createClaim, createEvent, formatKeyRef, getSuite, randomBytes, toHex } from '@kez/core';

export interface Signer {
  suite: SuiteName;
  sk: Uint8Array;
  /** Key ref. */
  key: string;
}

export const nowSec = () => Math.floor(Date.now() / 1000);

export function newSigner(suite: SuiteName = 'ed25519'): Signer {
  const s = getSuite(suite);
  const sk = s.generateSecretKey();
  return { suite, sk, key: formatKeyRef(suite, s.getPublicKey(sk)) };
}

/** A revoke of a random claim id: the cheapest valid event (one signature). */
export function revokeFields(): EventFields {
  return { op: 'revoke', target: toHex(randomBytes(32)) };
}

/** A chain being written: `next()` signs the event after the last one. */
export class ChainWriter {
  readonly events: ChainEvent[] = [];
  signer: Signer;
  constructor(
    readonly genesisKey: Signer = newSigner(),
    public now: number = nowSec(),
  ) {
    this.signer = genesisKey;
  }
  get chain(): string {
    return this.genesisKey.key;
  }
  get last(): ChainEvent | null {
    return this.events.at(-1) ?? null;
  }
  /** Sign the next event (default: a revoke) and keep it. */
  async next(fields: EventFields = revokeFields(), signer: Signer = this.signer) {
    const ev = await this.build(fields, this.last, signer);
    this.events.push(ev);
    if (fields.op === 'rotate') {
      const s = getSuite(fields.newSuite);
      this.signer = {
        suite: fields.newSuite,
        sk: fields.newSecretKey,
        key: formatKeyRef(fields.newSuite, s.getPublicKey(fields.newSecretKey)),
      };
    }
    return ev;
  }
  /** Sign an event after `prev` without keeping it (fork siblings, bad events). */
  build(
    fields: EventFields = revokeFields(),
    prev: ChainEvent | null = this.last,
    signer: Signer = this.signer,
  ) {
    return createEvent(prev, fields, signer.sk, signer.suite, this.now);
  }
  /** n more revoke events. */
  async extend(n: number): Promise<ChainEvent[]> {
    const out: ChainEvent[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next());
    return out;
  }
  /** An add event with a claim by the current signer. */
  async addClaim(subject = `dns:t${toHex(randomBytes(4))}.example`) {
    const claim = await createClaim({
      subject,
      suite: this.signer.suite,
      secretKey: this.signer.sk,
      now: this.now,
    });
    return this.next({ op: 'add', claim });
  }
}

/** JSONL of events in the given order. */
export function jsonl(events: readonly object[]): string {
  return events.map((e) => JSON.stringify(e) + '\n').join('');
}
