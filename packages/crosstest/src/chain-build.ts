/**
 * The sigchain both sides build and read with @kez/core (SPEC §8): four
 * events — add a claim, add a device, rotate to a new key (countersigned),
 * revoke the claim with the new key. The same code runs in Node (the runner)
 * and in Chromium (bundled into the page); what crosses between them is only
 * the JSONL bundle.
 */
import {
  claimId,
  createClaim,
  createEvent,
  exportBundle,
  formatKeyRef,
  getSuite,
  parseBundle,
  summarizeChain,
  validateChain,
} from '@kez/core';
import type { ChainSummary } from '@kez/core';
import type { SuiteName } from './browser/api.js';

export interface BuiltChain {
  bundle: string;
  chain: string;
  /** What a reader must find: the keys and the claim involved. */
  expect: { rotatedTo: string; device: string; claimId: string };
}

export async function buildChain(suite: SuiteName, now: number): Promise<BuiltChain> {
  const s = getSuite(suite);
  const [k1, k2, dev] = [s.generateSecretKey(), s.generateSecretKey(), s.generateSecretKey()];
  const device = formatKeyRef(suite, s.getPublicKey(dev));
  const claim = await createClaim({ subject: 'github:alice-kez', suite, secretKey: k1, now });
  const e1 = await createEvent(null, { op: 'add', claim }, k1, suite, now);
  const e2 = await createEvent(e1, { op: 'add_device', device, name: 'laptop' }, k1, suite, now);
  const e3 = await createEvent(
    e2,
    { op: 'rotate', newSecretKey: k2, newSuite: suite },
    k1,
    suite,
    now,
  );
  const e4 = await createEvent(
    e3,
    { op: 'revoke', target: claimId(claim), reason: 'moved' },
    k2,
    suite,
    now,
  );
  return {
    bundle: exportBundle([e1, e2, e3, e4]),
    chain: e1.chain,
    expect: { rotatedTo: formatKeyRef(suite, s.getPublicKey(k2)), device, claimId: claimId(claim) },
  };
}

export interface ReadChain {
  summary: ChainSummary;
  /** exportBundle of the authentic events: must equal the bundle read, byte for byte. */
  bundle: string;
}

export async function readChain(bundle: string, chain: string, now: number): Promise<ReadChain> {
  const state = await validateChain(parseBundle(bundle), { now, chain });
  return { summary: summarizeChain(state), bundle: exportBundle(state.events) };
}

/** Why a summary is not the state the built chain must reach, or undefined. */
export function chainProblem(s: ChainSummary, b: BuiltChain): string | undefined {
  if (s.end.kind !== 'complete') return `walk ended ${JSON.stringify(s.end)}, not complete`;
  if (s.head?.seq !== 4) return `head is ${JSON.stringify(s.head)}, not seq 4`;
  if (s.current !== b.expect.rotatedTo) return `current key ${s.current}, not the rotated-to key`;
  if (s.rotated.length !== 1 || s.rotated[0] !== b.chain)
    return `rotated ${JSON.stringify(s.rotated)}`;
  const d = s.devices[b.expect.device];
  if (!d || d.name !== 'laptop' || d.added !== 2 || d.revoked !== undefined)
    return `device ${JSON.stringify(s.devices)}`;
  if (s.live_claims.length !== 0) return `live claims ${JSON.stringify(s.live_claims)}`;
  if (s.revoked_claims.length !== 1 || s.revoked_claims[0] !== b.expect.claimId)
    return `revoked claims ${JSON.stringify(s.revoked_claims)}`;
  return undefined;
}
