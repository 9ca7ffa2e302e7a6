/**
 * TXT lookups through node:dns's Resolver (c-ares), with configurable servers
 * (`ip`, `ip:port`, `[v6]:port`) so tests can ask a local Knot. Contract
 * (atproto's ResolveTxt): `null` = resolved, nothing there; throw = failure.
 */
import { Resolver } from 'node:dns/promises';
import { ChannelError } from '@kez/core';

export interface NodeResolveTxtOptions {
  /** Empty = the system's resolvers. */
  servers: string[];
  timeoutMs: number;
}

/** c-ares answers that mean "the name has no TXT" rather than "could not ask". */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * @example
 * const resolveTxt = createNodeResolveTxt({ servers: ['127.0.0.1:5353'], timeoutMs: 2000 });
 * await resolveTxt('_kez.example.test'); // [['kez:z1:…']] or null
 */
export function createNodeResolveTxt(
  opts: NodeResolveTxtOptions,
): (name: string) => Promise<string[][] | null> {
  return async (name: string) => {
    // A fresh resolver per query: cancel() stops every query of a resolver.
    const r = new Resolver({ timeout: Math.max(1, Math.floor(opts.timeoutMs / 2)), tries: 2 });
    if (opts.servers.length) r.setServers(opts.servers);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        r.cancel();
        reject(
          new ChannelError(
            'timeout',
            `no DNS answer for ${name} within ${opts.timeoutMs} ms`,
            name,
          ),
        );
      }, opts.timeoutMs);
    });
    try {
      return await Promise.race([r.resolveTxt(name), deadline]);
    } catch (e) {
      if (e instanceof ChannelError) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
      if (ABSENT.has(code)) return null;
      if (code === 'ETIMEOUT' || code === 'ECANCELLED')
        throw new ChannelError('timeout', `no DNS answer for ${name} (${code})`, name, {
          cause: e,
        });
      throw new ChannelError('dns_error', `DNS lookup of ${name} failed (${code})`, name, {
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  };
}
