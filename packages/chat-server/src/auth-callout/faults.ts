/**
 * Why a log-in can fail that no proof can: faults of the chat-login exchange
 * itself. They live here, not in core's reasons.ts, because the chat protocol
 * is outside SPEC (SPEC header, "Out of scope"); everything a signature or a
 * sigchain decides uses core's ReasonCode (SPEC §9.6) instead.
 */
import type { ReasonCode } from '@kez/core';

export const LOGIN_FAULTS = {
  replayed: 'the log-in was signed for another connection, or its nonce was already used',
  challenge_expired: 'the log-in is older than the server accepts',
  no_nonce: 'the server sent no nonce (nats.conf needs an nkey user, see deploy/nats.conf)',
} as const;

export type LoginFault = keyof typeof LOGIN_FAULTS;

/** Every reason a log-in decision can carry. */
export type LoginReason = ReasonCode | LoginFault;
