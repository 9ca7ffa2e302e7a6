/** The claim (SPEC §5): build, sign, parse strictly, and check. */
import { fromHex, toHex } from './bytes.js';
import { InputError, KezError } from './errors.js';
import { normalizeIdentity, parseIdentity } from './identity.js';
import { canonicalize } from './jcs.js';
import type { Json } from './jcs.js';
import { formatKeyRef, parseKeyRef, sharedKeyRef } from './keys.js';
import type { KeyRef } from './keys.js';
import { REASONS } from './reasons.js';
import { verdict } from './result.js';
import type { Verdict } from './result.js';
import { objectId, signingDigest, digestAndLength, signingPrefixLength } from './signing.js';
import { getSuite } from './suites/index.js';
import type { SuiteName } from './suites/index.js';

export const KEZ_VERSION = '0.2';
/** SPEC §5.2: the JCS of a claim is at most 8 KiB. */
export const MAX_CLAIM_BYTES = 8192;
/** SPEC §9.4: a claim may be dated up to 300 s ahead of the verifier's clock. */
export const CLOCK_SKEW_SECONDS = 300;

export interface Claim {
  kez: '0.2';
  type: 'claim';
  subject: string;
  key: string;
  created_at: number;
  expires_at?: number;
  primary?: string;
  ext?: { [k: string]: Json };
  sig: string;
}

const FIELDS = new Set([
  'kez',
  'type',
  'subject',
  'key',
  'created_at',
  'expires_at',
  'primary',
  'ext',
  'sig',
]);

function isTimestamp(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Check that a parsed JSON value is a well-formed claim (SPEC §5.1): every
 * required field, right types, no unknown fields, normalized subject, valid key.
 * Throws InputError naming the first problem.
 */
export function parseClaim(value: unknown): Claim {
  return parseClaimParts(value).claim;
}

/** A checked claim with what verifying it needs, each made once. */
export interface ClaimParts {
  claim: Claim;
  /** Shared with core's key cache: read it, never change its bytes. */
  key: Readonly<KeyRef>;
  sig: Uint8Array;
  /** Digest of the signing input (SPEC §4.3): the JCS without "sig" is made once, for the size cap and the signature. */
  digest: Uint8Array;
}

// `,"sig":"<128 hex>"` — what the signature adds to the JCS length.
const SIG_JCS_BYTES = 1 + 6 + 130;
const CLAIM_PREFIX_BYTES = signingPrefixLength('claim');

/**
 * parseClaim, also returning the parsed key, the signature bytes and the
 * signing digest (a sigchain reads the claims it carries this way).
 */
export function parseClaimParts(value: unknown): ClaimParts {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('claim must be a JSON object');
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!FIELDS.has(k))
      throw new InputError(
        `claim has an unknown field "${k.slice(0, 40)}" (extensions go in "ext")`,
      );
  }
  if (o.kez !== KEZ_VERSION) throw new InputError(`claim "kez" must be "${KEZ_VERSION}"`);
  if (o.type !== 'claim') throw new InputError('claim "type" must be "claim"');
  if (typeof o.subject !== 'string') throw new InputError('claim "subject" must be a string');
  const subject = normalizeIdentity(o.subject);
  if (subject !== o.subject)
    throw new InputError(`claim "subject" is not normalized (expected "${subject}")`);
  if (typeof o.key !== 'string') throw new InputError('claim "key" must be a string');
  const key = sharedKeyRef(o.key);
  if (key.text !== o.key)
    throw new InputError('claim "key" must be in canonical form <suite>:<lowercase hex>');
  if (!isTimestamp(o.created_at))
    throw new InputError('claim "created_at" must be a non-negative integer (unix seconds)');
  if (o.expires_at !== undefined) {
    if (!isTimestamp(o.expires_at))
      throw new InputError('claim "expires_at" must be a non-negative integer (unix seconds)');
    if (o.expires_at <= o.created_at)
      throw new InputError('claim "expires_at" must be after "created_at"');
  }
  if (o.primary !== undefined) {
    if (typeof o.primary !== 'string') throw new InputError('claim "primary" must be a string');
    if (parseKeyRef(o.primary).text !== o.primary)
      throw new InputError('claim "primary" must be a canonical key ref');
    if (o.primary === o.key) throw new InputError('claim "primary" must differ from "key"');
  }
  if (
    o.ext !== undefined &&
    (typeof o.ext !== 'object' || o.ext === null || Array.isArray(o.ext))
  ) {
    throw new InputError('claim "ext" must be an object');
  }
  if (typeof o.sig !== 'string') throw new InputError('claim "sig" must be a string');
  const sig = fromHex(o.sig, 64, 'claim "sig"');
  const { digest, length } = digestAndLength('claim', unsignedClaimJcs(o));
  const size = length - CLAIM_PREFIX_BYTES + SIG_JCS_BYTES;
  if (size > MAX_CLAIM_BYTES)
    throw new InputError(`claim is ${size} bytes; the limit is ${MAX_CLAIM_BYTES}`);
  return { claim: o as unknown as Claim, key, sig, digest };
}

