/**
 * Regenerates test-vectors/claims/{valid,invalid}.json from fixed secret keys.
 * nostr signatures use fresh aux randomness, so each run writes new bytes: the
 * committed JSON files are the vectors; this script is how they were made.
 * Run: node --import tsx --conditions=kez-source scripts/gen-claim-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import { base64urlnopad } from '@scure/base';
import {
  canonicalize,
  createClaim,
  encodeClaim,
  ENCODINGS,
  getSuite,
  signingDigest,
  signingInput,
  toHex,
  zstdCompress,
  claimId,
  type Claim,
  type SuiteName,
} from '@kez/core';

const NOW = 1764000000; // 2025-11-24T16:00:00Z
const KEYS: Record<SuiteName, string> = {
  nostr: '0000000000000000000000000000000000000000000000000000000000000003',
  ed25519: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', // RFC 8032 §7.1 TEST 1 secret
};
const OTHER: Record<SuiteName, string> = {
  nostr: 'b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef',
  ed25519: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', // RFC 8032 TEST 2 secret
};
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

interface Case {
  comment: string;
  suite?: SuiteName;
  encoding?: string;
  input: string;
  now: number;
  subject?: string;
  key?: string;
  expected: {
    status: string;
    reason: string;
    stage: 'decode' | 'check';
    subject?: string;
    key?: string;
    claim_id?: string;
  };
  tags: string[];
}

const valid: Case[] = [];
const invalid: Case[] = [];
const claims: Record<string, Claim> = {};

async function rawCompact(json: string): Promise<string> {
  return 'kez:z1:' + base64urlnopad.encode(await zstdCompress(new TextEncoder().encode(json)));
}

for (const suite of ['nostr', 'ed25519'] as const) {
  const sk = hex(KEYS[suite]);
  const claim = await createClaim({
    subject: 'dns:example.com',
    suite,
    secretKey: sk,
    now: NOW,
    expiresAt: NOW + 365 * 86400,
  });
  claims[suite] = claim;
  for (const encoding of ENCODINGS) {
    valid.push({
      comment: `${suite} claim for dns:example.com, ${encoding} encoding`,
      suite,
      encoding,
      input: await encodeClaim(claim, encoding),
      now: NOW + 60,
      expected: {
        status: 'valid',
        reason: 'ok',
        stage: 'check',
        subject: claim.subject,
        key: claim.key,
        claim_id: claimId(claim),
      },
      tags: [suite, encoding],
    });
  }
  const gh = await createClaim({ subject: 'github:Alice', suite, secretKey: sk, now: NOW });
  valid.push({
    comment: `${suite} claim for github:alice without expiry (subject normalized from github:Alice)`,
    suite,
    encoding: 'json',
    input: await encodeClaim(gh, 'json'),
    now: NOW + 10 * 365 * 86400,
    expected: {
      status: 'valid',
      reason: 'ok',
      stage: 'check',
      subject: 'github:alice',
      key: gh.key,
      claim_id: claimId(gh),
    },
    tags: [suite, 'json', 'no-expiry'],
  });

  // Tampering: each signed part, in every encoding.
  const other = getSuite(suite).getPublicKey(hex(OTHER[suite]));
  const tampers: [string, (c: Claim) => Claim][] = [
    [
      'signature byte flipped',
      (c) => ({ ...c, sig: (c.sig[0] === '0' ? '1' : '0') + c.sig.slice(1) }),
    ],
    ['key replaced by another valid key', (c) => ({ ...c, key: `${suite}:${toHex(other)}` })],
    ['subject changed', (c) => ({ ...c, subject: 'dns:example.org' })],
    ['created_at changed', (c) => ({ ...c, created_at: c.created_at + 1 })],
    ['expires_at extended', (c) => ({ ...c, expires_at: (c.expires_at ?? 0) + 1 })],
  ];
  for (const [what, f] of tampers) {
    for (const encoding of ENCODINGS) {
      invalid.push({
        comment: `${suite}: ${what} (${encoding})`,
        suite,
        encoding,
        input: await encodeClaim(f(claim), encoding),
        now: NOW + 60,
        expected: { status: 'invalid', reason: 'bad_signature', stage: 'check' },
        tags: [suite, encoding, 'tamper'],
      });
    }
  }
  invalid.push({
    comment: `${suite}: past expires_at`,
    suite,
    encoding: 'compact',
    input: await encodeClaim(claim, 'compact'),
    now: claim.expires_at!,
    expected: { status: 'expired', reason: 'expired', stage: 'check' },
    tags: [suite, 'expiry'],
  });
  invalid.push({
    comment: `${suite}: created_at 301 s ahead of the verifier's clock`,
    suite,
    encoding: 'json',
    input: await encodeClaim(claim, 'json'),
    now: NOW - 301,
    expected: { status: 'invalid', reason: 'not_yet_valid', stage: 'check' },
    tags: [suite, 'clock-skew'],
  });
  valid.push({
    comment: `${suite}: created_at exactly 300 s ahead of the verifier's clock is still accepted`,
    suite,
    encoding: 'json',
    input: await encodeClaim(claim, 'json'),
    now: NOW - 300,
    expected: {
      status: 'valid',
      reason: 'ok',
      stage: 'check',
      subject: claim.subject,
      key: claim.key,
      claim_id: claimId(claim),
    },
    tags: [suite, 'clock-skew'],
  });
  invalid.push({
    comment: `${suite}: verifier asks about another subject`,
    suite,
    encoding: 'json',
    input: await encodeClaim(claim, 'json'),
    now: NOW + 60,
    subject: 'dns:example.net',
    expected: { status: 'invalid', reason: 'subject_mismatch', stage: 'check' },
    tags: [suite, 'subject'],
  });
  invalid.push({
    comment: `${suite}: verifier asks about another key`,
    suite,
    encoding: 'json',
    input: await encodeClaim(claim, 'json'),
    now: NOW + 60,
    key: `${suite}:${toHex(other)}`,
    expected: { status: 'invalid', reason: 'key_mismatch', stage: 'check' },
    tags: [suite, 'key'],
  });
}

// Malformed inputs: rejected before any signature is checked.
const base = claims.nostr!;
const baseJson = canonicalize(base);
const malformed: [string, string, string, string[]][] = [
  ['unknown top-level field', canonicalize({ ...base, extra: 1 }), 'malformed', ['schema']],
  [
    'created_at is a string',
    canonicalize({ ...base, created_at: String(base.created_at) }),
    'malformed',
    ['schema'],
  ],
  [
    'created_at is fractional',
    canonicalize({ ...base, created_at: base.created_at + 0.5 }),
    'malformed',
    ['schema'],
  ],
  ['kez version 0.1', canonicalize({ ...base, kez: '0.1' }), 'malformed', ['schema']],
  [
    'subject not normalized',
    canonicalize({ ...base, subject: 'DNS:Example.com.' }),
    'malformed',
    ['identity'],
  ],
  [
    'unknown channel in subject',
    canonicalize({ ...base, subject: 'myspace:tom' }),
    'malformed',
    ['identity'],
  ],
  [
    'key in uppercase hex',
    canonicalize({ ...base, key: base.key.toUpperCase().replace('NOSTR', 'nostr') }),
    'malformed',
    ['key'],
  ],
  [
    'unknown suite',
    canonicalize({ ...base, key: 'rsa:' + base.key.slice(6) }),
    'unknown_suite',
    ['key'],
  ],
  [
    'ed25519 small-order key (identity point)',
    canonicalize({ ...base, key: 'ed25519:01' + '00'.repeat(31) }),
    'weak_key',
    ['key', 'ed25519'],
  ],
  [
    'nostr key not on the curve',
    canonicalize({ ...base, key: 'nostr:' + 'ff'.repeat(32) }),
    'weak_key',
    ['key', 'nostr'],
  ],
  ['sig too short', canonicalize({ ...base, sig: base.sig.slice(2) }), 'malformed', ['sig']],
  ['sig not hex', canonicalize({ ...base, sig: 'zz' + base.sig.slice(2) }), 'malformed', ['sig']],
  ['duplicate key in JSON', baseJson.replace('{', '{"kez":"0.2",'), 'malformed', ['json']],
  ['invalid JSON (truncated)', baseJson.slice(0, -5), 'malformed', ['json']],
  [
    'lone surrogate in ext',
    baseJson.replace('{', '{"ext":{"n":"\\ud800"},'),
    'malformed',
    ['json'],
  ],
  ['claim is an array', '[' + baseJson + ']', 'malformed', ['json']],
  [
    'expires_at before created_at',
    canonicalize({ ...base, expires_at: base.created_at - 1 }),
    'malformed',
    ['schema'],
  ],
];
for (const [comment, text, reason, tags] of malformed) {
  invalid.push({
    comment,
    encoding: 'json',
    input: text,
    now: NOW,
    expected: { status: 'invalid', reason, stage: 'decode' },
    tags: ['malformed', ...tags],
  });
}
const compact = await encodeClaim(base, 'compact');
const transport: [string, string, string[]][] = [
  ['compact: truncated base64url (one char cut)', compact.slice(0, -1), ['compact']],
  ['compact: truncated payload (zstd frame cut)', compact.slice(0, -12), ['compact']],
  ['compact: wrong prefix kez:z2:', compact.replace('kez:z1:', 'kez:z2:'), ['compact']],
  ['compact: bad base64url character', compact.slice(0, 20) + '+' + compact.slice(21), ['compact']],
  [
    'compact: not zstd at all',
    'kez:z1:' + base64urlnopad.encode(new TextEncoder().encode(baseJson)),
    ['compact'],
  ],
  ['compact: zstd of invalid JSON', await rawCompact('{"kez":'), ['compact']],
  [
    'compact: zstd bomb declaring 100 MiB',
    'kez:z1:' + base64urlnopad.encode(await zstdCompress(new Uint8Array(100 * 1024 * 1024), 19)),
    ['compact', 'bomb'],
  ],
  ['dns: unterminated string', '"' + compact.slice(0, 100), ['dns']],
  ['dns: unquoted text', 'x' + compact, ['dns']],
  [
    'markdown: two fences',
    '```kez\n' + baseJson + '\n```\n```kez\n' + baseJson + '\n```\n',
    ['markdown'],
  ],
  ['unrecognized encoding', 'hello world', ['detect']],
  ['oversized input (70 000 bytes)', '{"pad":"' + 'a'.repeat(70000) + '"}', ['size']],
];
for (const [comment, text, tags] of transport) {
  invalid.push({
    comment,
    input: text,
    now: NOW,
    expected: { status: 'invalid', reason: 'malformed', stage: 'decode' },
    tags: ['malformed', ...tags],
  });
}

// Worked example for SPEC Appendix A: the exact signed bytes of the ed25519 claim.
const ed = claims.ed25519!;
const example = {
  comment: 'SPEC Appendix A: the signing input of the ed25519 json vector',
  claim: ed,
  signing_input_utf8: new TextDecoder().decode(signingInput('claim', ed)),
  signing_input_hex: toHex(signingInput('claim', ed)),
  digest_hex: toHex(signingDigest('claim', ed)),
  secret_key_hex: KEYS.ed25519,
};

const source = 'generated by scripts/gen-claim-vectors.ts; see SPEC.md §12';
writeFileSync(
  'test-vectors/claims/valid.json',
  JSON.stringify({ source, cases: valid }, null, 2) + '\n',
);
writeFileSync(
  'test-vectors/claims/invalid.json',
  JSON.stringify({ source, cases: invalid }, null, 2) + '\n',
);
writeFileSync('test-vectors/claims/signing-example.json', JSON.stringify(example, null, 2) + '\n');
console.log(`valid: ${valid.length}, invalid: ${invalid.length}`);
