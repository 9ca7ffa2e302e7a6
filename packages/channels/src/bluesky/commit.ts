/**
 * Check a `com.atproto.sync.getRecord` answer (SPEC §7.5 step 6): a CAR whose
 * root is the repo's signed commit, holding the MST path to one record.
 * The commit signature is ECDSA over SHA-256 of the DAG-CBOR of the commit
 * without `sig` (atproto repository spec, "Commit Objects"). Pure.
 */
import { asMap, decodeCbor, encodeCbor } from './cbor.js';
import type { CborValue } from './cbor.js';
import { getBlock, readCar } from './car.js';
import { CID } from './cid.js';
import { checkAtprotoSignature } from './did-key.js';
import type { AtprotoKey } from './did-key.js';
import { lookupMst } from './mst.js';

export interface RecordProof {
  /** The repo the commit belongs to (its `did` field). */
  did: string;
  rev: string;
  commit: CID;
  /** True when the commit signature verifies under the given key. */
  signed: boolean;
  /** The record at the key, or absent (proved by the MST walk). */
  record: { cid: CID; value: { [k: string]: CborValue } } | undefined;
}

/**
 * Read the CAR, check every block hash, the commit shape and signature, and
 * walk the MST to `key` (`<collection>/<rkey>`). Throws Error when the CAR or
 * the proof is broken (a `bad_response`); a wrong signature is reported in
 * `signed`, not thrown, because it says who published, not that the bytes broke.
 * The signature check and the MST walk overlap: the check runs on the
 * platform's primitive when one is installed (did-key.ts useEcdsaVerify).
 */
export async function verifyRecordProof(
  car: Uint8Array,
  key: string,
  signingKey: AtprotoKey,
): Promise<RecordProof> {
  const parsed = readCar(car);
  const commit = asMap(decodeCbor(getBlock(parsed, parsed.root, 'commit')), 'commit');
  if (typeof commit.did !== 'string') throw new Error('commit has no did');
  if (commit.version !== 3) throw new Error(`commit version ${String(commit.version)} is not 3`);
  if (!(commit.data instanceof CID)) throw new Error('commit data is not a CID');
  if (typeof commit.rev !== 'string') throw new Error('commit has no rev');
  if (!(commit.sig instanceof Uint8Array)) throw new Error('commit sig is not bytes');
  const { sig, ...unsigned } = commit;
  // Never rejects, so a throw below may leave it unawaited.
  const signature = checkAtprotoSignature(signingKey, encodeCbor(unsigned), sig);
  const found = lookupMst(parsed, commit.data, key);
  let record: RecordProof['record'];
  if (found.found)
    record = {
      cid: found.value,
      value: asMap(decodeCbor(getBlock(parsed, found.value, 'record')), 'record'),
    };
  return { did: commit.did, rev: commit.rev, commit: parsed.root, signed: await signature, record };
}
