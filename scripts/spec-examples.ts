/**
 * Fills SPEC.md Appendix A with real bytes taken from test-vectors/ (so every
 * example is reproducible from the vectors), or checks that it is filled:
 *   node --import tsx --conditions=kez-source scripts/spec-examples.ts [--check]
 * Each example sits between `<!-- EXAMPLE:name -->` and `<!-- /EXAMPLE -->`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claimId, decodeClaim, getSuite, signingDigest, signingInput, toHex } from '@kez/core';

const root = join(fileURLToPath(import.meta.url), '..', '..');

interface ClaimCase {
  comment: string;
  suite?: string;
  encoding?: string;
  input: string;
}

const fence = (lang: string, body: string, ticks = '```') =>
  ticks + lang + '\n' + body + (body.endsWith('\n') ? '' : '\n') + ticks;

export async function buildExamples(): Promise<Record<string, string>> {
  const valid = JSON.parse(readFileSync(join(root, 'test-vectors/claims/valid.json'), 'utf8')) as {
    cases: ClaimCase[];
  };
  const pick = (suite: string, enc: string) =>
    valid.cases.find(
      (c) => c.suite === suite && c.encoding === enc && c.comment.includes('dns:example.com'),
    )!.input;
  const nostrSk = '0000000000000000000000000000000000000000000000000000000000000003';
  const edSk = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
  const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
  const ex: Record<string, string> = {};
  ex.keys = fence(
    'text',
    [
      `nostr   secret ${nostrSk}`,
      `        key ref nostr:${toHex(getSuite('nostr').getPublicKey(hex(nostrSk)))}`,
      `ed25519 secret ${edSk}   (RFC 8032 §7.1 TEST 1)`,
      `        key ref ed25519:${toHex(getSuite('ed25519').getPublicKey(hex(edSk)))}`,
    ].join('\n'),
  );
  ex['claim-nostr-json'] = fence('json', pick('nostr', 'json'));
  ex['claim-nostr-compact'] = fence('text', pick('nostr', 'compact'));
  ex['claim-nostr-markdown'] = fence('markdown', pick('nostr', 'markdown'), '````');
  ex['claim-nostr-dns'] = fence('text', `_kez.example.com. 3600 IN TXT ${pick('nostr', 'dns')}`);
  const nostrClaim = (await decodeClaim(pick('nostr', 'json'))).claim;
  ex['claim-nostr-id'] = fence('text', claimId(nostrClaim));
  ex['claim-ed25519-json'] = fence('json', pick('ed25519', 'json'));
  ex['signing-input-hex'] = fence(
    'text',
    toHex(signingInput('claim', nostrClaim))
      .replace(/(.{64})/g, '$1\n')
      .trim(),
  );
  ex['signing-digest'] = fence('text', toHex(signingDigest('claim', nostrClaim)));
  const chainFile = join(root, 'test-vectors/sigchain/valid.json');
  if (existsSync(chainFile)) {
    const doc = JSON.parse(readFileSync(chainFile, 'utf8')) as {
      cases: { comment: string; events?: unknown[]; bundle?: string; expected?: unknown }[];
    };
    const three = doc.cases.find((c) => (c.events?.length ?? 0) === 3) ?? doc.cases[0];
    if (three) {
      const { exportBundle, eventId } = (await import('@kez/core')) as unknown as {
        exportBundle: (e: unknown[]) => string;
        eventId: (e: unknown) => string;
      };
      const events = three.events ?? [];
      ex['sigchain-jsonl'] = fence('text', exportBundle(events));
      ex['sigchain-ids'] = fence(
        'text',
        events.map((e, i) => `seq ${i + 1}  ${eventId(e)}`).join('\n'),
      );
    }
  }
  return ex;
}

export function applyExamples(spec: string, ex: Record<string, string>): string {
  return spec.replace(
    /<!-- EXAMPLE:([a-z0-9-]+) -->(?:\n[\s\S]*?<!-- \/EXAMPLE -->)?/g,
    (whole, name: string) =>
      ex[name] === undefined ? whole : `<!-- EXAMPLE:${name} -->\n${ex[name]}\n<!-- /EXAMPLE -->`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = join(root, 'SPEC.md');
  const spec = readFileSync(path, 'utf8');
  const next = applyExamples(spec, await buildExamples());
  if (process.argv.includes('--check')) {
    if (next !== spec) {
      console.error('SPEC.md Appendix A is out of date: run scripts/spec-examples.ts');
      process.exit(1);
    }
  } else writeFileSync(path, next);
}
