/**
 * `kez verify key <key> [identity…]`: the whole graph of a key (SPEC §9.9).
 * Find the chains that belong to the key (SPEC §8.10), then verify every
 * identity its live claims name — online, with the key as the key filter, a
 * few at a time — and report revoked claims without fetching them. Named
 * identities help find the chain (their gist or DNS pointer) and are checked
 * too; without any chain they are the graph. Prints a tree for people and
 * one JSON document for machines; exits by the worst result.
 */
import { InputError, REASONS, displayKey, parseIdentity, parseKeyRef, roleAt } from '@kez/core';
import type { ChainState, Identity, ReasonCode, Status } from '@kez/core';
import type { CachedVerifyResult, ChainOutcome, SourceReport } from '@kez/channels';
import { channelOptions } from '../../channel-options.js';
import { defineCommand } from '../../command.js';
import type { Deps } from '../../deps.js';
import { exitCodeForStatus } from '../../exit-codes.js';
import { startSpinner } from '../../output.js';
import type { Colors } from '../../output.js';
import { noCacheOption, openOnline } from './_online.js';
import type { OnlineFlags } from './_online.js';
import { resolveKeyFilter, verifyJson } from './id.js';

/** Proofs fetched at once. */
export const PARALLEL = 4;
/** Identities verified for one key at most (a chain can list many claims). */
const MAX_IDENTITIES = 200;

type Opts = OnlineFlags;

/** One identity of the graph. */
interface Node {
  identity: string;
  /** Where it came from: a live or revoked claim of the chain, the command line, or both. */
  from: 'chain' | 'named' | 'chain+named';
  /** Verified online (live claims, named identities). */
  result?: CachedVerifyResult;
  /** A revoked claim reported from the chain without a fetch (SPEC §9.9). */
  revoked?: { claimId: string; detail: string };
}

interface Graph {
  key: string;
  outcome: ChainOutcome;
  nodes: Node[];
  status: Status;
  reason: ReasonCode;
  detail?: string;
}

/**
 * A key as typed: key ref, npub, 64 hex (a nostr key, as nostr: identities
 * take hex) or a stored key's name.
 * @example resolveGraphKey('3bf0…', deps) // 'nostr:3bf0…'
 */
export function resolveGraphKey(input: string, deps: Pick<Deps, 'env'>): string {
  if (/^[0-9a-fA-F]{64}$/.test(input)) return parseKeyRef(`nostr:${input.toLowerCase()}`).text;
  return resolveKeyFilter(input, deps);
}

/** Run `fn` over `items`, at most `limit` at once, results in order. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Subjects of live claims, then subjects known only from revoked claims. */
function chainSubjects(states: ChainState[]): {
  live: Set<string>;
  revoked: Map<string, Node['revoked']>;
} {
  const live = new Set<string>();
  const revoked = new Map<string, Node['revoked']>();
  for (const s of states) for (const l of Object.values(s.liveClaims)) live.add(l.claim.subject);
  for (const s of states)
    for (const [id, r] of Object.entries(s.revokedClaims)) {
      if (!r.claim || live.has(r.claim.subject) || revoked.has(r.claim.subject)) continue;
      const why = r.reason !== undefined ? ` (${r.reason})` : '';
      revoked.set(r.claim.subject, {
        claimId: id,
        detail: `revoked at seq ${r.revoked.seq}${why}`,
      });
    }
  return { live, revoked };
}

const SEVERITY: Record<Status, number> = {
  invalid: 5,
  revoked: 5,
  expired: 5,
  fork: 5,
  unreachable: 2,
  valid: 0,
};

/**
 * The graph's overall status: the worst verified identity, and an unfetchable
 * chain counts as unreachable. A claim the chain revoked (and nobody named)
 * is history the owner wrote, not a failure of the graph.
 */
