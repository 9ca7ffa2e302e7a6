/** Human rendering of a stored key, shared by key generate/import/show (`_`: not a command). */
import type { KeyInfo } from '../../key-material.js';
import type { Colors } from '../../output.js';

/**
 * Aligned `label  value` lines for a key.
 * @example formatKeyInfo(info, colors)
 */
export function formatKeyInfo(k: KeyInfo, c: Colors): string {
  const rows: [string, string][] = [
    ['name', k.name],
    ['suite', k.suite],
    ['public', k.public],
  ];
  if (k.npub) rows.push(['npub', k.npub]);
  rows.push(['file', k.path]);
  rows.push(['encrypted', k.encrypted ? 'yes' : c.yellow('no')]);
  rows.push(['created', new Date(k.created_at * 1000).toISOString()]);
  return rows.map(([l, v]) => `${c.dim(l.padEnd(10))} ${v}`).join('\n');
}

/** --json fields of a key. */
export const KEY_FIELDS = [
  'name',
  'suite',
  'public',
  'npub',
  'path',
  'encrypted',
  'created_at',
] as const;
