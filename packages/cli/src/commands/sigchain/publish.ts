/**
 * `kez sigchain publish`: send the local chain's events a sig-server lacks
 * (issue #5). Only the applied line is sent, after the server's head, in
 * bundles of at most 100 events, with on_conflict=reject: a race with
 * another writer never leaves fork evidence behind; it is reported instead.
 */
import { Option } from 'commander';
import { eventId, exportBundle } from '@kez/core';
import type { ChainEvent } from '@kez/core';
import { defineCommand } from '../../command.js';
import type { Deps } from '../../deps.js';
import { EXIT } from '../../exit-codes.js';
import type { ExitCode } from '../../exit-codes.js';
import { keyNameOption } from '../../options.js';
import { startSpinner } from '../../output.js';
import { chainToView } from './_view.js';
import type { ViewOpts } from './_view.js';
import {
  chainUrl,
  jsonBody,
  primaryLine,
  serverClient,
  serverError,
  serverOptions,
  serversFrom,
} from './_server.js';
import type { ServerClient, ServerFlags } from './_server.js';
import { checkLog } from './_tlog.js';
import { channelTargetOptions, prepareChannels, serversIfAny, wantsChannels } from './_channels.js';
import type { ChannelTarget, ChannelTargetFlags } from './_channels.js';
import type { LogCheck } from './_tlog.js';

/** The sig-server's default limit of events per request. */
const BATCH = 100;

export type PublishStatus = 'published' | 'up_to_date' | 'server_ahead' | 'conflict' | 'failed';

export interface ServerOutcome {
  server: string;
  status: PublishStatus;
  /** Events the server accepted in this run. */
  sent: number;
  /** The server's head after the run (seq and id), when known. */
  head: { seq: number; id: string } | null;
  /** The server's transparency log: the events it took proven in a signed, consistent head. */
  log?: LogCheck;
  error?: string;
  message?: string;
}

async function publishTo(
  client: ServerClient,
  server: string,
  chain: string,
  line: ChainEvent[],
  ids: string[],
  deps: Deps,
): Promise<ServerOutcome> {
  const base = chainUrl(server, chain);
  const out: ServerOutcome = { server, status: 'up_to_date', sent: 0, head: null };
  const fail = (status: PublishStatus, error: string, message: string): ServerOutcome => ({
    ...out,
    status,
    error,
    message,
  });
  let res;
  try {
    res = await client.fetch(`${base}/head`);
  } catch (e) {
    return fail('failed', (e as { code?: string }).code ?? 'network_error', (e as Error).message);
  }
  let from = 0;
  if (res.status === 200) {
    const head = jsonBody(`${base}/head`, res) as { seq: number; id: string };
    out.head = { seq: head.seq, id: head.id };
    if (head.seq > line.length)
      return {
        ...out,
        status: 'server_ahead',
        message: `the server has ${head.seq} events, you have ${line.length}: pull first`,
      };
    if (ids[head.seq - 1] !== head.id)
      return fail(
        'conflict',
        'fork',
        `the server holds a different event at seq ${head.seq} (${head.id.slice(0, 16)}…)`,
      );
    from = head.seq;
  } else if (res.status !== 404) {
    const e = serverError(res.status, res.body);
    return fail('failed', e.error, e.message);
  }
  const taken: { leaf: number; event: ChainEvent }[] = [];
  const byId = new Map(ids.map((id, i) => [id, line[i]!]));
  for (let i = from; i < line.length; i += BATCH) {
    const batch = line.slice(i, i + BATCH);
    let r;
    try {
      r = await client.fetch(`${base}/events?on_conflict=reject`, {
        method: 'POST',
        headers: { 'content-type': 'application/jsonl' },
        body: exportBundle(batch),
      });
    } catch (e) {
      return fail('failed', (e as { code?: string }).code ?? 'network_error', (e as Error).message);
    }
    if (r.status === 200 || r.status === 201) {
      const body = jsonBody(`${base}/events`, r) as {
        appended: string[];
        leaves?: number[];
        head: { seq: number; id: string };
      };
      body.appended.forEach((id, k) => {
        const leaf = body.leaves?.[k];
        const event = byId.get(id);
        if (leaf !== undefined && event) taken.push({ leaf, event });
      });
      out.sent += body.appended.length;
      out.head = { seq: body.head.seq, id: body.head.id };
      out.status = 'published';
      continue;
    }
    const e = serverError(r.status, r.body);
    return fail(r.status === 409 ? 'conflict' : 'failed', e.error, e.message);
  }
  out.log = await checkLog(client.fetch, deps, server, taken);
  return out;
}