function overall(
  outcome: ChainOutcome,
  nodes: Node[],
): Pick<Graph, 'status' | 'reason' | 'detail'> {
  let worst: { status: Status; reason: ReasonCode; detail?: string } = {
    status: 'valid',
    reason: 'ok',
  };
  if (outcome.type === 'failed')
    worst = { status: 'unreachable', reason: outcome.reason, detail: outcome.detail };
  for (const n of nodes) {
    if (!n.result) continue;
    const s = n.result
      ? {
          status: n.result.status,
          reason: n.result.reason,
          detail: `${n.identity}: ${n.result.detail ?? REASONS[n.result.reason].text}`,
        }
      : {
          status: 'revoked' as const,
          reason: 'revoked' as const,
          detail: `${n.identity}: ${n.revoked!.detail}`,
        };
    if (SEVERITY[s.status] > SEVERITY[worst.status]) worst = s;
  }
  return worst;
}

function deviceJson(state: ChainState, now: number) {
  return Object.entries(state.devices)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, d]) => {
      const role = roleAt(state, key, now).kind;
      return {
        key,
        name: d.name,
        expires_at: d.expires_at,
        added: d.added.seq,
        revoked: d.revoked?.seq,
        status: role === 'device' ? 'live' : role === 'device_revoked' ? 'revoked' : 'expired',
      };
    });
}

function chainJson(state: ChainState, now: number) {
  const e = state.end;
  return {
    chain: state.chain,
    current: state.current,
    rotated: state.rotated.map((r) => ({ key: r.key, seq: r.at.seq })),
    devices: deviceJson(state, now),
    head: state.head ? { seq: state.head.seq, id: state.head.id } : null,
    end: 'seq' in e ? { kind: e.kind, seq: e.seq } : { kind: e.kind },
    live_claims: Object.keys(state.liveClaims).length,
    revoked_claims: Object.keys(state.revokedClaims).length,
  };
}

function graphJson(g: Graph, now: number): Record<string, unknown> {
  const o = g.outcome;
  return {
    key: g.key,
    status: g.status,
    reason: g.reason,
    retry: REASONS[g.reason].retry,
    detail: g.detail,
    chain: o.type === 'found' ? 'present' : o.type === 'none' ? 'none' : 'unavailable',
    chains: o.type === 'found' ? o.states.map((s) => chainJson(s, now)) : [],
    sources: o.sources,
    identities: g.nodes.map((n) =>
      n.result
        ? { ...verifyJson(n.result), from: n.from }
        : {
            identity: n.identity,
            status: 'revoked',
            reason: 'revoked',
            retry: false,
            detail: n.revoked!.detail,
            claim_id: n.revoked!.claimId,
            from: n.from,
            fetched: false,
          },
    ),
  };
}

const when = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

function paint(c: Colors, status: Status, text: string): string {
  return status === 'valid'
    ? c.green(text)
    : status === 'unreachable'
      ? c.yellow(text)
      : c.red(text);
}
const markOf = (c: Colors, s: Status) =>
  paint(c, s, s === 'valid' ? '✓' : s === 'unreachable' ? '?' : '✗');

function sourceLine(s: SourceReport): string {
  if (s.outcome === 'found') return `${s.kind} ${s.location} (${s.events} events)`;
  if (s.outcome === 'none') return `${s.kind} ${s.location}: none`;
  return `${s.kind} ${s.location}: ${s.reason}`;
}

/** Sources for people: those that served or failed; the ones that had none, counted. */
function sourcesLine(sources: SourceReport[]): string {
  const shown = sources.filter((s) => s.outcome !== 'none').map(sourceLine);
  const none = sources.length - shown.length;
  if (none) shown.push(`${none} more without a chain`);
  return shown.join('; ');
}

/** A tree: branch glyphs for item i of n under a prefix. */
function branch(prefix: string, last: boolean): { head: string; body: string } {
  return { head: prefix + (last ? '└─ ' : '├─ '), body: prefix + (last ? '   ' : '│  ') };
}

