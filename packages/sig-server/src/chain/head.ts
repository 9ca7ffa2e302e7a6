/** The JSON shape of a chain head in every answer. */
import type { ChainHead } from '../store/store.js';

export interface HeadJson {
  chain: string;
  seq: number;
  id: string;
  /** Fork-evidence events stored for the chain (SPEC §8.5: a fork is two authorised events at one seq). */
  forks: number;
  /** Unix seconds of the last change. */
  updated_at: number;
}

export function headJson(h: ChainHead): HeadJson {
  return { chain: h.chain, seq: h.seq, id: h.id, forks: h.forks, updated_at: h.updatedAt };
}
