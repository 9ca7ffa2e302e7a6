/**
 * The NATS permissions of a logged-in user: publish only on subjects that
 * carry the user's own token, subscribe only to the rooms they belong to, their
 * DMs and their inbox. Built from subjects.ts only.
 */
import {
  USER_INFO_SUBJECT,
  apiSubject,
  dmSubject,
  inboxPrefix,
  roomEventSubject,
  roomPresenceSubject,
  roomWildcard,
} from '../subjects.js';

export interface UserPermissions {
  pub: { allow: string[] };
  sub: { allow: string[] };
}

/** Most rooms one user can be in: the JWT carries one grant per room. */
export const MAX_ROOMS_PER_USER = 200;

/**
 * `token` is the user id's subject token, `keyToken` the signing key's (its inbox).
 * @example userPermissions('ed25519_ab…', 'ed25519_ab…', ['general']).pub.allow
 *   // ['kez.chat.dm.*.ed25519_ab…', 'kez.chat.api.ed25519_ab….*', '$SYS.REQ.USER.INFO',
 *   //  'kez.chat.room.general.m.ed25519_ab…', 'kez.chat.room.general.p.ed25519_ab…']
 */
export function userPermissions(
  token: string,
  keyToken: string,
  rooms: readonly string[],
): UserPermissions {
  const pub = [dmSubject('*', token), apiSubject(token, '*'), USER_INFO_SUBJECT];
  const sub = [dmSubject(token, '*'), dmSubject('*', token), `${inboxPrefix(keyToken)}.>`];
  for (const room of rooms.slice(0, MAX_ROOMS_PER_USER)) {
    pub.push(roomEventSubject(room, token), roomPresenceSubject(room, token));
    sub.push(roomWildcard(room));
  }
  return { pub: { allow: pub }, sub: { allow: sub } };
}