function graphHuman(g: Graph, now: number, c: Colors): string {
  const lines: string[] = [];
  const ref = parseKeyRef(g.key);
  const shown = displayKey(ref);
  lines.push(`${c.bold(shown)}${shown !== g.key ? c.dim(` (${g.key})`) : ''}`);
  const o = g.outcome;
  const top: ((prefix: string, last: boolean) => void)[] = [];
  if (o.type === 'found')
    for (const s of o.states)
      top.push((prefix, last) => {
        const b = branch(prefix, last);
        const e = s.end;
        const end =
          e.kind === 'complete'
            ? c.green('complete')
            : e.kind === 'pending'
              ? 'complete (a pending event)'
              : c.red(`${e.kind} at seq ${e.seq}`);
        lines.push(`${b.head}sigchain ${s.chain}  ${c.dim(`seq ${s.head?.seq ?? 0} ·`)} ${end}`);
        const kids: string[] = [];
        if (s.current !== g.key && s.current)
          kids.push(`current key ${displayKey(parseKeyRef(s.current))}`);
        for (const r of s.rotated)
          kids.push(
            `rotated away ${displayKey(parseKeyRef(r.key))} ${c.dim(`at seq ${r.at.seq}`)}`,
          );
        for (const d of deviceJson(s, now)) {
          const name = d.name ? ` "${d.name}"` : '';
          const st =
            d.status === 'live'
              ? c.green('live') + (d.expires_at ? c.dim(`, expires ${when(d.expires_at)}`) : '')
              : d.status === 'revoked'
                ? c.red(`revoked at seq ${d.revoked}`)
                : c.red(`expired ${when(d.expires_at!)}`);
          kids.push(`device ${displayKey(parseKeyRef(d.key))}${name}  ${st}`);
        }
        kids.push(c.dim(`from ${sourcesLine(o.sources)}`));
        kids.forEach((k, i) => lines.push(`${branch(b.body, i === kids.length - 1).head}${k}`));
      });
  else
    top.push((prefix, last) => {
      const b = branch(prefix, last);
      const asked = o.sources.length
        ? sourcesLine(o.sources)
        : 'no source configured (--sig-server, --relay)';
      lines.push(
        o.type === 'none'
          ? `${b.head}sigchain ${c.dim('none found')}  ${c.dim(asked)}`
          : `${b.head}sigchain ${c.yellow(`unavailable (${o.reason})`)}  ${c.dim(asked)}`,
      );
    });
  top.push((prefix, last) => {
    const b = branch(prefix, last);
    lines.push(`${b.head}identities (${g.nodes.length})`);
    if (g.nodes.length === 0)
      lines.push(
        `${branch(b.body, true).head}${c.dim('none: name identities to check them, e.g. kez verify key <key> github:alice')}`,
      );
    g.nodes.forEach((n, i) => {
      const nb = branch(b.body, i === g.nodes.length - 1);
      const status: Status = n.result ? n.result.status : 'revoked';
      const reason = n.result ? n.result.reason : 'revoked';
      const from = n.from === 'named' ? c.dim('  (named, not in the chain)') : '';
      lines.push(
        `${nb.head}${markOf(c, status)} ${c.bold(n.identity)}  ${paint(c, status, status)} ${c.dim(`(${reason})`)}${from}`,
      );
      const r = n.result;
      const info: string[] = [];
      if (!r) info.push(`${n.revoked!.detail}; not fetched`);
      else {
        if (r.status !== 'valid') info.push(r.detail ?? REASONS[r.reason].text);
        if (r.location) info.push(`${r.status === 'valid' ? 'found at' : 'where'} ${r.location}`);
        if (r.binding) info.push(`binding ${r.binding.kind}`);
        if (r.cache === 'fresh')
          info.push(c.dim(`cached, checked ${new Date(r.checkedAt * 1000).toISOString()}`));
      }
      for (const t of info) lines.push(`${nb.body}  ${c.dim('·')} ${t}`);
    });
  });
  top.forEach((f, i) => f('', i === top.length - 1));
  const counts = new Map<string, number>();
  for (const n of g.nodes) {
    const s = n.result?.status ?? 'revoked';
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const summary = [...counts].map(([s, k]) => `${k} ${s}`).join(', ');
  lines.push('');
  lines.push(
    `${markOf(c, g.status)} ${paint(c, g.status, g.status)} ${c.dim(`(${g.reason})`)}${summary ? `  ${summary}` : ''}`,
  );
  return lines.join('\n');
}

export const verifyKey = defineCommand<Opts, [string, string[]]>({
  group: 'verify',
  name: 'key',
  args: ['<key>', '[identity...]'],
  summary: "verify a key's whole graph: its sigchain, devices and every identity it claims",
  description:
    'Find the sigchain of <key> (npub, key ref, 64-hex nostr key or a stored\n' +
    'key name) on the configured sig-servers (--sig-server), nostr relays\n' +
    '(--relay, nostr keys) and the gists / DNS pointers of the identities it\n' +
    'claims; then verify every identity its live claims name, online and in\n' +
    'parallel, with <key> as the key filter. Revoked claims are shown without\n' +
    'fetching them. Identities named after the key help find the chain and are\n' +
    'checked too; without a chain they are the whole graph.\n' +
    'Exit: 0 all valid, 1 one failed definitively, 3 something unreachable.',
  examples: [
    {
      description: 'the graph of a nostr key, from a sig-server',
      command: 'kez verify key npub1… --sig-server https://sig.example',
    },
    {
      description: 'an ed25519 key whose chain sits in a gist, as JSON',
      command: 'kez verify key ed25519:9b55… github:alice --json',
    },
    {
      description: 'your own stored key, checking every proof now',
      command: 'kez verify key default --no-cache',
    },
  ],
  options: () => [noCacheOption(), ...channelOptions()],
  jsonFields: [
    'key',
    'status',
    'reason',
    'retry',
    'detail',
    'chain',
    'chains',
    'sources',
    'identities',
  ],
  async run({ args: [input, named], opts, deps }) {
    const key = resolveGraphKey(input, deps);
    const ids: Identity[] = (named ?? []).map((n) => parseIdentity(n));
    const online = openOnline(opts, deps, { identities: ids, expand: true });
    const spinner = startSpinner(
      deps,
      `looking up the sigchain of ${displayKey(parseKeyRef(key))}…`,
    );
    let graph: Graph;
    try {
      const outcome = await online.chains.lookup(key);
      const nodes = new Map<string, Node>();
      if (outcome.type === 'found') {
        const { live, revoked } = chainSubjects(outcome.states);
        for (const s of live) nodes.set(s, { identity: s, from: 'chain' });
        for (const [s, r] of revoked) nodes.set(s, { identity: s, from: 'chain', revoked: r });
      }
      for (const id of ids) {
        const n = nodes.get(id.text);
        if (!n) nodes.set(id.text, { identity: id.text, from: 'named' });
        else {
          n.from = 'chain+named';
          delete n.revoked; // named: check it online even if the chain revoked its claim
        }
      }
      if (nodes.size > MAX_IDENTITIES)
        throw new InputError(
          `the graph names ${nodes.size} identities; at most ${MAX_IDENTITIES} are checked`,
        );
      const todo = [...nodes.values()].filter((n) => !n.revoked);
      let done = 0;
      if (todo.length) spinner.update(`verifying ${todo.length} identities…`);
      await pool(todo, PARALLEL, async (n) => {
        n.result = await online.verify(parseIdentity(n.identity), key);
        spinner.update(`verified ${++done}/${todo.length} identities…`);
      });
      const list = [...nodes.values()].sort((a, b) => (a.identity < b.identity ? -1 : 1));
      graph = { key, outcome, nodes: list, ...overall(outcome, list) };
    } finally {
      spinner.stop();
      online.close();
    }
    const now = deps.now();
    const g = graph;
    return {
      data: graphJson(g, now),
      human: (c) => graphHuman(g, now, c),
      exitCode: exitCodeForStatus(g.status),
    };
  },
});
