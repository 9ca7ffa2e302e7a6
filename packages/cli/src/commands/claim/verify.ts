/** `kez claim verify`: check a claim offline — decode any encoding, signature, subject, key, expiry. */
import { Option } from 'commander';
import {
  ENCODINGS,
  InputError,
  KezError,
  MAX_ENCODED_BYTES,
  REASONS,
  checkClaim,
  claimId,
  decodeClaim,
  displayKey,
  fromUtf8,
  parseIdentity,
  parseKeyRef,
} from '@kez/core';
import type { DecodedClaim, EncodingName } from '@kez/core';
import { defineCommand } from '../../command.js';
import { exitCodeForStatus } from '../../exit-codes.js';
import { readInput } from '../../files.js';
import type { Colors } from '../../output.js';

interface Opts {
  identity?: string;
  key?: string;
  encoding?: EncodingName;
}

export const claimVerify = defineCommand<Opts, [string]>({
  group: 'claim',
  name: 'verify',
  args: ['<file>'],
  summary: 'check a claim offline (any encoding; "-" reads stdin)',
  description:
    'Decode a claim (JSON, kez:z1: compact, ```kez Markdown fence or quoted DNS TXT value —\n' +
    'detected automatically) and check its signature, validity window and, if asked, its\n' +
    'subject and signer. Exit 0 valid; 1 a claim that does not verify (bad_signature,\n' +
    'expired, subject_mismatch, key_mismatch, …); 2 input that is not a claim at all.\n' +
    'Offline: it does not fetch the proof or consult a sigchain (that is "kez verify id").',
  examples: [
    { description: 'a claim in a file', command: 'kez claim verify claim.txt' },
    {
      description: 'straight from claim create',
      command: 'kez claim create dns:example.com | kez claim verify -',
    },
    {
      description: 'require the subject and the signer',
      command: 'kez claim verify claim.txt --identity dns:example.com --key npub1…',
    },
  ],
  options: () => [
    new Option('--identity <identity>', 'require the claim to be about this identity'),
    new Option('--key <key>', 'require the claim to be signed by this key (key ref or npub)'),
    new Option('--encoding <encoding>', 'skip auto-detection').choices([...ENCODINGS]),
  ],
  jsonFields: [
    'status',
    'reason',
    'detail',
    'valid',
    'subject',
    'key',
    'npub',
    'primary',
    'created_at',
    'expires_at',
    'encoding',
    'id',
  ],
  async run({ args: [source], opts, deps }) {
    const identity = opts.identity === undefined ? undefined : parseIdentity(opts.identity).text;
    const key = opts.key === undefined ? undefined : parseKeyRef(opts.key).text;
    const label = source === '-' ? 'stdin' : source;
    const decoded = await decodeFrom(
      fromUtfOrFail(await readInput(deps, source, MAX_ENCODED_BYTES), label),
      label,
      opts.encoding,
    );
    const { claim } = decoded;
    const v = await checkClaim(claim, {
      now: deps.now(),
      ...(identity === undefined ? {} : { subject: identity }),
      ...(key === undefined ? {} : { key }),
    });
    const ref = parseKeyRef(claim.key);
    const data = {
      status: v.status,
      reason: v.reason,
      detail: v.detail,
      valid: v.status === 'valid',
      subject: claim.subject,
      key: claim.key,
      npub: ref.suite === 'nostr' ? displayKey(ref) : undefined,
      primary: claim.primary,
      created_at: claim.created_at,
      expires_at: claim.expires_at,
      encoding: decoded.encoding,
      id: claimId(claim),
    };
    return { data, human: (c) => formatVerdict(data, c), exitCode: exitCodeForStatus(v.status) };
  },
});

function fromUtfOrFail(bytes: Uint8Array, label: string): string {
  try {
    return fromUtf8(bytes);
  } catch (e) {
    if (e instanceof InputError)
      throw new InputError(`${label} is not a claim: ${e.message}`, e.code);
    throw e;
  }
}

/** Any decoding failure means "not a claim": exit 2, with the label and core's reason code. */
async function decodeFrom(text: string, label: string, enc?: EncodingName): Promise<DecodedClaim> {
  try {
    return await decodeClaim(text, enc);
  } catch (e) {
    if (e instanceof KezError)
      throw new InputError(`${label} is not a claim: ${e.message}`, e.code);
    throw e;
  }
}

function time(t: number | undefined): string {
  return t === undefined ? 'never' : `${new Date(t * 1000).toISOString()} (${t})`;
}

function formatVerdict(
  d: {
    status: string;
    reason: keyof typeof REASONS;
    detail: string | undefined;
    valid: boolean;
    subject: string;
    key: string;
    npub: string | undefined;
    primary: string | undefined;
    created_at: number;
    expires_at: number | undefined;
    encoding: string;
    id: string;
  },
  c: Colors,
): string {
  const head = d.valid
    ? c.green(`✓ valid`) + ` — ${REASONS[d.reason].text}`
    : c.red(`✗ ${d.status}`) + ` — ${d.detail ?? REASONS[d.reason].text} (${d.reason})`;
  const rows: [string, string][] = [
    ['subject', d.subject],
    ['signed by', d.key],
  ];
  if (d.npub) rows.push(['', d.npub]);
  if (d.primary) rows.push(['primary', d.primary]);
  rows.push(['created', time(d.created_at)]);
  rows.push(['expires', time(d.expires_at)]);
  rows.push(['encoding', d.encoding]);
  rows.push(['claim id', d.id]);
  return [head, ...rows.map(([l, v]) => `  ${c.dim(l.padEnd(10))} ${v}`)].join('\n');
}
