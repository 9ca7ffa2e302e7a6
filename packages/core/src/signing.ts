/**
 * The signing input, with domain separation, used for everything KEZ signs
 * (SPEC §4.3): SHA-256( "KEZ-v0.2/" kind "\n" ‖ JCS(object without "sig") ).
 */
import { sha256 } from './hash.js';
import { concatBytes, utf8 } from './bytes.js';
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
  return concatBytes(prefixes.get(kind)!, utf8(unsignedJcs(obj, omit)));
}

/** JCS of `obj` without the named fields. */
export function unsignedJcs(obj: object, omit: readonly string[] = ['sig']): string {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!omit.includes(k)) copy[k] = v;
  return canonicalize(copy);
}

/** The digest when the JCS of the unsigned object is already at hand (verifiers canonicalize once). */
export function signingDigestOfJcs(kind: SigningKind, jcs: string): Uint8Array {
  return sha256(concatBytes(prefixes.get(kind)!, utf8(jcs)));
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
  return toHexDigest(sha256(utf8(canonicalize(obj))));
}

function toHexDigest(d: Uint8Array): string {
  let s = '';
  for (const x of d) s += x.toString(16).padStart(2, '0');
  return s;
}
