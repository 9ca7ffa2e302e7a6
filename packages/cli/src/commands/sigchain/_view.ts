/** Which local chain a read-only command means, and how a chain's end maps to an exit code. */
import { InputError, parseKeyRef } from '@kez/core';
import type { ChainState } from '@kez/core';
import type { Deps } from '../../deps.js';
import { EXIT } from '../../exit-codes.js';
import type { ExitCode } from '../../exit-codes.js';
import { KeyStore } from '../../key-store.js';
import { findChainFor, openChain } from './_local.js';
import type { LocalChain } from './_local.js';

export interface ViewOpts {
  key: string;
  chain?: string;
}

/** --chain, else the chain the stored key signs for (no passphrase needed). */
export async function chainToView(deps: Deps, opts: ViewOpts): Promise<LocalChain> {
  if (opts.chain !== undefined) return openChain(deps, parseKeyRef(opts.chain).text);
  const key = new KeyStore(deps.env.home).read(opts.key).public;
  const local = await findChainFor(deps, key);
  if (!local) throw new InputError(`key "${opts.key}" (${key}) has no local chain`, 'not_in_chain');
  return local;
}

/** complete/pending → 0; fork/halted → 1 (the chain is bad); gap → 3 (events are missing). */
export function exitForEnd(state: ChainState): ExitCode {
  switch (state.end.kind) {
    case 'complete':
    case 'pending':
      return EXIT.OK;
    case 'gap':
      return EXIT.UNREACHABLE;
    default:
      return EXIT.VERIFY_FAILED;
  }
}
