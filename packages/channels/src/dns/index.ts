/** The dns: channel (SPEC §7.1). */
import type { ChannelPlugin } from '../types.js';
import { fetchDnsProofs } from './fetch.js';
import { publishDns } from './publish.js';

export { dnsProofName } from './locate.js';
export { dnsRecordsToTexts } from './match.js';
export { dnsBinding, fetchDnsProofs } from './fetch.js';
export { dnsZoneLine } from './publish.js';

export const dnsPlugin: ChannelPlugin = {
  name: 'dns',
  fetchProofs: fetchDnsProofs,
  publish: (claim, identity) => publishDns(claim, identity),
};
