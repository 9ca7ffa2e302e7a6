/**
 * `kez verify id <identity>`: fetch the proof from where only that account
 * can publish, check it (SPEC §9.2) and say why when it fails: status, reason,
 * where it was found, what the account binding rests on, timings.
 */
import { InputError, REASONS, displayKey, parseKeyRef } from '@kez/core';
import type { CachedVerifyResult, VerifyResult } from '@kez/channels';
import { channelOptions } from '../../channel-options.js';
import { defineCommand } from '../../command.js';
import type { Deps } from '../../deps.js';
import { exitCodeForStatus } from '../../exit-codes.js';
import { KeyStore } from '../../key-store.js';
import { startSpinner } from '../../output.js';
import type { Colors } from '../../output.js';
import { Option } from 'commander';
import { combineParts, parseExpression } from './_assert.js';
import type { ExpressionResult } from './_assert.js';
import { noCacheOption, openOnline } from './_online.js';
import type { OnlineFlags } from './_online.js';

interface Opts extends OnlineFlags {
  key?: string;
}

/**
 * A key filter: a key ref, an npub, or the name of a stored key.
 * @example resolveKeyFilter('npub1…', deps) // 'nostr:3bf0…'
 */
export function resolveKeyFilter(input: string, deps: Pick<Deps, 'env'>): string {
  try {
    return parseKeyRef(input).text;
  } catch (e) {
    const store = new KeyStore(deps.env.home);
    if (/^[A-Za-z0-9_.-]{1,64}$/.test(input) && store.exists(input))
      return store.read(input).public;
    throw e instanceof InputError
      ? new InputError(`--key: ${e.message} (nor the name of a stored key)`, e.code)
      : e;
  }
}

/** The --json document: the result in the field names of SPEC §9.7 (with the cache use, §9.8). */
export function verifyJson(r: VerifyResult & Partial<CachedVerifyResult>): Record<string, unknown> {
  return {
    identity: r.identity,
    status: r.status,
    reason: r.reason,
    retry: REASONS[r.reason].retry,
    detail: r.detail,
    location: r.location,
    binding: r.binding,
    key: r.claim?.key,
    claim_id: r.claimId,
    claim: r.claim,
    encoding: r.encoding,
    // A chain that could not be fetched is not "none" (SPEC §8.10).
    chain: r.reason === 'chain_unavailable' ? 'unavailable' : r.chain,
    chain_source: r.chainSource,
    documents: r.texts,
    candidates: r.candidates,
    timings_ms: r.timings,
    fetched_at: r.fetchedAt,
    cache: r.cache,
    checked_at: r.checkedAt,
    aged: r.aged,
  };
}

const fmtMs = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

/** Human lines for one result. */
export function verifyHuman(r: VerifyResult & Partial<CachedVerifyResult>, c: Colors): string {
  const mark =
    r.status === 'valid' ? c.green('✓') : r.status === 'unreachable' ? c.yellow('?') : c.red('✗');
  const status =
    r.status === 'valid'
      ? c.green(r.status)
      : r.status === 'unreachable'
        ? c.yellow(r.status)
        : c.red(r.status);
  const lines = [`${mark} ${c.bold(r.identity)}  ${status} ${c.dim(`(${r.reason})`)}`];
  const row = (k: string, v: string) => lines.push(`  ${c.dim(k.padEnd(9))} ${v}`);
  if (r.status !== 'valid') row('why', r.detail ?? REASONS[r.reason].text);
  if (r.location) row(r.status === 'valid' ? 'found at' : 'where', r.location);
  if (r.binding)
    row(
      'binding',
      `${r.binding.kind} — ${r.binding.detail}` +
        (r.binding.kind === 'transport'
          ? c.dim(' (whoever relays it could forge the binding)')
          : ''),
    );
  if (r.claim) {
    const key = displayKey(parseKeyRef(r.claim.key));
    const when = new Date(r.claim.created_at * 1000).toISOString().slice(0, 10);
    const exp =
      r.claim.expires_at === undefined
        ? ''
        : `, expires ${new Date(r.claim.expires_at * 1000).toISOString().slice(0, 10)}`;
    row('claim', `${r.claimId?.slice(0, 16)}… by ${key} (${when}${exp}, ${r.encoding})`);
  }
  if (r.claim || r.chain === 'present')
    row('chain', r.chainSource ?? (r.reason === 'chain_unavailable' ? 'unavailable' : r.chain));
  const t = r.timings;
  row(
    'timings',
    `fetch ${fmtMs(t.fetch)} · check ${fmtMs(t.extract + t.check)}` +
      (r.chain === 'present' ? ` · chain ${fmtMs(t.chain)}` : '') +
      ` · total ${fmtMs(t.total)}`,
  );
  if (r.candidates.length > 1)
    row('others', `${r.candidates.length - 1} more candidate(s); --json lists them`);
  cacheRows(r, row, c);
  return lines.join('\n');
}

/** SPEC §9.8: say when a result was reused, and what an unreachable re-check replaced. */
function cacheRows(
  r: Partial<CachedVerifyResult>,
  row: (k: string, v: string) => void,
  c: Colors,
): void {
  const when = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  if (r.cache === 'fresh' && r.checkedAt !== undefined)
    row(
      'cache',
      c.dim(`proof checked at ${when(r.checkedAt)} (reused; --no-cache to fetch it now)`),
    );
  if (r.aged)
    row(
      'cached',
      c.dim(
        `was ${r.aged.status} at ${when(r.aged.checkedAt)}; not reused: it is over an hour old`,
      ),
    );
}

