/**
 * `kez sigchain pull`: fetch a key's chain from sig-servers and merge it into
 * the local copy (SPEC §8.10: any source may contribute; merging can only
 * reveal more). Everything fetched is checked with core's validateChain;
 * nothing from a server is trusted.
 */
import { InputError, parseKeyRef, validateChain } from '@kez/core';
import type { Json } from '@kez/core';
import { defineCommand } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { KeyStore } from '../../key-store.js';
import { keyNameOption } from '../../options.js';
import { startSpinner } from '../../output.js';
import { openChain, saveChain } from './_local.js';
import { exitForEnd } from './_view.js';
import {
  chainUrl,
  jsonBody,
  serverClient,
  serverError,
  serverOptions,
  serversFrom,
} from './_server.js';
import type { ServerClient, ServerFlags } from './_server.js';
import { checkLog } from './_tlog.js';
import type { LogCheck } from './_tlog.js';

interface PullOutcome {
  server: string;
  status: 'fetched' | 'none' | 'failed';
  events: number;
  /** The server's transparency log: every fetched event proven in a signed, consistent head. */
  log?: LogCheck;
  error?: string;
  message?: string;
}

/** Most JSON pages read from one server (1,000 seqs each). */
const MAX_PAGES = 10_000;

type Fetched =
  | { status: 'fetched'; events: Json[]; leaves: { leaf: number; event: object }[] }
  | { status: 'none' }
  | { status: 'failed'; error: string; message: string };

/** The chain as JSON pages (events with their log leaves), page after page. */
async function fetchChain(client: ServerClient, server: string, key: string): Promise<Fetched> {
  const events: Json[] = [];
  const leaves: { leaf: number; event: object }[] = [];
  let after = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${chainUrl(server, key)}?after=${after}&limit=1000`;
    const res = await client.fetch(url, { headers: { accept: 'application/json' } });
    if (res.status === 404 && page === 0) return { status: 'none' };
    if (res.status !== 200) return { status: 'failed', ...serverError(res.status, res.body) };
    const body = jsonBody(url, res) as { events?: unknown; leaves?: unknown; next_after?: unknown };
    const evs = body.events;
    const lvs = body.leaves;
    if (!Array.isArray(evs) || !Array.isArray(lvs) || evs.length !== lvs.length)
      return { status: 'failed', error: 'bad_response', message: `${url}: not a chain page` };
    for (let i = 0; i < evs.length; i++) {
      const e = evs[i] as Json;
      if (typeof e !== 'object' || e === null || Array.isArray(e) || !Number.isSafeInteger(lvs[i]))
        return { status: 'failed', error: 'bad_response', message: `${url}: not a chain page` };
      events.push(e);
      leaves.push({ leaf: lvs[i] as number, event: e });
    }
    const next = body.next_after;
    if (next === null) return { status: 'fetched', events, leaves };
    if (typeof next !== 'number' || !(next > after))
      return {
        status: 'failed',
        error: 'bad_response',
        message: `${url}: next_after does not advance`,
      };
    after = next;
  }
  return { status: 'failed', error: 'too_large', message: `more than ${MAX_PAGES} pages` };
}

export const sigchainPull = defineCommand<ServerFlags & { key: string }, [string | undefined]>({
  group: 'sigchain',
  name: 'pull',
  args: ['[keyref]'],
  summary: "fetch a key's sigchain from sig-servers and merge it into your local chains",
  description:
    "The key defaults to your --key's public key. A server finds the chain of a key that\n" +
    'started it or was rotated into it. Exit 0 when the merged chain is complete, 1 when it\n' +
    'forks or halts or no server has it, 3 when events are missing or no server answered.',
  examples: [
    {
      description: 'refresh your own chain',
      command: 'kez sigchain pull --server https://sig.example.org',
    },
    {
      description: "someone else's, by key",
      command: 'kez sigchain pull npub1… --server https://sig.example.org',
    },
  ],
  options: () => [keyNameOption('--key'), ...serverOptions()],
  jsonFields: ['key', 'chain', 'file', 'events', 'new_events', 'end', 'head', 'servers'],
  async run({ args: [keyArg], opts, deps }) {
    const servers = serversFrom(opts, deps);
    const key =
      keyArg !== undefined
        ? parseKeyRef(keyArg).text
        : new KeyStore(deps.env.home).read(opts.key).public;
    const client = serverClient(opts, deps, servers);
    const spinner = startSpinner(deps, `fetching the chain of ${key}…`);
    const outcomes: PullOutcome[] = [];
    const fetched: Json[] = [];
    try {
      for (const server of servers) {
        try {
          const got = await fetchChain(client, server, key);
          if (got.status === 'fetched') {
            fetched.push(...got.events);
            const log = await checkLog(client.fetch, deps, server, got.leaves);
            outcomes.push({ server, status: 'fetched', events: got.events.length, log });
          } else if (got.status === 'none') outcomes.push({ server, status: 'none', events: 0 });
          else
            outcomes.push({
              server,
              status: 'failed',
              events: 0,
              error: got.error,
              message: got.message,
            });
        } catch (e) {
          const code = (e as { code?: string }).code ?? 'network_error';
          outcomes.push({
            server,
            status: 'failed',
            events: 0,
            error: code,
            message: (e as Error).message,
          });
        }
      }
    } finally {
      spinner.stop();
      client.close();
    }
    const now = deps.now();
    const incoming = await validateChain(fetched, { now });
    const chain = incoming.chain;
    if (chain === null || incoming.events.length === 0) {
      const unreachable = outcomes.every((o) => o.status === 'failed');
      return {
        data: { key, chain: null, servers: outcomes },
        human: () =>
          unreachable
            ? `no sig-server answered for ${key}: ${outcomes.map((o) => `${o.server}: ${o.message}`).join('; ')}`
            : `no sig-server has a chain for ${key}`,
        exitCode: unreachable ? EXIT.UNREACHABLE : EXIT.VERIFY_FAILED,
      };
    }
    // SPEC §8.10: the chain must belong to the key (its id, or a rotate into it with a countersignature).
    const belongs =
      chain === key || incoming.rotated.some((r) => r.key === key) || incoming.current === key;
    if (!belongs)
      throw new InputError(
        `the servers returned chain ${chain}, which does not belong to ${key}`,
        'bad_response',
      );
    const local = await openChain(deps, chain);
    const merged = await validateChain([...local.state.events, ...incoming.events], { now, chain });
    const file = saveChain(deps.env.home, chain, merged);
    const data = {
      key,
      chain,
      file,
      events: merged.events.length,
      new_events: merged.events.length - local.state.events.length,
      end: merged.end,
      head: merged.head,
      servers: outcomes,
    };
    const end =
      merged.end.kind === 'complete' ? 'complete' : `${merged.end.kind} at seq ${merged.end.seq}`;
    return {
      data,
      human: () =>
        `pulled ${data.new_events} new events of ${chain} (${data.events} in all, ${end})` +
        outcomes
          .map((o) =>
            o.status === 'failed'
              ? `\n${o.server}: ${o.message} (${o.error})`
              : o.log?.status === 'failed'
                ? `\n${o.server}: transparency log check failed: ${o.log.message} (${o.log.error})`
                : o.log?.status === 'verified'
                  ? `\n${o.server}: ${o.log.included} events proven in its log (${o.log.size} leaves)`
                  : '',
          )
          .join(''),
      exitCode:
        exitForEnd(merged) !== EXIT.OK
          ? exitForEnd(merged)
          : outcomes.some((o) => o.log?.status === 'failed')
            ? EXIT.VERIFY_FAILED
            : EXIT.OK,
    };
  },
});
