/**
 * The Bluesky / AT Protocol channel (SPEC §7.5): the proof is the
 * `dev.kez.proof/self` record, checked against the repo's signed commit.
 */
import type { ChannelPlugin } from '../types.js';
import { fetchBlueskyProof } from './fetch.js';
import { publishBlueskyProof } from './publish.js';

export const blueskyPlugin: ChannelPlugin = {
  name: 'bluesky',
  fetchProofs: fetchBlueskyProof,
  publish: publishBlueskyProof,
};

export { fetchBlueskyProof, resolveAccount } from './fetch.js';
export { publishBlueskyProof, proofRecord } from './publish.js';
export { verifyRecordProof } from './commit.js';
export type { RecordProof } from './commit.js';
export { readCar } from './car.js';
export type { Car } from './car.js';
export { decodeCbor, encodeCbor } from './cbor.js';
export type { CborValue } from './cbor.js';
export { CID, cidOf } from './cid.js';
export {
  checkAtprotoSignature,
  parseAtprotoKey,
  useEcdsaVerify,
  verifyAtprotoSignature,
} from './did-key.js';
export type { AtprotoKey, EcdsaVerify } from './did-key.js';
export { lookupMst } from './mst.js';
export { parseDidDocument, didsFromTxt } from './match.js';
export { PROOF_COLLECTION, PROOF_RKEY, DEFAULT_HANDLE_URL } from './locate.js';
