/**
 * @kez/core — the KEZ data model, JCS, signature suites, encodings and
 * verification results. No I/O: runs unchanged in Node and browsers.
 */
export * from './reasons.js';
export * from './errors.js';
export * from './result.js';
export { canonicalize, parseJson } from './jcs.js';
export type { Json } from './jcs.js';
export { toHex, fromHex, utf8, fromUtf8, equalBytes, randomBytes, concatBytes } from './bytes.js';
export * from './identity.js';
export * from './keys.js';
export * from './signing.js';
export * from './suites/index.js';
export * from './claim.js';
export * from './encodings/index.js';
export { inspectFrame, zstdDecompressBounded, zstdCompress } from './encodings/zstd-bounded.js';
export * from './secret-keys.js';
export * from './sigchain/index.js';
export { sha256, sha256Hex, useSha256 } from './hash.js';
export type { Sha256, Sha256Hex } from './hash.js';
