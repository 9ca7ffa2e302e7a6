/**
 * JCS (RFC 8785) bytes from @kez/core — in Node and in Chromium — equal the
 * `canonicalize` package's, for every third-party vector and every claim vector.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize as coreCanonicalize, parseJson } from '@kez/core';
import canonicalize from 'canonicalize';
import { repoRoot } from '../bundle.js';
import type { Ctx } from '../context.js';
import { unwrap } from '../indep/decode.js';
import { ScenarioError } from '../runner.js';
import type { Artifacts, Scenario } from '../runner.js';

const VECTORS = join(repoRoot, 'test-vectors');

interface ClaimCase {
  comment: string;
  encoding: string;
  input: string;
  expected: { status: string; claim_id?: string };
}

function claimCases(): ClaimCase[] {
  return ['valid.json', 'invalid.json'].flatMap(
    (f) =>
      (JSON.parse(readFileSync(join(VECTORS, 'claims', f), 'utf8')) as { cases: ClaimCase[] })
        .cases,
  );
}

/** Compare several implementations' output with the expected bytes; throw listing every mismatch. */
function compare(
  name: string,
  expected: string,
  got: Record<string, string | undefined>,
  bad: string[],
): void {
  for (const [who, out] of Object.entries(got)) {
    if (out !== expected) bad.push(`${name}: ${who} gave ${JSON.stringify(out?.slice(0, 90))}`);
  }
}

export function jcsScenarios(ctx: Ctx): Scenario[] {
  return [
    {
      name: 'indep/jcs-rfc8785-vectors',
      async run() {
        const dir = join(VECTORS, 'third-party/jcs');
        const files = readdirSync(join(dir, 'input'))
          .filter((f) => f.endsWith('.json'))
          .sort();
        const bad: string[] = [];
        const art: Artifacts = {};
        for (const f of files) {
          const input = readFileSync(join(dir, 'input', f), 'utf8');
          const expected = readFileSync(join(dir, 'output', f), 'utf8');
          art[f] = expected;
          compare(
            f,
            expected,
            {
              'canonicalize (Node)': canonicalize(JSON.parse(input)),
              '@kez/core (Node)': coreCanonicalize(JSON.parse(input)),
              '@kez/core (Chromium)': await ctx.browser.core('canonicalizeJson', input),
              'canonicalize (Chromium)': await ctx.browser.indep('canonicalize', input),
            },
            bad,
          );
        }
        if (files.length < 6) bad.push(`only ${files.length} vectors found`);
        if (bad.length) throw new ScenarioError(bad.join('; '), art);
        return art;
      },
    },
    {
      name: 'indep/jcs-claim-vectors',
      // Every claim vector whose JSON parses strictly: valid ones must also
      // hash to their claim_id; invalid ones still have well-defined JCS.
      async run() {
        const bad: string[] = [];
        let compared = 0;
        let valid = 0;
        for (const c of claimCases()) {
          let json: string;
          try {
            json = unwrap(c.input, c.encoding).json;
            parseJson(json);
          } catch {
            if (c.expected.status === 'valid')
              bad.push(`${c.comment}: valid vector does not unwrap/parse`);
            continue;
          }
          const expected = canonicalize(JSON.parse(json));
          if (expected === undefined) continue;
          compared++;
          compare(
            c.comment,
            expected,
            {
              '@kez/core (Node)': coreCanonicalize(parseJson(json)),
              '@kez/core (Chromium)': await ctx.browser
                .core('canonicalizeStrict', json)
                .catch((e: Error) => `threw ${e.message}`),
            },
            bad,
          );
          if (c.expected.status === 'valid') {
            valid++;
            const id = createHash('sha256').update(expected).digest('hex');
            if (id !== c.expected.claim_id) bad.push(`${c.comment}: SHA-256(JCS) ${id} ≠ claim_id`);
          }
        }
        if (valid < 12) bad.push(`only ${valid} valid vectors compared`);
        if (bad.length)
          throw new ScenarioError(`${bad.length} mismatches — ${bad.slice(0, 4).join('; ')}`);
        return { compared: `${compared} claim vectors (${valid} valid)` };
      },
    },
  ];
}
