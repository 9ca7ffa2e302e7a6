/**
 * The chain of chain-build.ts made with the `kez` command instead (SPEC §8):
 * `kez sigchain add` of the CLI's json claim, `add-device`, `rotate` (the new
 * key countersigns), `revoke` with the new key, then `export`. And the reverse:
 * `kez sigchain import`, `show --json` and `export` of a bundle made elsewhere.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { ChainSummary } from '@kez/core';
import type { BuiltChain } from './chain-build.js';
import type { Ctx } from './context.js';
import type { SuiteName } from './browser/api.js';

export async function cliBuildChain(ctx: Ctx, suite: SuiteName): Promise<BuiltChain> {
  const { cli } = ctx;
  // The genesis key and the claim are the claim scenarios' own (subject github:alice-kez).
  const [made, k2, dev] = await Promise.all([
    ctx.cliClaim(suite, 'json'),
    cli.json<{ public: string }>(['key', 'generate', '--alg', suite, '--name', `${suite}-k2`]),
    cli.json<{ public: string }>(['key', 'generate', '--alg', suite, '--name', `${suite}-dev`]),
  ]);
  const chain = made.key;
  const file = join(ctx.tmp, `chain-claim-${suite}.json`);
  writeFileSync(file, made.encoded);
  const on = ['--chain', chain];
  await cli.json(['sigchain', 'add', file, '--key', suite, ...on]);
  await cli.json(['sigchain', 'add-device', dev.public, '--name', 'laptop', '--key', suite, ...on]);
  await cli.json(['sigchain', 'rotate', '--new-key', `${suite}-k2`, '--key', suite, ...on]);
  await cli.json([
    'sigchain',
    'revoke',
    made.id,
    '--reason',
    'moved',
    '--key',
    `${suite}-k2`,
    ...on,
  ]);
  const out = await cli.run(['sigchain', 'export', ...on]);
  if (out.code !== 0)
    throw new Error(`kez sigchain export exited ${out.code}: ${out.stderr.trim()}`);
  return {
    bundle: out.stdout,
    chain,
    expect: { rotatedTo: k2.public, device: dev.public, claimId: made.id },
  };
}

interface ShowJson {
  chain: string | null;
  current: string | null;
  rotated: string[];
  devices: ChainSummary['devices'];
  live_claims: (string | { id: string })[];
  revoked_claims: (string | { id: string })[];
  head: { seq: number; id: string } | null;
  end: ChainSummary['end'];
}

const ids = (xs: (string | { id: string })[]) =>
  xs.map((x) => (typeof x === 'string' ? x : x.id)).sort();

/** Import a bundle into the CLI's store; its `show --json` (as a ChainSummary) and its `export`. */
export async function cliReadChain(
  ctx: Ctx,
  bundle: string,
  chain: string,
  label: string,
): Promise<{ summary: ChainSummary; bundle: string }> {
  const file = join(ctx.tmp, `import-${label}.jsonl`);
  writeFileSync(file, bundle);
  const on = ['--chain', chain];
  await ctx.cli.json(['sigchain', 'import', file, ...on]);
  const s = await ctx.cli.json<ShowJson>(['sigchain', 'show', ...on]);
  const out = await ctx.cli.run(['sigchain', 'export', ...on]);
  if (out.code !== 0)
    throw new Error(`kez sigchain export exited ${out.code}: ${out.stderr.trim()}`);
  const summary: ChainSummary = {
    chain: s.chain,
    current: s.current,
    rotated: s.rotated,
    devices: s.devices,
    live_claims: ids(s.live_claims),
    revoked_claims: ids(s.revoked_claims),
    head: s.head && { seq: s.head.seq, id: s.head.id },
    end: s.end,
  };
  return { summary, bundle: out.stdout };
}
