/**
 * nostr and ed25519 × json, compact, markdown, dns: made by the Node CLI and
 * verified by @kez/core in Chromium; made in Chromium and verified by the CLI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENCODINGS, SUBJECTS, SUITES } from '../context.js';
import type { Ctx } from '../context.js';
import { check } from '../runner.js';
import type { Scenario } from '../runner.js';

interface VerifyJson {
  status: string;
  reason: string;
  detail?: string;
  encoding: string;
  id: string;
  subject: string;
}

export function claimScenarios(ctx: Ctx): Scenario[] {
  const out: Scenario[] = [];
  for (const suite of SUITES) {
    for (const encoding of ENCODINGS) {
      const want = SUBJECTS[encoding].normalized;
      out.push({
        name: `cli-to-browser/${suite}/${encoding}`,
        async run() {
          const made = await ctx.cliClaim(suite, encoding);
          const art = { [`cli ${encoding}`]: made.encoded, 'cli claim id': made.id };
          const r = await ctx.browser.core('checkClaimText', made.encoded, {
            subject: want,
            key: made.key,
            now: ctx.now(),
          });
          check(
            r.status === 'valid' && r.reason === 'ok',
            `browser says ${r.status}/${r.reason}: ${r.detail ?? ''}`,
            art,
          );
          check(r.encoding === encoding, `browser detected ${r.encoding}, not ${encoding}`, art);
          check(
            r.id === made.id,
            `browser claim id ${r.id} differs from the CLI's ${made.id}`,
            art,
          );
          check(r.subject === want, `browser sees subject ${r.subject}, not ${want}`, art);
          check(r.reencoded === made.encoded, 'browser re-encoding differs from the CLI bytes', {
            ...art,
            'browser re-encoded': r.reencoded ?? '',
          });
          return art;
        },
      });
    }
  }
  for (const suite of SUITES) {
    for (const encoding of ENCODINGS) {
      const want = SUBJECTS[encoding].normalized;
      out.push({
        name: `browser-to-cli/${suite}/${encoding}`,
        async run() {
          const made = await ctx.browserClaim(suite, encoding);
          const art = { [`browser ${encoding}`]: made.encoded, 'browser claim id': made.id };
          check(
            made.subject === want,
            `browser normalized the subject to ${made.subject}, not ${want}`,
            art,
          );
          const file = join(ctx.tmp, `browser-${suite}-${encoding}.txt`);
          writeFileSync(file, made.encoded);
          const r = await ctx.cli.json<VerifyJson>(
            ['claim', 'verify', file, '--identity', want, '--key', made.key],
            undefined,
            [0, 1, 2],
          );
          check(
            r.exitCode === 0 && r.status === 'valid',
            `kez claim verify exited ${r.exitCode}: ${r.status}/${r.reason} ${r.detail ?? ''}`,
            art,
          );
          check(r.encoding === encoding, `CLI detected ${r.encoding}, not ${encoding}`, art);
          check(
            r.id === made.id,
            `CLI claim id ${r.id} differs from the browser's ${made.id}`,
            art,
          );
          return art;
        },
      });
    }
  }
  return out;
}
