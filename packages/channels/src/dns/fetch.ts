/** Fetch the TXT records of a dns: identity through the injected resolver. */
import { ChannelError } from '@kez/core';
import type { Identity } from '@kez/core';
import type { Binding, ChannelContext, FetchOutcome } from '../types.js';
import { dnsProofName } from './locate.js';
import { dnsRecordsToTexts } from './match.js';

/** What a DNS answer's binding rests on: unsigned DNS (or the DoH server's TLS). */
export function dnsBinding(ctx: ChannelContext): Binding {
  const via = ctx.config.dohUrl
    ? `DNS-over-HTTPS answer from ${ctx.config.dohUrl}`
    : `DNS answer from ${ctx.config.dnsServers.length ? ctx.config.dnsServers.join(', ') : 'the system resolver'}`;
  return { kind: 'transport', detail: `${via} (not DNSSEC-validated here)` };
}

export async function fetchDnsProofs(
  identity: Identity,
  ctx: ChannelContext,
): Promise<FetchOutcome> {
  const name = dnsProofName(identity.id);
  let records: string[][] | null;
  try {
    records = await ctx.net.resolveTxt(name);
  } catch (e) {
    if (!(e instanceof ChannelError)) throw e;
    return { type: 'failed', reason: e.code, location: name, detail: e.message };
  }
  if (records === null || records.length === 0)
    return { type: 'absent', location: name, detail: `no TXT record at ${name}` };
  const texts = dnsRecordsToTexts(identity.id, name, records, dnsBinding(ctx));
  if (texts.length === 0)
    return {
      type: 'absent',
      location: name,
      detail: `no TXT record at ${name} starts with kez:z1:`,
    };
  return { type: 'found', texts };
}
