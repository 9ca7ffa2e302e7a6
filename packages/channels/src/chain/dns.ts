/**
 * A chain pointed to from DNS (SPEC §8.10): TXT at `_kez-chain.<domain>` =
 * `url=<https URL of a bundle>`, found from a `dns:` identity the key claims.
 * The URL is fetched through the guarded Net (https unless private addresses
 * are allowed for tests; SPEC §7.1.1).
 */
import { ChannelError } from '@kez/core';
import type { Json } from '@kez/core';
import type { ChannelContext } from '../types.js';
import { bundleResult, getForChain, httpFailed } from './fetch-bundle.js';
import type { SourceResult } from './types.js';

export const CHAIN_DNS_LABEL = '_kez-chain';
/** Pointers followed for one domain. */
const MAX_POINTERS = 4;

/** @example chainDnsName('example.com') // '_kez-chain.example.com' */
export function chainDnsName(domain: string): string {
  return `${CHAIN_DNS_LABEL}.${domain}`;
}

/** The URLs of the `url=` records (a record's strings joined in order, SPEC §6.4). */
export function chainPointers(records: string[][]): string[] {
  const out: string[] = [];
  for (const r of records) {
    const text = r.join('').trim();
    if (!text.startsWith('url=')) continue;
    const url = text.slice(4).trim();
    try {
      const u = new URL(url);
      if ((u.protocol === 'https:' || u.protocol === 'http:') && !out.includes(u.href))
        out.push(u.href);
    } catch {
      // not a URL: not a pointer
    }
  }
  return out.slice(0, MAX_POINTERS);
}

/**
 * Follow the `_kez-chain` pointers of `domain`.
 * @example await fetchFromDns('example.com', ctx)
 */
export async function fetchFromDns(domain: string, ctx: ChannelContext): Promise<SourceResult> {
  const name = chainDnsName(domain);
  let records: string[][] | null;
  try {
    records = await ctx.net.resolveTxt(name);
  } catch (e) {
    if (!(e instanceof ChannelError)) throw e;
    return { type: 'failed', kind: 'dns', location: name, reason: e.code, detail: e.message };
  }
  const urls = chainPointers(records ?? []);
  if (urls.length === 0)
    return { type: 'none', kind: 'dns', location: name, detail: `no url= TXT record at ${name}` };
  const events: Json[] = [];
  let failure: SourceResult | undefined;
  for (const url of urls) {
    const res = await getForChain(ctx, 'dns', url);
    if ('type' in res) {
      failure ??= res;
      continue;
    }
    if (res.status !== 200) {
      failure ??= httpFailed('dns', res, `GET ${url} (from ${name})`);
      continue;
    }
    const r = bundleResult('dns', url, res.body);
    if (r.type === 'found') events.push(...r.events);
    else failure ??= r;
  }
  if (events.length === 0 && failure) return failure;
  return { type: 'found', kind: 'dns', location: urls[0]!, events };
}
