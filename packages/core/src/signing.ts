/**
 * The signing input, with domain separation, used for everything KEZ signs
 * (SPEC §4.3): SHA-256( "KEZ-v0.2/" kind "\n" ‖ JCS(object without "sig") ).
 */
import { sha256, sha256Hex } from './hash.js';
import { utf8 } from './bytes.js';
import { canonicalize } from './jcs.js';

export const SIGNING_KINDS = [
  'claim',
  'event',
  'rotate-countersign',
  'chat-login',
  'chat-message',
] as const;
export type SigningKind = (typeof SIGNING_KINDS)[number];

export const DOMAIN_PREFIX = 'KEZ-v0.2/';

const prefixes = new Map<SigningKind, Uint8Array>(
  SIGNING_KINDS.map((k) => [k, utf8(`${DOMAIN_PREFIX}${k}\n`)]),
);

/** The exact bytes that are hashed: domain prefix followed by the JCS of `obj` minus the named fields. */
export function signingInput(
  kind: SigningKind,
  obj: object,
  omit: readonly string[] = ['sig'],
): Uint8Array {
  return signingInputOfJcs(kind, unsignedJcs(obj, omit));
}

/** JCS of `obj` without the named top-level fields. */
export function unsignedJcs(obj: object, omit: readonly string[] = ['sig']): string {
  return canonicalize(obj, omit);
}

const encoder = new TextEncoder();
// One scratch buffer for the digest path: the input is hashed right after it is
// written, with no await between, so no caller ever sees it. Grows as needed.
let scratch = new Uint8Array(4096);

const NO_PREFIX = new Uint8Array(0);

/** Write prefix ‖ UTF-8(jcs) into `into` (which must hold prefix + 3 × jcs.length bytes); returns the length. */
function writeInput(prefix: Uint8Array, jcs: string, into: Uint8Array): number {
  into.set(prefix);
  return prefix.length + encoder.encodeInto(jcs, into.subarray(prefix.length)).written;
}

/** prefix ‖ UTF-8(jcs) in the scratch buffer (grown when short): the bytes to hash at once. */
function inScratch(prefix: Uint8Array, jcs: string): Uint8Array {
  const need = prefix.length + jcs.length * 3;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  return scratch.subarray(0, writeInput(prefix, jcs, scratch));
}

/**
 * The signing input when the JCS of the unsigned object is already at hand.
 * `jcs` comes from `canonicalize`, so it has no lone surrogates.
 */
export function signingInputOfJcs(kind: SigningKind, jcs: string): Uint8Array {
  return inScratch(prefixes.get(kind)!, jcs).slice();
}

/**
 * The digest when the JCS of the unsigned object is already at hand (verifiers
 * canonicalize once). This runs once per signature a verifier checks, so it
 * allocates nothing but the digest.
 */
export function signingDigestOfJcs(kind: SigningKind, jcs: string): Uint8Array {
  return sha256(inScratch(prefixes.get(kind)!, jcs));
}

/** signingDigestOfJcs and the signing input's length, for size caps. */
export function digestAndLength(
  kind: SigningKind,
  jcs: string,
): { digest: Uint8Array; length: number } {
  const input = inScratch(prefixes.get(kind)!, jcs);
  return { digest: sha256(input), length: input.length };
}

/** Byte length of the domain prefix of `kind`: what `signingInputOfJcs` adds before the JCS. */
export function signingPrefixLength(kind: SigningKind): number {
  return prefixes.get(kind)!.length;
}

export function signingDigest(
  kind: SigningKind,
  obj: object,
  omit?: readonly string[],
): Uint8Array {
  return sha256(signingInput(kind, obj, omit));
}

/** Hex SHA-256 of the JCS of a whole object: claim ids and event ids (SPEC §5.3, §8.2). */
export function objectId(obj: object): string {
  return objectIdOfJcs(canonicalize(obj));
}

/** objectId when the JCS is at hand; encoded in the scratch buffer (ids are made per event). */
export function objectIdOfJcs(jcs: string): string {
  return sha256Hex(inScratch(NO_PREFIX, jcs));
}