/**
 * JCS of a claim without "sig", for a value parseClaimParts has just checked —
 * the same text `unsignedJcs` makes (a test holds them equal), written directly
 * because the members are known: this runs once per claim a verifier checks.
 * Members in RFC 8785 order; the integers are safe, so String(n) is their JCS
 * form; the strings are normalized identities and key refs (ASCII, no escapes
 * beyond what JSON.stringify writes); `ext` goes through the general canonicalize.
 */
function unsignedClaimJcs(o: Record<string, unknown>, withSig = false): string {
  let s = '{"created_at":' + String(o.created_at);
  if (o.expires_at !== undefined) s += ',"expires_at":' + String(o.expires_at);
  if (o.ext !== undefined) s += ',"ext":' + canonicalize(o.ext);
  s += ',"key":' + JSON.stringify(o.key) + ',"kez":"0.2"';
  if (o.primary !== undefined) s += ',"primary":' + JSON.stringify(o.primary);
  if (withSig) s += ',"sig":' + JSON.stringify(o.sig);
  return s + ',"subject":' + JSON.stringify(o.subject) + ',"type":"claim"}';
}

/** JCS of a claim parseClaimParts returned, signature included (its id's input, SPEC §5.3). */
export function claimJcs(parts: ClaimParts): string {
  return unsignedClaimJcs(parts.claim as unknown as Record<string, unknown>, true);
}

export interface CreateClaimOptions {
  subject: string;
  suite: SuiteName;
  secretKey: Uint8Array;
  /** Unix seconds. */
  now: number;
  expiresAt?: number;
  primary?: string;
  ext?: { [k: string]: Json };
}

/** Build and sign a claim. The subject is normalized first. */
export async function createClaim(opts: CreateClaimOptions): Promise<Claim> {
  const suite = getSuite(opts.suite);
  const unsigned: Omit<Claim, 'sig'> & { sig?: string } = {
    kez: KEZ_VERSION,
    type: 'claim',
    subject: parseIdentity(opts.subject).text,
    key: formatKeyRef(suite.name, suite.getPublicKey(opts.secretKey)),
    created_at: opts.now,
  };
  if (opts.expiresAt !== undefined) unsigned.expires_at = opts.expiresAt;
  if (opts.primary !== undefined) unsigned.primary = parseKeyRef(opts.primary).text;
  if (opts.ext !== undefined) unsigned.ext = opts.ext;
  const sig = await suite.sign(signingDigest('claim', unsigned), opts.secretKey);
  return parseClaim({ ...unsigned, sig: toHex(sig) });
}

/** True when the claim's signature verifies under its own key. Never throws. */
export async function verifyClaimSignature(claim: Claim): Promise<boolean> {
  try {
    return await verifyParts(parseClaimParts(claim));
  } catch {
    return false;
  }
}

function verifyParts(p: ClaimParts): Promise<boolean> {
  return getSuite(p.key.suite).verify(p.sig, p.digest, p.key.publicKey);
}

export interface CheckClaimOptions {
  /** Unix seconds. */
  now: number;
  /** The identity asked about; the claim's subject must equal its normalized form. */
  subject?: string;
  /** The key asked about (key ref or npub); the claim must be signed by it. */
  key?: string;
}

/**
 * Offline check of one claim (SPEC §9.2 steps 4–7): signature, subject, key,
 * validity window. Never throws for a bad claim; returns a Verdict.
 */
export async function checkClaim(
  claimValue: unknown,
  opts: CheckClaimOptions,
): Promise<Verdict & { claim?: Claim }> {
  let parts: ClaimParts;
  try {
    parts = parseClaimParts(claimValue);
  } catch (e) {
    if (e instanceof KezError) return verdict(e.code, e.message);
    throw e;
  }
  const claim = parts.claim;
  // A synchronous primitive answers without the await's extra turn of the microtask queue.
  const ok =
    getSuite(parts.key.suite).verifySync(parts.sig, parts.digest, parts.key.publicKey) ??
    (await verifyParts(parts));
  if (!ok)
    return { ...verdict('bad_signature', `signature does not verify under ${claim.key}`), claim };
  if (opts.subject !== undefined) {
    const want = normalizeIdentity(opts.subject);
    if (want !== claim.subject)
      return {
        ...verdict('subject_mismatch', `claim is for ${claim.subject}, not ${want}`),
        claim,
      };
  }
  if (opts.key !== undefined) {
    const want = parseKeyRef(opts.key).text;
    // `primary` is an unverified pointer until the sigchain confirms the device
    // (SPEC §9.2 step 7), so it never satisfies a key filter here.
    if (want !== claim.key) {
      return { ...verdict('key_mismatch', `claim is signed by ${claim.key}, not ${want}`), claim };
    }
  }
  if (claim.created_at > opts.now + CLOCK_SKEW_SECONDS) {
    return {
      ...verdict('not_yet_valid', `created_at ${claim.created_at} is ahead of now ${opts.now}`),
      claim,
    };
  }
  if (claim.expires_at !== undefined && opts.now >= claim.expires_at) {
    return {
      ...verdict('expired', `expired at ${new Date(claim.expires_at * 1000).toISOString()}`),
      claim,
    };
  }
  // Written out (not a spread of verdict('ok')): this is every valid claim's path.
  return { status: REASONS.ok.status, reason: 'ok', claim };
}

/** Claim id: hex SHA-256 of the JCS of the whole claim, signature included (SPEC §5.3). */
export function claimId(claim: Claim): string {
  return objectId(claim);
}
