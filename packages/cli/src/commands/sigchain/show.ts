/** `kez sigchain show`: the processed local chain — keys, devices, claims, how it ends. */
import { Option } from 'commander';
import { summarizeChain } from '@kez/core';
import { defineCommand } from '../../command.js';
import type { Colors } from '../../output.js';
import { keyNameOption } from '../../options.js';
import { chainToView, exitForEnd } from './_view.js';
import type { ViewOpts } from './_view.js';

export const sigchainShow = defineCommand<ViewOpts>({
  group: 'sigchain',
  name: 'show',
  summary: 'show your sigchain: current key, devices, live and revoked claims, how it ends',
  examples: [
    { description: 'the chain of the default key', command: 'kez sigchain show' },
    { description: 'machine-readable', command: 'kez sigchain show --json' },
    { description: 'any local chain by its id', command: 'kez sigchain show --chain ed25519:…' },
  ],
  options: () => [
    keyNameOption('--key'),
    new Option('--chain <keyref>', 'the chain (its genesis key ref)'),
  ],
  jsonFields: [
    'chain',
    'file',
    'current',
    'rotated',
    'devices',
    'live_claims',
    'revoked_claims',
    'head',
    'end',
    'unapplied',
    'dropped',
  ],
  async run({ opts, deps }) {
    const local = await chainToView(deps, opts);
    const s = local.state;
    const sum = summarizeChain(s);
    const now = deps.now();
    const live = Object.entries(s.liveClaims).map(([id, c]) => ({
      id,
      subject: c.claim.subject,
      key: c.claim.key,
      added: c.added.seq,
    }));
    const revoked = Object.entries(s.revokedClaims).map(([id, r]) => ({
      id,
      subject: r.claim?.subject,
      revoked: r.revoked.seq,
      reason: r.reason,
    }));
    const data = {
      ...sum,
      file: local.path,
      live_claims: live,
      revoked_claims: revoked,
      unapplied: s.unapplied,
      dropped: s.dropped,
    };
    const human = (c: Colors) => {
      const end = s.end;
      const endText =
        end.kind === 'complete'
          ? c.green('complete')
          : end.kind === 'pending'
            ? c.yellow(`pending at seq ${end.seq}`)
            : c.red(`${end.kind} at seq ${end.seq}`);
      const lines = [
        `chain    ${s.chain}`,
        `file     ${local.path}`,
        `end      ${endText}${s.head ? ` (head: seq ${s.head.seq}, ${s.head.id.slice(0, 16)}…)` : ''}`,
        `current  ${s.current}`,
      ];
      for (const r of s.rotated) lines.push(`rotated  ${r.key} (at seq ${r.at.seq})`);
      for (const [key, d] of Object.entries(s.devices)) {
        const state = d.revoked
          ? c.red(`revoked at seq ${d.revoked.seq}`)
          : d.expires_at !== undefined && now >= d.expires_at
            ? c.red('expired')
            : c.green('live');
        lines.push(
          `device   ${key}${d.name ? ` "${d.name}"` : ''} — added at seq ${d.added.seq}, ${state}`,
        );
      }
      for (const l of live)
        lines.push(
          `claim    ${c.green('live')}     ${l.subject}  ${l.id.slice(0, 16)}… (seq ${l.added})`,
        );
      for (const r of revoked)
        lines.push(
          `claim    ${c.red('revoked')}  ${r.subject ?? '(not listed)'}  ${r.id.slice(0, 16)}… (seq ${r.revoked}${r.reason ? `: ${r.reason}` : ''})`,
        );
      for (const u of s.unapplied)
        lines.push(c.yellow(`unapplied seq ${u.seq}: ${u.why} — ${u.detail}`));
      for (const d of s.dropped)
        lines.push(c.yellow(`dropped  line ${d.index + 1}: ${d.why} — ${d.detail}`));
      return lines.join('\n');
    };
    return { data, human, exitCode: exitForEnd(s) };
  },
});