/** Human lines for an assertion expression: each part, then the combined result. */
function expressionHuman(x: ExpressionResult, c: Colors): string {
  const ok = x.status === 'valid';
  const mark = ok ? c.green('✓') : x.status === 'unreachable' ? c.yellow('?') : c.red('✗');
  const status = ok
    ? c.green(x.status)
    : x.status === 'unreachable'
      ? c.yellow(x.status)
      : c.red(x.status);
  const head = `${mark} ${c.bold(x.expression)}  ${status} ${c.dim(`(${x.reason})`)}`;
  const tail = ok
    ? `  ${c.dim('key'.padEnd(9))} ${displayKey(parseKeyRef(x.key!))} proves all ${x.parts.length} parts`
    : `  ${c.dim('why'.padEnd(9))} ${x.detail ?? REASONS[x.reason].text}`;
  return [...x.parts.map((p) => verifyHuman(p, c) + '\n'), head, tail].join('\n');
}

/** The --json document of an expression. */
function expressionJson(x: ExpressionResult): Record<string, unknown> {
  return {
    expression: x.expression,
    status: x.status,
    reason: x.reason,
    retry: REASONS[x.reason].retry,
    detail: x.detail,
    key: x.key,
    parts: x.parts.map(verifyJson),
  };
}

/** Parts of one expression at most (each is a fetch). */
const MAX_PARTS = 16;

export const verifyId = defineCommand<Opts, [string]>({
  group: 'verify',
  name: 'id',
  args: ['<identity>'],
  summary:
    'fetch and check the proof of an identity (dns:, github:, nostr:, bluesky:, ap:), or of a+b for one key',
  description:
    'Find the proof where only the claimed account can publish it, check the\n' +
    'claim, and check that the account which published it is the one claimed.\n' +
    'Reports one status: valid; invalid (with a reason: not_found,\n' +
    'bad_signature, owner_mismatch, …); revoked; expired; unreachable (the proof\n' +
    'could not be fetched — never "valid"); or fork. Requests to private and\n' +
    'loopback addresses are refused unless --allow-private.\n' +
    "The key's sigchain is looked up (--sig-server, --relay for nostr keys, the\n" +
    'gist or DNS pointer of the identity) and consulted: revoked, rotated and\n' +
    'device keys are judged by it; without any chain the claim stands alone.\n' +
    'a+b+… asserts that every identity holds AND that one key (or one sigchain)\n' +
    'proves them all. Results are cached (valid: 1 h, re-checked up to 24 h;\n' +
    'unreachable never); --no-cache fetches every proof now.',
  examples: [
    { description: 'check a GitHub account', command: 'kez verify id github:alice' },
    {
      description: 'only accept a proof signed by a given key, as JSON',
      command: 'kez verify id dns:example.com --key npub1… --json',
    },
    {
      description: 'assert that one key holds both accounts',
      command: 'kez verify id github:alice+dns:alice.example --sig-server https://sig.example',
    },
    {
      description: 'a Mastodon account, resolving DNS through a DoH server',
      command: 'kez verify id ap:@alice@example.social --doh-url https://dns.example/dns-query',
    },
    {
      description: 'against a local test server',
      command:
        'kez verify id github:alice --github-api http://127.0.0.1:8090 --github-raw http://127.0.0.1:8091 --allow-private',
    },
  ],
  options: () => [
    new Option('--key <key>', 'only accept a claim by this key (key ref, npub or stored key name)'),
    noCacheOption(),
    ...channelOptions(),
  ],
  jsonFields: [
    'identity',
    'status',
    'reason',
    'retry',
    'detail',
    'location',
    'binding',
    'key',
    'claim_id',
    'claim',
    'encoding',
    'chain',
    'chain_source',
    'documents',
    'candidates',
    'timings_ms',
    'fetched_at',
    'cache',
    'checked_at',
    'aged',
    'expression',
    'parts',
  ],
  async run({ args: [input], opts, deps }) {
    // Everything the user typed is checked before any request.
    const parts = parseExpression(input);
    if (parts.length > MAX_PARTS)
      throw new InputError(`an expression has at most ${MAX_PARTS} parts, got ${parts.length}`);
    const key = opts.key === undefined ? undefined : resolveKeyFilter(opts.key, deps);
    const online = openOnline(opts, deps, { identities: parts });
    const names = parts.map((p) => p.text).join(', ');
    const spinner = startSpinner(deps, `fetching the proof of ${names}…`);
    let results: CachedVerifyResult[];
    let combined: ExpressionResult | undefined;
    try {
      results = await Promise.all(parts.map((p) => online.verify(p, key)));
      if (parts.length > 1)
        combined = await combineParts(parts.map((p) => p.text).join('+'), results, online.chains);
    } finally {
      spinner.stop();
      online.close();
    }
    if (combined) {
      const x = combined;
      return {
        data: expressionJson(x),
        human: (c) => expressionHuman(x, c),
        exitCode: exitCodeForStatus(x.status),
      };
    }
    const r = results[0]!;
    return {
      data: verifyJson(r),
      human: (c) => verifyHuman(r, c),
      exitCode: exitCodeForStatus(r.status),
    };
  },
});
