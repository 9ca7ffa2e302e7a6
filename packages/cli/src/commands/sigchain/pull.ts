/**
 * `kez sigchain pull`: fetch a key's chain from sig-servers and merge it into
 * the local copy (SPEC §8.10: any source may contribute; merging can only
 * reveal more). Everything fetched is checked with core's validateChain;
 * nothing from a server is trusted.
 */
import { InputError, parseBundle, parseKeyRef, validateChain } from '@kez/core';
import type { Json } from '@kez/core';
import { defineCommand } from '../../command.js';
import { EXIT } from '../../exit-codes.js';
import { KeyStore } from '../../key-store.js';
import { keyNameOption } from '../../options.js';
import { startSpinner } from '../../output.js';
import { openChain, saveChain } from './_local.js';
import { exitForEnd } from './_view.js';
import {
  MAX_SERVER_BUNDLE,
  chainUrl,
  serverClient,
  serverError,
  serverOptions,
  serversFrom,
} from './_server.js';
import type { ServerFlags } from './_server.js';

interface PullOutcome {
  server: string;
  status: 'fetched' | 'none' | 'failed';
  events: number;
  error?: string;
  message?: string;
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
        const url = chainUrl(server, key);
        try {
          const res = await client.fetch(url, { headers: { accept: 'application/jsonl' } });
          if (res.status === 404) outcomes.push({ server, status: 'none', events: 0 });
          else if (res.status !== 200) {
            outcomes.push({
              server,
              status: 'failed',
              events: 0,
              ...serverError(res.status, res.body),
            });
          } else {
            const events = parseBundle(res.body, { maxBytes: MAX_SERVER_BUNDLE });
            fetched.push(...events);
            outcomes.push({ server, status: 'fetched', events: events.length });
          }
        } catch (e) {
          // A bundle that is not one (SPEC §8.9: bad_response when fetched) or a network failure.
          const code =
            e instanceof InputError
              ? 'bad_response'
              : ((e as { code?: string }).code ?? 'network_error');
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
          .filter((o) => o.status === 'failed')
          .map((o) => `\n${o.server}: ${o.message} (${o.error})`)
          .join(''),
      exitCode: exitForEnd(merged),
    };
  },
});
