/**
 * The ed25519 strictness rules of SPEC §3.3, written here from the RFC and not
 * taken from @kez/core, so WebCrypto and OpenSSL can be run on KEZ claims as
 * independent verifiers: canonical S (< L), canonical A and R encodings
 * (y < p), and neither A nor R one of the eight small-order points. Plain
 * BigInt and byte compares; runs in Node and in the browser page.
 */

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Canonical encodings of the small-order points (y = 1, p − 1, 0 and the four of order 8). */
const SMALL_ORDER_Y_HEX = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
];

function leToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The point encoding with its sign bit cleared, as hex. */
function yHex(point: Uint8Array): string {
  const y = point.slice();
  y[31] = y[31]! & 0x7f;
  return hexOf(y);
}

/** Why an (A, signature) pair fails the strict rules, or undefined when it passes. */
export function ed25519StrictProblem(publicKey: Uint8Array, sig: Uint8Array): string | undefined {
  if (publicKey.length !== 32) return 'public key is not 32 bytes';
  if (sig.length !== 64) return 'signature is not 64 bytes';
  const R = sig.subarray(0, 32);
  const S = leToBigInt(sig.subarray(32));
  if (S >= L) return 'S is not canonical (S >= L)';
  for (const [what, pt] of [
    ['A', publicKey],
    ['R', R],
  ] as const) {
    if (leToBigInt(pt.slice(0, 31)) + (BigInt(pt[31]! & 0x7f) << 248n) >= P)
      return `${what} is not a canonical encoding (y >= p)`;
    if (SMALL_ORDER_Y_HEX.includes(yHex(pt))) return `${what} is a small-order point`;
  }
  return undefined;
}

export function fromHexStrict(s: string, bytes: number): Uint8Array<ArrayBuffer> {
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(s))
    throw new Error(`expected ${bytes} bytes of lowercase hex`);
  return Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));
}
