/**
 * The claim signing input rebuilt without @kez/core (SPEC §4.3): the prefix
 * bytes are copied from the SPEC table as hex, the JCS comes from the
 * `canonicalize` package, and the claim is a fresh JSON.parse of the text.
 * Runs in Node and in the browser page (hashing is left to the caller).
 */
import canonicalize from 'canonicalize';
import { fromHexStrict } from './ed25519-strict.js';

/** `KEZ-v0.2/claim\n`, as SPEC §4.3's table gives it. */
export const CLAIM_PREFIX_HEX = '4b455a2d76302e322f636c61696d0a';

export interface ClaimSigningParts {
  suite: string;
  // ArrayBuffer-backed: WebCrypto's types take no SharedArrayBuffer views.
  publicKey: Uint8Array<ArrayBuffer>;
  sig: Uint8Array<ArrayBuffer>;
  /** prefix ‖ JCS(claim without sig): hash this with SHA-256 to get the signed digest. */
  input: Uint8Array<ArrayBuffer>;
  /** JCS of the whole claim (what the json encoding must be, byte for byte). */
  jcs: string;
}

export function claimSigningParts(claimJson: string): ClaimSigningParts {
  const claim = JSON.parse(claimJson) as Record<string, unknown>;
  const { sig, ...unsigned } = claim;
  if (typeof sig !== 'string') throw new Error('claim has no "sig" string');
  if (typeof claim.key !== 'string') throw new Error('claim has no "key" string');
  const [suite, hex] = claim.key.split(':');
  const body = canonicalize(unsigned);
  const jcs = canonicalize(claim);
  if (body === undefined || jcs === undefined) throw new Error('claim does not canonicalize');
  const prefix = fromHexStrict(CLAIM_PREFIX_HEX, CLAIM_PREFIX_HEX.length / 2);
  const bodyBytes = new TextEncoder().encode(body);
  const input = new Uint8Array(prefix.length + bodyBytes.length);
  input.set(prefix);
  input.set(bodyBytes, prefix.length);
  return {
    suite: suite ?? '',
    publicKey: fromHexStrict(hex ?? '', 32),
    sig: fromHexStrict(sig, 64),
    input,
    jcs,
  };
}
