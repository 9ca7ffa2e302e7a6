/**
 * dns: has no write API: publishing prints the exact zone-file line to add
 * (SPEC §6.4): the compact claim split into ≤255-byte character-strings.
 */
import { encodeClaim } from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import type { PublishResult } from '../types.js';
import { dnsProofName } from './locate.js';

export const DNS_TTL = 3600;

/**
 * @example
 * await dnsZoneLine(claim, parseIdentity('dns:example.com'));
 * // '_kez.example.com. 3600 IN TXT "kez:z1:…" "…"'
 */
export async function dnsZoneLine(claim: Claim, identity: Identity): Promise<string> {
  return `${dnsProofName(identity.id)}. ${DNS_TTL} IN TXT ${await encodeClaim(claim, 'dns')}`;
}

export async function publishDns(claim: Claim, identity: Identity): Promise<PublishResult> {
  const line = await dnsZoneLine(claim, identity);
  return {
    location: `${dnsProofName(identity.id)} TXT`,
    instructions: line,
  };
}
