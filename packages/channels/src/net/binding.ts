/** What a proof fetched over HTTP rests on (BRIEF §5): the origin's transport. */
import type { Binding } from '../types.js';

/**
 * @example
 * transportBinding('https://api.github.com/gists/1', 'GitHub REST API');
 * // { kind: 'transport', detail: 'TLS to api.github.com (GitHub REST API)' }
 */
export function transportBinding(url: string, what: string): Binding {
  const u = new URL(url);
  return u.protocol === 'https:'
    ? { kind: 'transport', detail: `TLS to ${u.host} (${what})` }
    : { kind: 'transport', detail: `plain HTTP to ${u.host} (${what}; no TLS)` };
}
