/**
 * An append-only Merkle tree in memory (RFC 6962 §2.1): the hashes of every
 * complete, aligned subtree are kept per level in flat buffers (32 bytes a
 * slot; 2 × 32 bytes per leaf in all), so the root of any earlier size and
 * the inclusion and consistency proofs (PATH and PROOF of RFC 6962 §2.1.1–2)
 * take O(log² n) hashing.
 */
import { EMPTY_ROOT, HASH_SIZE, hashChildren } from './merkle.js';

/** A growable array of 32-byte hashes. */
class HashArray {
  #buf = new Uint8Array(HASH_SIZE * 64);
  length = 0;
  push(h: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.#buf.length) {
      const next = new Uint8Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf.set(h, this.length * HASH_SIZE);
    this.length++;
  }
  get(i: number): Uint8Array {
    return this.#buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/** Largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class MerkleTree {
  /** levels[l][i] = hash of leaves [i·2^l, (i+1)·2^l). */
  readonly #levels: HashArray[] = [new HashArray()];

  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Add a leaf by its leaf hash (RFC 6962: SHA-256(0x00 ‖ data)). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError('"leafHash" expected 32 bytes');
    this.#levels[0]!.push(leafHash);
    for (let l = 0; ; l++) {
      const level = this.#levels[l]!;
      if (level.length % 2 !== 0) break;
      const parent = (this.#levels[l + 1] ??= new HashArray());
      parent.push(hashChildren(level.get(level.length - 2), level.get(level.length - 1)));
    }
  }

  /** MTH(D[a:b]) of leaves a ≤ i < b (b > a). */
  #range(a: number, b: number): Uint8Array {
    const n = b - a;
    if ((n & (n - 1)) === 0 && a % n === 0) return this.#levels[Math.log2(n)]!.get(a / n);
    const k = splitPoint(n);
    return hashChildren(this.#range(a, a + k), this.#range(a + k, b));
  }

  #check(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`tree size ${size} is not in 0..${this.size}`);
  }

  /** Root hash of the first `size` leaves (default: all). */
  root(size = this.size): Uint8Array {
    this.#check(size);
    return size === 0 ? EMPTY_ROOT : this.#range(0, size);
  }

  /** RFC 6962 §2.1.1 PATH(index, D[size]): the audit path of a leaf. */
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    this.#check(size);
    if (!(Number.isSafeInteger(index) && index >= 0 && index < size))
      throw new RangeError(`leaf ${index} is not in 0..${size - 1}`);
    const out: Uint8Array[] = [];
    const path = (m: number, a: number, b: number) => {
      if (b - a === 1) return;
      const k = splitPoint(b - a);
      if (m < k) {
        path(m, a, a + k);
        out.push(this.#range(a + k, b));
      } else {
        path(m - k, a + k, b);
        out.push(this.#range(a, a + k));
      }
    };
    path(index, 0, size);
    return out;
  }

  /** RFC 6962 §2.1.2 PROOF(m, D[n]): the tree of m leaves is a prefix of the tree of n. */
  consistencyProof(m: number, n = this.size): Uint8Array[] {
    this.#check(n);
    if (!(Number.isSafeInteger(m) && m >= 0 && m <= n))
      throw new RangeError(`tree size ${m} is not in 0..${n}`);
    const out: Uint8Array[] = [];
    if (m === 0 || m === n) return out;
    const sub = (mm: number, a: number, b: number, fromOld: boolean) => {
      const len = b - a;
      if (mm === len) {
        if (!fromOld) out.push(this.#range(a, b));
        return;
      }
      const k = splitPoint(len);
      if (mm <= k) {
        sub(mm, a, a + k, fromOld);
        out.push(this.#range(a + k, b));
      } else {
        sub(mm - k, a + k, b, false);
        out.push(this.#range(a, a + k));
      }
    };
    sub(m, 0, n, true);
    return out;
  }
}
