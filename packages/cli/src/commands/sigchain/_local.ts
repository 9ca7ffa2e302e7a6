/**
 * The local sigchain store: one JSONL bundle (SPEC §8.9) per chain in
 * `$KEZ_HOME/chains/<suite>-<hex of the chain id>.jsonl`, written atomically.
 * A key's chain is the one it is the genesis key of, or the one where it is
 * the current primary key or a live device.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  InputError,
  createEvent,
  eventId,
  exportBundle,
  parseBundle,
  parseKeyRef,
  roleAt,
  validateChain,
} from '@kez/core';
import type { ChainEvent, ChainState, EventFields, ReasonCode } from '@kez/core';
import type { Deps } from '../../deps.js';
import { readInput, writeFileAtomic } from '../../files.js';
import { loadSecretKey } from '../../key-material.js';
import type { SecretKey } from '../../key-material.js';
import { KeyStore } from '../../key-store.js';

/** Largest local or imported bundle read (SPEC §8.9 asks for at least 1 MiB). */
export const MAX_LOCAL_BUNDLE = 256 * 1024 * 1024;

export interface LocalChain {
  chain: string;
  path: string;
  state: ChainState;
}

export function chainsDir(home: string): string {
  return join(home, 'chains');
}

/** `$KEZ_HOME/chains/<suite>-<hex>.jsonl` for chain id `<suite>:<hex>`. */
export function chainPath(home: string, chain: string): string {
  const ref = parseKeyRef(chain);
  return join(chainsDir(home), `${ref.suite}-${ref.text.slice(ref.suite.length + 1)}.jsonl`);
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Read and process the local chain `chain` (an empty chain when there is no file). */
export async function openChain(deps: Deps, chain: string): Promise<LocalChain> {
  const path = chainPath(deps.env.home, chain);
  const events = exists(path)
    ? parseBundle(await readInput(deps, path, MAX_LOCAL_BUNDLE), { maxBytes: MAX_LOCAL_BUNDLE })
    : [];
  return { chain, path, state: await validateChain(events, { now: deps.now(), chain }) };
}

/**
 * The local chain `key` signs for: the one named after it, else one where it
 * is the current primary key or a live device. null: none yet.
 */
export async function findChainFor(deps: Deps, key: string): Promise<LocalChain | null> {
  if (exists(chainPath(deps.env.home, key))) return openChain(deps, key);
  let files: string[];
  try {
    files = readdirSync(chainsDir(deps.env.home));
  } catch {
    return null;
  }
  for (const f of files.sort()) {
    const m = /^(nostr|ed25519)-([0-9a-f]{64})\.jsonl$/.exec(f);
    if (!m) continue;
    const local = await openChain(deps, `${m[1]}:${m[2]}`);
    const role = roleAt(local.state, key, deps.now()).kind;
    if (role === 'primary' || role === 'device') return local;
  }
  return null;
}

/** Write the authentic events of `state` as the chain's bundle. */
export function saveChain(home: string, chain: string, state: ChainState): string {
  mkdirSync(chainsDir(home), { recursive: true, mode: 0o700 });
  const path = chainPath(home, chain);
  writeFileAtomic(path, exportBundle(state.events));
  return path;
}

/** The applied head event of a processed chain, or null for an empty one. */
export function headEvent(state: ChainState): ChainEvent | null {
  const head = state.head;
  if (!head) return null;
  for (let i = state.events.length - 1; i >= 0; i--) {
    const e = state.events[i] as unknown as ChainEvent;
    if (e.seq === head.seq && eventId(e) === head.id) return e;
  }
  return null;
}

const SIGNER_REASONS: readonly string[] = [
  'key_rotated',
  'device_revoked',
  'device_expired',
  'not_in_chain',
];

/** Refuse to extend a chain that does not end cleanly. */
function assertExtensible(local: LocalChain): void {
  const end = local.state.end;
  if (end.kind === 'complete' || end.kind === 'pending') return;
  const code: ReasonCode =
    end.kind === 'fork' ? 'fork' : end.kind === 'gap' ? 'chain_gap' : 'malformed';
  throw new InputError(
    `the local chain ${local.chain} ends in a ${end.kind} at seq ${end.seq}; it cannot be extended`,
    code,
  );
}

export interface AppendResult {
  chain: string;
  path: string;
  event: ChainEvent;
  id: string;
  state: ChainState;
}

/**
 * Sign the next event of the signer's chain (a new chain when the signer has
 * none and `mayStart`), check the chain with it, and write it atomically.
 * Nothing is written when the event would not apply.
 */
export async function appendEvent(
  deps: Deps,
  opts: { key: string; passphraseFile?: string; chain?: string },
  fields: (signer: SecretKey) => Promise<EventFields> | EventFields,
  mayStart: boolean,
): Promise<AppendResult> {
  const store = new KeyStore(deps.env.home);
  const signer = await loadSecretKey(deps, store, opts.key, { file: opts.passphraseFile });
  const local =
    opts.chain !== undefined
      ? await openChain(deps, parseKeyRef(opts.chain).text)
      : await findChainFor(deps, signer.public);
  if (!local && !mayStart)
    throw new InputError(`key "${opts.key}" (${signer.public}) has no local chain`, 'not_in_chain');
  if (local) assertExtensible(local);
  const prev = local ? headEvent(local.state) : null;
  const event = await createEvent(
    prev,
    await fields(signer),
    signer.secret,
    signer.suite,
    deps.now(),
  );
  const chain = event.chain;
  const before = local?.state.events ?? [];
  const state = await validateChain([...before, event], { now: deps.now(), chain });
  const id = eventId(event);
  if (state.head?.id !== id) {
    const why =
      state.unapplied.find((u) => u.id === id) ??
      state.dropped.find((d) => d.id === id) ??
      (state.end.kind === 'halted' ? state.end : undefined);
    const code: ReasonCode =
      why && SIGNER_REASONS.includes(why.why) ? (why.why as ReasonCode) : 'malformed';
    throw new InputError(
      `the ${event.op} event would not apply: ${why ? `${why.why}: ${why.detail}` : state.end.kind}`,
      code,
    );
  }
  const path = saveChain(deps.env.home, chain, state);
  return { chain, path, event, id, state };
}

/** A device or key given as a stored key name or as a key ref / npub. */
export function resolveKey(home: string, nameOrRef: string): string {
  try {
    return parseKeyRef(nameOrRef).text;
  } catch {
    return new KeyStore(home).read(nameOrRef).public;
  }
}

/** JSON fields every appending command prints. */
export const APPEND_FIELDS = ['chain', 'seq', 'op', 'id', 'event', 'file', 'end'] as const;

/** The --json document and human line of an appended event. */
export function appendOutput(r: AppendResult, what: string) {
  return {
    data: {
      chain: r.chain,
      seq: r.event.seq,
      op: r.event.op,
      id: r.id,
      event: r.event,
      file: r.path,
      end: r.state.end.kind,
    },
    human: () => `seq ${r.event.seq}: ${what} (event ${r.id.slice(0, 16)}…, chain ${r.chain})`,
  };
}
