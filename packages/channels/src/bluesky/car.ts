/**
 * CAR v1 (IPLD Content Addressable aRchive): a DAG-CBOR header
 * `{version: 1, roots: [CID]}` and a run of `varint(len) ‖ CID ‖ block`
 * sections. Every block is checked against its CID while reading, so a
 * block that comes out of here is the block its CID names. Pure.
 */
import { asMap, decodeCbor } from './cbor.js';
import { CID, CODEC_DAG_CBOR, matchesCid, readCid, readVarint } from './cid.js';

export interface Car {
  root: CID;
  /** Blocks by CID text. */
  blocks: Map<string, Uint8Array>;
}

/** Read a CAR v1 file with exactly one root. Throws Error naming what is broken. */
export function readCar(bytes: Uint8Array): Car {
  const [hlen, hstart] = readVarint(bytes, 0);
  if (hstart + hlen > bytes.length) throw new Error('CAR header is truncated');
  const header = asMap(decodeCbor(bytes.subarray(hstart, hstart + hlen)), 'CAR header');
  if (header.version !== 1) throw new Error('CAR version is not 1');
  const roots = header.roots;
  if (!Array.isArray(roots) || roots.length !== 1 || !(roots[0] instanceof CID))
    throw new Error('CAR must have exactly one root CID');
  const blocks = new Map<string, Uint8Array>();
  let pos = hstart + hlen;
  while (pos < bytes.length) {
    const [len, start] = readVarint(bytes, pos);
    const end = start + len;
    if (end > bytes.length) throw new Error('CAR block is truncated');
    const [cid, dataStart] = readCid(bytes, start);
    if (dataStart > end) throw new Error('CAR block is shorter than its CID');
    const data = bytes.slice(dataStart, end);
    if (!matchesCid(cid, data)) throw new Error(`CAR block ${cid} does not hash to its CID`);
    blocks.set(cid.toString(), data);
    pos = end;
  }
  return { root: roots[0], blocks };
}

/** The block a CID names, or throw (a proof that leaves out a block it needs is broken). */
export function getBlock(car: Car, cid: CID, what: string): Uint8Array {
  if (cid.codec !== CODEC_DAG_CBOR) throw new Error(`${what} ${cid} is not dag-cbor`);
  const b = car.blocks.get(cid.toString());
  if (!b) throw new Error(`the CAR lacks ${what} ${cid}`);
  return b;
}
