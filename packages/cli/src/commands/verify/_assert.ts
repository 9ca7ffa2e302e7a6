/**
 * Assertion expressions for `kez verify id` (BRIEF §4, issue 4):
 * `github:jason+dns:example.com` holds when every part is valid AND all
 * parts are proved by ONE key — the same signing key, or keys of one
 * sigchain (its id, rotated keys, devices; SPEC §8.10). The combined status
 * is the worst part's, definitive failures before unreachable (SPEC §10:
 * exit 1 wins over 3).
 */
import { InputError, REASONS, parseIdentity, verdict } from '@kez/core';
import type { Identity, ReasonCode, Status } from '@kez/core';
import type { CachedVerifyResult, ChainResolver } from '@kez/channels';

/** A `+` never occurs in an identity string (SPEC §2), so it separates parts. */
export const EXPRESSION_SEPARATOR = '+';

/**
 * Split and parse an expression; duplicates count once. A single identity is a one-part expression.
 * @example parseExpression('github:jason+dns:example.com').map((i) => i.text)
 */
export function parseExpression(input: string): Identity[] {
  const parts = input.split(EXPRESSION_SEPARATOR).map((p) => p.trim());
  if (parts.some((p) => p === ''))
    throw new InputError(`"${input.slice(0, 100)}" has an empty part (write a+b, not a++b)`);
  const out: Identity[] = [];
  for (const p of parts) {
    const id = parseIdentity(p);
    if (!out.some((o) => o.text === id.text)) out.push(id);
  }
  return out;
}

export interface ExpressionResult {
  expression: string;
  status: Status;
  reason: ReasonCode;
  detail?: string;
  /** The one key (or chain id) every part is proved by, when all hold. */
  key?: string;
  parts: CachedVerifyResult[];
}

/** Severity for choosing the combined result: definitive failures, then unreachable, then valid. */
const SEVERITY: Record<Status, number> = {
  invalid: 5,
  revoked: 5,
  expired: 5,
  fork: 5,
  unreachable: 2,
  valid: 0,
};

/** What ties a valid part to a key: the ids of the chains that judged it, else its signing key. */
async function anchors(r: CachedVerifyResult, chains: ChainResolver): Promise<Set<string>> {
  const claim = r.claim!;
  if (r.chain === 'present') {
    const o = await chains.lookup(claim.primary ?? claim.key);
    if (o.type === 'found') return new Set(o.states.map((s) => s.chain!));
  }
  return new Set([claim.key]);
}

/**
 * Judge the parts' results together.
 * @example await combineParts('github:a+dns:b.example', results, resolver)
 */
export async function combineParts(
  expression: string,
  parts: CachedVerifyResult[],
  chains: ChainResolver,
): Promise<ExpressionResult> {
  const worst = parts.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
  if (worst.status !== 'valid') {
    const why = worst.detail ?? REASONS[worst.reason].text;
    return {
      expression,
      status: worst.status,
      reason: worst.reason,
      detail: `${worst.identity}: ${why}`,
      parts,
    };
  }
  const sets = await Promise.all(parts.map((p) => anchors(p, chains)));
  const common = [...sets[0]!].filter((k) => sets.every((s) => s.has(k)));
  if (common.length)
    return { expression, status: 'valid', reason: 'ok', key: common.sort()[0]!, parts };
  const v = verdict(
    'key_mismatch',
    'the parts are proved by different keys: ' +
      parts.map((p) => `${p.identity} by ${p.claim!.key}`).join(', '),
  );
  return { expression, status: v.status, reason: v.reason, detail: v.detail!, parts };
}
