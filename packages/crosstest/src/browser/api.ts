/** What the crosstest page exposes to the runner (window.kezCore, window.kezIndep). Types only. */
import type { BuiltChain, ReadChain } from '../chain-build.js';

export type SuiteName = 'nostr' | 'ed25519';
export type EncodingName = 'json' | 'compact' | 'markdown' | 'dns';

export interface MadeClaim {
  encoded: string;
  id: string;
  key: string;
  subject: string;
  /** The test key's secret, hex: lets the runner sign a nostr proof event for it. */
  secretKeyHex: string;
}

export interface CheckedClaim {
  status: string;
  reason: string;
  detail?: string;
  encoding?: string;
  id?: string;
  subject?: string;
  key?: string;
  /** encodeClaim(decoded claim, same encoding): equals the input when the round trip is byte-exact. */
  reencoded?: string;
}

/** A SPEC §12.2 sigchain vector as the page needs it. */
export interface SigchainVectorInput {
  now: number;
  chain: string;
  events: string[];
  claims?: string[];
}

export interface SigchainVectorOutput {
  state: unknown;
  unapplied: { seq: number; id: string; why: string }[];
  dropped: { index: number; why: string }[];
  claims: { claim_id: string; status: string; reason: string; listed: boolean }[];
  bundle: string;
}

/** @kez/core running in the page. */
export interface CorePageApi {
  makeClaim(
    suite: SuiteName,
    subject: string,
    encoding: EncodingName,
    now: number,
  ): Promise<MadeClaim>;
  checkClaimText(
    text: string,
    opts: { subject: string; key: string; now: number },
  ): Promise<CheckedClaim>;
  /** core.canonicalize(JSON.parse(text)): JCS alone (SPEC §12.4). */
  canonicalizeJson(text: string): string;
  /** core.canonicalize(core.parseJson(text)): the strict parser first. */
  canonicalizeStrict(text: string): string;
  /** Build the four-event chain of chain-build.ts in the page. */
  buildChain(suite: SuiteName, now: number): Promise<BuiltChain>;
  /** Read a bundle, show the state on the page, and re-export the authentic events. */
  readChain(bundle: string, chain: string, now: number): Promise<ReadChain & { shown: string }>;
  /** Process one sigchain vector (SPEC §12.2) as core's own vector test does. */
  runSigchainVector(v: SigchainVectorInput): Promise<SigchainVectorOutput>;
  /** Show a value on the page (the #out element) and return the text shown. */
  show(title: string, value: unknown): string;
}

/** Independent code in the page: the canonicalize package and WebCrypto, no @kez/core. */
export interface IndepPageApi {
  canonicalize(text: string): string;
  /** Verify an ed25519 claim (json text) with the strict pre-checks then crypto.subtle. */
  webcryptoEd25519(claimJson: string): Promise<{ ok: boolean; why?: string }>;
}

declare global {
  interface Window {
    kezCore?: CorePageApi;
    kezIndep?: IndepPageApi;
  }
}
