/**
 * Every machine reason code KEZ reports, and the status each belongs to.
 * SPEC.md §9 lists the same table; a test compares the two.
 * `retry` says whether asking again later can change the answer.
 */
export const REASONS = {
  // valid
  ok: { status: 'valid', retry: false, text: 'the proof verifies' },

  // invalid: the proof is present (or definitively absent) and does not prove the claim
  not_found: {
    status: 'invalid',
    retry: true,
    text: 'no proof was found where the identity says it must be',
  },
  bad_signature: { status: 'invalid', retry: false, text: 'the signature does not verify' },
  key_mismatch: {
    status: 'invalid',
    retry: false,
    text: 'the proof is signed by a different key than the one asked about',
  },
  subject_mismatch: {
    status: 'invalid',
    retry: false,
    text: 'the claim names a different identity than the one asked about',
  },
  owner_mismatch: {
    status: 'invalid',
    retry: false,
    text: 'the proof was published by a different account than the one claimed',
  },
  malformed: { status: 'invalid', retry: false, text: 'the proof or claim is not well-formed' },
  unknown_suite: { status: 'invalid', retry: false, text: 'the signature suite is not known' },
  weak_key: {
    status: 'invalid',
    retry: false,
    text: 'the public key is not acceptable (small order or non-canonical)',
  },
  not_yet_valid: {
    status: 'invalid',
    retry: true,
    text: 'the claim is dated in the future beyond the allowed clock skew',
  },
  not_in_chain: {
    status: 'invalid',
    retry: true,
    text: 'the signing key is neither the chain key nor a live device of it',
  },

  // revoked
  revoked: { status: 'revoked', retry: false, text: 'the claim was revoked in the sigchain' },
  key_rotated: {
    status: 'revoked',
    retry: false,
    text: 'the claim was signed by a key that had been rotated away',
  },
  device_revoked: {
    status: 'revoked',
    retry: false,
    text: 'the claim was signed by a device that has been revoked',
  },

  // expired
  expired: { status: 'expired', retry: false, text: 'the claim is past its expires_at' },
  device_expired: {
    status: 'expired',
    retry: false,
    text: 'the device that signed the claim is past its expiry',
  },

  // unreachable: nothing definitive could be learned; never cached as truth
  timeout: { status: 'unreachable', retry: true, text: 'the remote did not answer in time' },
  http_error: {
    status: 'unreachable',
    retry: true,
    text: 'the remote answered with an HTTP error',
  },
  dns_error: { status: 'unreachable', retry: true, text: 'the name could not be resolved' },
  network_error: { status: 'unreachable', retry: true, text: 'the connection failed' },
  rate_limited: {
    status: 'unreachable',
    retry: true,
    text: 'the remote refused because of a rate limit',
  },
  too_large: {
    status: 'unreachable',
    retry: true,
    text: 'the response was larger than the size cap',
  },
  too_many_redirects: {
    status: 'unreachable',
    retry: true,
    text: 'too many redirects (or a redirect loop)',
  },
  private_address: {
    status: 'unreachable',
    retry: false,
    text: 'the name resolves to a private, loopback or link-local address (allow with --allow-private)',
  },
  bad_response: {
    status: 'unreachable',
    retry: true,
    text: 'the remote answered with something that is not the documented shape',
  },
  chain_unavailable: {
    status: 'unreachable',
    retry: true,
    text: 'the sigchain could not be fetched',
  },
  chain_gap: { status: 'unreachable', retry: true, text: 'the sigchain has missing events' },

  // fork
  fork: { status: 'fork', retry: false, text: 'the sigchain has two different events at one seq' },
} as const;

export type ReasonCode = keyof typeof REASONS;
export type Status = (typeof REASONS)[ReasonCode]['status'];
export const STATUSES = ['valid', 'invalid', 'revoked', 'expired', 'unreachable', 'fork'] as const;

export function statusOf(reason: ReasonCode): Status {
  return REASONS[reason].status;
}
