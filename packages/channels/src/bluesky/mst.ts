/**
 * Walk an AT Protocol Merkle Search Tree (atproto repository spec, "MST
 * structure") from its root to one key, using only the blocks of a CAR.
 * Node: `{l: CID|null, e: [{p: prefix length, k: key suffix bytes, v: record
 * CID, t: right subtree CID|null}]}`; keys ascend within a node and each key
 * is the previous key's first `p` bytes followed by `k`. Pure.
 */
import { asMap, decodeCbor } from './cbor.js';
import type { CborValue } from './cbor.js';
import { CID } from './cid.js';
import { getBlock } from './car.js';
import type { Car } from './car.js';

export type MstLookup = { found: true; value: CID } | { found: false };

const MAX_HEIGHT = 64;

function cidOrNull(v: CborValue | undefined, what: string): CID | null {
  if (v === null) return null;
  if (v instanceof CID) return v;
  throw new Error(`MST ${what} is not a CID or null`);
}

interface Entry {
  key: string;
  value: CID;
  right: CID | null;
}

function readNode(block: Uint8Array): { left: CID | null; entries: Entry[] } {
  const node = asMap(decodeCbor(block), 'MST node');
  const left = cidOrNull(node.l, 'l');
  if (!Array.isArray(node.e)) throw new Error('MST node has no entry list');
  const entries: Entry[] = [];
  let prev = '';
  for (const raw of node.e) {
    const e = asMap(raw, 'MST entry');
    if (typeof e.p !== 'number' || e.p < 0 || e.p > prev.length)
      throw new Error('MST entry prefix length is out of range');
    if (!(e.k instanceof Uint8Array)) throw new Error('MST entry key is not bytes');
    if (!(e.v instanceof CID)) throw new Error('MST entry value is not a CID');
    // Keys are ASCII (collection/rkey), so bytes and UTF-16 units compare the same.
    const key = prev.slice(0, e.p) + String.fromCharCode(...e.k);
    if (prev !== '' && key <= prev) throw new Error('MST keys are not in ascending order');
    entries.push({ key, value: e.v, right: cidOrNull(e.t, 't') });
    prev = key;
  }
  return { left, entries };
}

/**
 * Find `key` in the tree rooted at `root`. `found: false` is a proof of
 * absence: the walk reached the place the key would be and it is not there.
 * Throws when a node the walk needs is missing or malformed.
 */
export function lookupMst(car: Car, root: CID, key: string): MstLookup {
  let cid: CID | null = root;
  for (let depth = 0; cid && depth < MAX_HEIGHT; depth++) {
    const { left, entries } = readNode(getBlock(car, cid, 'MST node'));
    let next: CID | null = left;
    for (const e of entries) {
      if (e.key === key) return { found: true, value: e.value };
      if (e.key > key) break;
      next = e.right;
    }
    cid = next;
  }
  if (cid) throw new Error('MST deeper than any real repository');
  return { found: false };
}