export const sigchainPublish = defineCommand<ViewOpts & ServerFlags & ChannelTargetFlags>({
  group: 'sigchain',
  name: 'publish',
  summary: 'send your sigchain to sig-servers (only the events each one lacks)',
  description:
    "Sends the applied line of the local chain after each server's head. Exit 0 when every\n" +
    'server has the chain, 1 when a server holds a different event at some seq (a fork: pull\n' +
    'to see it), 3 when a server could not be reached or refused for another reason.',
  examples: [
    {
      description: "publish the default key's chain",
      command: 'kez sigchain publish --server https://sig.example.org',
    },
    {
      description: 'to nostr relays (signed by your nostr key) and a gist, no sig-server',
      command: 'kez sigchain publish --nostr --relay wss://relay.example --gist',
    },
    {
      description: 'to two servers, machine-readable',
      command: 'kez sigchain publish --server https://a.example --server https://b.example --json',
    },
  ],
  options: () => [
    keyNameOption('--key'),
    new Option('--chain <keyref>', 'the chain (its genesis key ref)'),
    ...serverOptions(),
    ...channelTargetOptions(),
  ],
  jsonFields: ['chain', 'events', 'servers', 'targets'],
  async run({ opts, deps }) {
    const servers = wantsChannels(opts)
      ? serversIfAny(opts, deps, serversFrom)
      : serversFrom(opts, deps);
    const local = await chainToView(deps, opts);
    const line = primaryLine(local.state);
    const ids = line.map((e) => eventId(e));
    const channels = await prepareChannels(opts, deps);
    const client = serverClient(opts, deps, servers);
    const spinner = startSpinner(deps, `publishing ${local.chain}…`);
    const outcomes: ServerOutcome[] = [];
    let targets: ChannelTarget[] = [];
    try {
      for (const s of servers)
        outcomes.push(await publishTo(client, s, local.chain, line, ids, deps));
      targets = await channels.publish(local.state);
    } finally {
      spinner.stop();
      client.close();
    }
    const exitCode: ExitCode =
      outcomes.some((o) => o.status === 'failed') || targets.some((t) => !t.ok)
        ? EXIT.UNREACHABLE
        : outcomes.some((o) => o.status === 'conflict')
          ? EXIT.VERIFY_FAILED
          : outcomes.some((o) => o.log?.status === 'failed')
            ? EXIT.VERIFY_FAILED
            : EXIT.OK;
    return {
      data: { chain: local.chain, events: line.length, servers: outcomes, targets },
      human: (c) =>
        outcomes
          .map((o) => {
            const head = o.head ? ` (head seq ${o.head.seq})` : '';
            const log =
              o.log?.status === 'failed'
                ? `\n  ${c.red('transparency log check failed')}: ${o.log.message} (${o.log.error})`
                : '';
            switch (o.status) {
              case 'published':
                return `${c.green('published')} ${o.sent} events to ${o.server}${head}${log}`;
              case 'up_to_date':
                return `${o.server} is up to date${head}${log}`;
              case 'server_ahead':
                return `${c.yellow('ahead')} ${o.server}: ${o.message}`;
              default:
                return `${c.red(o.status)} ${o.server}: ${o.message} (${o.error})`;
            }
          })
          .concat(
            targets.map(
              (t) =>
                `${t.ok ? c.green('published') : c.red('failed')} to ${t.target}: ${t.message}`,
            ),
          )
          .join('\n'),
      exitCode,
    };
  },
});
