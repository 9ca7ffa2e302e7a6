/** Words and short forms the views show: statuses, keys, times. */
import type { NodeStatus } from './explore.js';

/** A status in words, for labels and screen readers. */
export const STATUS_LABEL: Record<NodeStatus, string> = {
  valid: 'valid',
  invalid: 'invalid',
  revoked: 'revoked',
  expired: 'expired',
  unreachable: 'unreachable',
  fork: 'fork',
  pending: 'checking…',
};

/** A glyph per status, so colour is never the only signal. */
export const STATUS_GLYPH: Record<NodeStatus, string> = {
  valid: '✓',
  invalid: '✗',
  revoked: '⊘',
  expired: '⌛',
  unreachable: '?',
  fork: '⑂',
  pending: '…',
};

/**
 * A long key shortened in the middle.
 * @example shortKey('ed25519:0123456789abcdef…') // 'ed25519:0123…cdef'
 */
export function shortKey(key: string, keep = 8): string {
  const i = key.indexOf(':') + 1;
  const body = key.slice(i);
  if (body.length <= keep * 2 + 1) return key;
  return `${key.slice(0, i)}${body.slice(0, keep)}…${body.slice(-keep)}`;
}

/**
 * A key as shown (npub or key ref), shortened for tight places.
 * @example shortShown('npub1abcdefghijklmnopqrstuvwxyz…') // 'npub1abcdefg…uvwxyz'
 */
export function shortShown(shown: string): string {
  if (shown.startsWith('npub1') && shown.length > 20)
    return `${shown.slice(0, 12)}…${shown.slice(-6)}`;
  return shortKey(shown, 6);
}

/**
 * A time as `2026-11-25 14:03:07 UTC`.
 * @example formatTime('2026-11-25T14:03:07.000Z')
 */
export function formatTime(iso: string | number): string {
  const d = typeof iso === 'number' ? new Date(iso) : new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** True for statuses that mean a broken or doubtful proof (a chat warning). */
export function isBroken(status: NodeStatus): boolean {
  return status !== 'valid' && status !== 'pending';
}
