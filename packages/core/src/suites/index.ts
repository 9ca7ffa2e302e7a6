import { InputError } from '../errors.js';
import { ed25519Suite } from './ed25519.js';
import { nostrSuite } from './nostr.js';
import type { Suite, SuiteName } from './types.js';

export type { Suite, SuiteName } from './types.js';
export { SUITE_NAMES } from './types.js';
export { checkEd25519PublicKey, verifyEd25519, useEd25519Verify, useX25519 } from './ed25519.js';
export type { Ed25519Verify, X25519 } from './ed25519.js';

const SUITES: Record<SuiteName, Suite> = { nostr: nostrSuite, ed25519: ed25519Suite };

export function isSuiteName(s: unknown): s is SuiteName {
  return s === 'nostr' || s === 'ed25519';
}

export function getSuite(name: string): Suite {
  if (!isSuiteName(name))
    throw new InputError(`unknown suite "${name}" (expected nostr or ed25519)`, 'unknown_suite');
  return SUITES[name];
}
