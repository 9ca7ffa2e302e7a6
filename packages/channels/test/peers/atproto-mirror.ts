// An untrusted PDS mirror for tests: an HTTP proxy on loopback in front of a
// real PDS that can rewrite the request URL (answer for another repo) or the
// CAR a `com.atproto.sync.getRecord` returns — flip the commit signature,
// alter a record block in place, or forge a record with a rebuilt MST and
// commit that keeps the old signature. The bluesky channel must catch each.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { concatBytes } from '@kez/core';
import { getBlock, readCar } from '../../src/bluesky/car.js';
import { asMap, decodeCbor, encodeCbor } from '../../src/bluesky/cbor.js';
import type { CborValue } from '../../src/bluesky/cbor.js';
import type { CID } from '../../src/bluesky/cid.js';
import { cidOf, encodeVarint } from '../../src/bluesky/cid.js';
import { lookupMst } from '../../src/bluesky/mst.js';

export interface AtprotoMirror {
  url: string;
  /** Applied to each request path+query before it is forwarded. */
  rewriteUrl: (pathAndQuery: string) => string;
  /** Applied to each getRecord CAR before it is returned. */
  rewriteCar: (car: Uint8Array) => Uint8Array;
  stop(): Promise<void>;
}

export async function startAtprotoMirror(pdsUrl: string): Promise<AtprotoMirror> {
  const mirror: AtprotoMirror = {
    url: '',
    rewriteUrl: (u) => u,
    rewriteCar: (c) => c,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const target = mirror.rewriteUrl(req.url ?? '/');
    fetch(`${pdsUrl}${target}`, { headers: { accept: req.headers.accept ?? '*/*' } })
      .then(async (r) => {
        let body = new Uint8Array(await r.arrayBuffer());
        if (r.status === 200 && target.includes('com.atproto.sync.getRecord'))
          body = mirror.rewriteCar(body);
        res.writeHead(r.status, {
          'content-type': r.headers.get('content-type') ?? 'application/octet-stream',
        });
        res.end(body);
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return mirror;
}

/** Write a CAR v1: root first; each block under the CID given (which may be a lie). */
export function writeCar(root: CID, blocks: [CID, Uint8Array][]): Uint8Array {
  const header = encodeCbor({ roots: [root], version: 1 });
  const parts = [encodeVarint(header.length), header];
  for (const [cid, b] of blocks)
    parts.push(encodeVarint(cid.bytes.length + b.length), cid.bytes, b);
  return concatBytes(...parts);
}

function blocksOf(car: Uint8Array): { root: CID; blocks: Map<string, [CID, Uint8Array]> } {
  const parsed = readCar(car);
  const blocks = new Map<string, [CID, Uint8Array]>();
  // readCar keys blocks by CID text; recover the CIDs from the DAG for writing.
  for (const [k, b] of parsed.blocks) blocks.set(k, [cidOf(b), b]);
  return { root: parsed.root, blocks };
}

function rewrite(
  car: Uint8Array,
  edit: (
    commit: { [k: string]: CborValue },
    put: (b: Uint8Array) => CID,
    get: (c: CID) => Uint8Array,
  ) => void,
): Uint8Array {
  const { root, blocks } = blocksOf(car);
  const parsed = readCar(car);
  const put = (b: Uint8Array) => {
    const cid = cidOf(b);
    blocks.set(cid.toString(), [cid, b]);
    return cid;
  };
  const get = (c: CID) => getBlock(parsed, c, 'block');
  const commit = asMap(decodeCbor(get(root)), 'commit');
  edit(commit, put, get);
  const newRoot = put(encodeCbor(commit));
  const rest = [...blocks.values()].filter(([c]) => !c.equals(newRoot));
  return writeCar(newRoot, [[newRoot, encodeCbor(commit)], ...rest]);
}

/** Flip one bit of the commit signature (the CAR stays well-formed). */
export function flipCommitSig(car: Uint8Array): Uint8Array {
  return rewrite(car, (commit) => {
    const sig = (commit.sig as Uint8Array).slice();
    sig[10]! ^= 1;
    commit.sig = sig;
  });
}

/** Change one byte of the block at `cid` but keep its CID (the hash no longer matches). */
export function alterBlockInPlace(car: Uint8Array, cid: CID): Uint8Array {
  const { root, blocks } = blocksOf(car);
  const entry = blocks.get(cid.toString());
  if (!entry) throw new Error('no such block');
  const b = entry[1].slice();
  b[b.length - 2]! ^= 0x01;
  blocks.set(cid.toString(), [cid, b]);
  const rootBlock = blocks.get(root.toString())!;
  return writeCar(root, [rootBlock, ...[...blocks.values()].filter(([c]) => !c.equals(root))]);
}

/**
 * Replace the record at `key` with `value`, re-hash the MST path and the
 * commit — everything a mirror can do without the account's signing key.
 */
export function forgeRecord(car: Uint8Array, key: string, value: CborValue): Uint8Array {
  return rewrite(car, (commit, put, get) => {
    const record = put(encodeCbor(value));
    const walk = (nodeCid: CID): CID => {
      const node = asMap(decodeCbor(get(nodeCid)), 'MST node');
      const entries = node.e as { [k: string]: CborValue }[];
      let prev = '';
      let next: { set: (c: CID) => void; cid: CID | null } = {
        set: (c) => (node.l = c),
        cid: node.l as CID | null,
      };
      for (const e of entries) {
        const k = prev.slice(0, e.p as number) + String.fromCharCode(...(e.k as Uint8Array));
        prev = k;
        if (k === key) {
          e.v = record;
          return put(encodeCbor(node));
        }
        if (k > key) break;
        next = { set: (c) => (e.t = c), cid: e.t as CID | null };
      }
      if (!next.cid) throw new Error(`${key} is not in the tree`);
      next.set(walk(next.cid));
      return put(encodeCbor(node));
    };
    commit.data = walk(commit.data as CID);
  });
}

/** The CID of the record at `key` in a getRecord CAR (for alterBlockInPlace). */
export function recordCid(car: Uint8Array, key: string): CID {
  const parsed = readCar(car);
  const commit = asMap(decodeCbor(getBlock(parsed, parsed.root, 'commit')), 'commit');
  const found = lookupMst(parsed, commit.data as CID, key);
  if (!found.found) throw new Error(`${key} not found`);
  return found.value;
}
