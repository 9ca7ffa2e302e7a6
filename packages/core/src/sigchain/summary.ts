/**
 * The state in the shape SPEC §12.2 vectors expect (`expect.state`), and
 * what `kez sigchain show --json` prints: plain JSON, snake_case, ids sorted.
 */
import type { ChainState } from './state.js';

export interface ChainSummary {
  chain: string | null;
  current: string | null;
  rotated: string[];
  devices: Record<string, { name?: string; expires_at?: number; added: number; revoked?: number }>;
  live_claims: string[];
  revoked_claims: string[];
  head: { seq: number; id: string } | null;
  end:
    | { kind: 'complete' }
    | { kind: 'fork'; seq: number; ids: string[] }
    | { kind: 'gap'; seq: number }
    | { kind: 'halted'; seq: number; id: string }
    | { kind: 'pending'; seq: number };
}

/** @example JSON.stringify(summarizeChain(state)) */
export function summarizeChain(state: ChainState): ChainSummary {
  const devices: ChainSummary['devices'] = {};
  for (const key of Object.keys(state.devices).sort()) {
    const d = state.devices[key]!;
    const out: ChainSummary['devices'][string] = { added: d.added.seq };
    if (d.name !== undefined) out.name = d.name;
    if (d.expires_at !== undefined) out.expires_at = d.expires_at;
    if (d.revoked) out.revoked = d.revoked.seq;
    devices[key] = out;
  }
  const e = state.end;
  const end: ChainSummary['end'] =
    e.kind === 'halted'
      ? { kind: 'halted', seq: e.seq, id: e.id }
      : e.kind === 'pending'
        ? { kind: 'pending', seq: e.seq }
        : e;
  return {
    chain: state.chain,
    current: state.current,
    rotated: state.rotated.map((r) => r.key),
    devices,
    live_claims: Object.keys(state.liveClaims).sort(),
    revoked_claims: Object.keys(state.revokedClaims).sort(),
    head: state.head ? { seq: state.head.seq, id: state.head.id } : null,
    end,
  };
}
