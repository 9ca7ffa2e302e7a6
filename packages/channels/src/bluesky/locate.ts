/**
 * Where the proof of `bluesky:<handle|did>` lives (SPEC §7.5), from the
 * identity and the config alone: the names and URLs of each step. Pure.
 */
import type { ChannelConfig } from '../config.js';

/** SPEC §7.5: the KEZ proof record. */
export const PROOF_COLLECTION = 'dev.kez.proof';
export const PROOF_RKEY = 'self';
/** The post fallback (SPEC §7.5 step 8). */
export const POST_COLLECTION = 'app.bsky.feed.post';
export const POST_SCAN_LIMIT = 50;
/** Posts holding a compact claim that are fetched with their proof. */
export const MAX_POST_PROOFS = 5;
/** SPEC §7.1.1: API JSON and CAR files are capped at 1 MiB. */
export const MAX_API_BYTES = 1024 * 1024;

/** Default handle → DID HTTPS route (atproto handle spec). */
export const DEFAULT_HANDLE_URL = 'https://{handle}/.well-known/atproto-did';

/** The endpoints of the Bluesky steps, from ChannelConfig (a deployment or a loopback test can move each). */
export interface BlueskyEndpoints {
  plcDirectory: string;
  /** Read from this PDS (or mirror) instead of the DID document's; the commit signature still binds. */
  pds?: string;
  /** Handle → DID over HTTPS; `{handle}` is replaced. */
  handleUrl: string;
}

export function blueskyEndpoints(config: ChannelConfig): BlueskyEndpoints {
  const out: BlueskyEndpoints = {
    plcDirectory: config.plcDirectory.replace(/\/+$/, ''),
    handleUrl: config.atprotoHandleUrl ?? DEFAULT_HANDLE_URL,
  };
  if (config.bskyPds) out.pds = config.bskyPds.replace(/\/+$/, '');
  return out;
}

/** DNS name of the handle's TXT record. */
export function handleTxtName(handle: string): string {
  return `_atproto.${handle}`;
}

export function handleWellKnownUrl(handle: string, ep: BlueskyEndpoints): string {
  return ep.handleUrl.replaceAll('{handle}', handle);
}

/** did:plc → the PLC directory; did:web:<host> → `https://<host>/.well-known/did.json`. */
export function didDocumentUrl(did: string, ep: BlueskyEndpoints): string {
  if (did.startsWith('did:plc:')) return `${ep.plcDirectory}/${did}`;
  if (did.startsWith('did:web:')) return `https://${did.slice(8)}/.well-known/did.json`;
  throw new Error(`unsupported DID method: ${did}`);
}

function xrpc(pds: string, method: string, params: Record<string, string>): string {
  return `${pds.replace(/\/+$/, '')}/xrpc/${method}?${new URLSearchParams(params)}`;
}

/** The record with its proof: a CAR with the signed commit and the MST path. */
export function getRecordUrl(pds: string, did: string, collection: string, rkey: string): string {
  return xrpc(pds, 'com.atproto.sync.getRecord', { did, collection, rkey });
}

export function listPostsUrl(pds: string, did: string): string {
  return xrpc(pds, 'com.atproto.repo.listRecords', {
    repo: did,
    collection: POST_COLLECTION,
    limit: String(POST_SCAN_LIMIT),
  });
}

/** `at://` URI of a record, used as the proof's location. */
export function recordUri(did: string, collection: string, rkey: string): string {
  return `at://${did}/${collection}/${rkey}`;
}
