/**
 * What looking for a key's sigchain yields (SPEC §8.10): per source, found /
 * none / failed, kept apart like proof fetches (style §6.7); and for the key,
 * the processed chains that belong to it, none anywhere, or a failure.
 */
import type { ChainState, Json, ReasonCode } from '@kez/core';

/** Where a chain can live (SPEC §8.10). */
export type ChainSourceKind = 'sig-server' | 'nostr' | 'gist' | 'dns';

/** One source's answer. `found` carries the parsed (not yet validated) events. */
export type SourceResult =
  | { type: 'found'; kind: ChainSourceKind; location: string; events: Json[] }
  | { type: 'none'; kind: ChainSourceKind; location: string; detail: string }
  | {
      type: 'failed';
      kind: ChainSourceKind;
      location: string;
      reason: ReasonCode;
      detail: string;
    };

/** A source as reported to people and machines (no event bodies). */
export interface SourceReport {
  kind: ChainSourceKind;
  location: string;
  outcome: 'found' | 'none' | 'failed';
  /** Events the source served (found). */
  events?: number;
  reason?: ReasonCode;
  detail?: string;
}

/**
 * The chains of a key: `found` (each processed chain that belongs to the key,
 * SPEC §8.10; usually one), `none` (every source consulted said so, or none
 * was configured) or `failed` (a source failed and none yielded a chain).
 */
export type ChainOutcome =
  | { type: 'found'; key: string; states: ChainState[]; sources: SourceReport[] }
  | { type: 'none'; key: string; sources: SourceReport[] }
  | { type: 'failed'; key: string; reason: ReasonCode; detail: string; sources: SourceReport[] };

/** Report a source result without its events. */
export function reportSource(r: SourceResult): SourceReport {
  switch (r.type) {
    case 'found':
      return { kind: r.kind, location: r.location, outcome: 'found', events: r.events.length };
    case 'none':
      return { kind: r.kind, location: r.location, outcome: 'none', detail: r.detail };
    case 'failed':
      return {
        kind: r.kind,
        location: r.location,
        outcome: 'failed',
        reason: r.reason,
        detail: r.detail,
      };
  }
}
