/**
 * The Merkle tree against a naive RFC 6962 MTH, and its proofs against the
 * RFC 9162 verifiers, for every (index, size) and (m, n) up to 33 leaves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { MerkleTree } from './tree.js';

const leaves = Array.from({ length: 33 }, (_, i) =>
  hashLeaf(new TextEncoder().encode(`leaf ${i}`)),
);

/** RFC 6962 §2.1 MTH, literally. */
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return d[0]!;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return hashChildren(mth(d.slice(0, k)), mth(d.slice(k)));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('roots equal the naive MTH for every size 0..33', () => {
  const t = new MerkleTree();
  assert.equal(hex(t.root()), hex(EMPTY_ROOT));
  for (const l of leaves) t.append(l);
  for (let n = 0; n <= leaves.length; n++)
    assert.equal(hex(t.root(n)), hex(mth(leaves.slice(0, n))), `size ${n}`);
});

test('RFC 6962 known answer: the empty root is SHA-256 of nothing', () => {
  assert.equal(hex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('every inclusion proof verifies; a wrong leaf, index, size or root does not', () => {
  const t = new MerkleTree();
  for (const l of leaves) t.append(l);
  for (let n = 1; n <= leaves.length; n++) {
    const root = t.root(n);
    for (let i = 0; i < n; i++) {
      const p = t.inclusionProof(i, n);
      assert.ok(verifyInclusion(i, n, leaves[i]!, p, root), `${i}/${n}`);
      assert.ok(!verifyInclusion(i, n, leaves[(i + 1) % 33]!, p, root) || n === 1);
      if (n > 1)
        assert.ok(!verifyInclusion((i + 1) % n, n, leaves[i]!, p, root), `index ${i}/${n}`);
      if (n < 33)
        assert.ok(!verifyInclusion(i, n + 1, leaves[i]!, p, t.root(n + 1)), `size ${i}/${n}`);
      assert.ok(!verifyInclusion(i, n, leaves[i]!, p, t.root(n === 1 ? 2 : n - 1)));
    }
  }
});

test('every consistency proof verifies; swapped or truncated proofs do not', () => {
  const t = new MerkleTree();
  for (const l of leaves) t.append(l);
  for (let n = 1; n <= leaves.length; n++) {
    for (let m = 0; m <= n; m++) {
      const p = t.consistencyProof(m, n);
      assert.ok(verifyConsistency(m, n, p, t.root(m), t.root(n)), `${m}→${n}`);
      if (m > 0 && m < n) {
        assert.ok(!verifyConsistency(m, n, p, t.root(n), t.root(n)), `wrong old root ${m}→${n}`);
        assert.ok(!verifyConsistency(m, n, p.slice(1), t.root(m), t.root(n)) || p.length === 0);
        const other = new MerkleTree();
        for (const l of leaves.slice(0, n)) other.append(l === leaves[m - 1] ? leaves[32]! : l);
        assert.ok(
          !verifyConsistency(m, n, p, t.root(m), other.root(n)),
          `rewritten history ${m}→${n}`,
        );
      }
    }
  }
});
