/**
 * crosstest: move KEZ artifacts between the kez CLI (Node), @kez/core in
 * headless Chromium, and implementations no one here wrote. Run by
 * crosstest.sh; prints `PASS <name>` / `FAIL <name>: why` per scenario and
 * ends with exactly `N passed, M failed`. Exit 1 when any scenario failed.
 *
 *   -v, --verbose   echo the artifacts under each scenario
 *   --only <text>   run only scenarios whose name contains <text>
 *   --screenshot <file.png>  save the page (what it showed) after the run
 *   KEZ_CROSSTEST_MUTATE=<name>  build the browser bundle with a deliberate bug (mutations.ts)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNostrRelay } from '@kez/testkit';
import type { NostrRelay } from '@kez/testkit';
import { openPage } from './browser.js';
import type { BrowserPage } from './browser.js';
import { buildBrowserBundle } from './bundle.js';
import { memo, SUBJECTS } from './context.js';
import type { Ctx, Made } from './context.js';
import { KezCli } from './kez-cli.js';
import { isMutationName, MUTATIONS } from './mutations.js';
import type { MutationName } from './mutations.js';
import { oneLine, runScenarios } from './runner.js';
import type { Scenario } from './runner.js';
import { claimScenarios } from './scenarios/claims.js';
import { independentScenarios } from './scenarios/independent.js';
import { jcsScenarios } from './scenarios/jcs.js';
import { relayScenarios } from './scenarios/relay.js';
import { sigchainScenarios } from './scenarios/sigchain.js';

interface Args {
  verbose: boolean;
  only?: string;
  screenshot?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-v' || a === '--verbose') args.verbose = true;
    else if (a === '--only' && argv[i + 1] !== undefined) args.only = argv[++i];
    else if (a === '--screenshot' && argv[i + 1] !== undefined) args.screenshot = argv[++i];
    else
      throw new Error(
        `unknown argument "${a}" (use -v, --only <text>, --screenshot <file>, --mutate <name>)`,
      );
  }
  return args;
}

function mutationFromEnv(): MutationName | undefined {
  const m = process.env.KEZ_CROSSTEST_MUTATE;
  if (!m) return undefined;
  if (!isMutationName(m))
    throw new Error(`unknown mutation "${m}" (one of: ${Object.keys(MUTATIONS).join(', ')})`);
  return m;
}

const write = (line: string) => process.stdout.write(line + '\n');

async function main(): Promise<number> {
  const t0 = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const mutation = mutationFromEnv();
  if (mutation) write(`# mutation ${mutation}: ${MUTATIONS[mutation].what} (browser bundle only)`);

  const tmp = mkdtempSync(join(tmpdir(), 'kez-crosstest-'));
  const www = join(tmp, 'www');
  const home = join(tmp, 'home');
  mkdirSync(www);
  mkdirSync(home, { mode: 0o700 });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    await buildBrowserBundle(www, mutation);
    const { serveDir } = await import('./server.js');
    const server = await serveDir(www);
    cleanups.push(() => server.close());
    const browser: BrowserPage = await openPage(server.url);
    cleanups.push(() => browser.close());

    let relayP: Promise<NostrRelay> | undefined;
    const relay = () => {
      if (!relayP) {
        relayP = startNostrRelay({ inMemory: true, timeoutMs: 120_000 });
        cleanups.push(() => relayP!.then((r) => r.stop()).catch(() => undefined));
      }
      return relayP;
    };
    const cli = new KezCli(home);
    const now = () => Math.floor(Date.now() / 1000);
    const cliKey = memo(
      (suite) => suite,
      async (suite: string) =>
        (await cli.json<{ public: string }>(['key', 'generate', '--alg', suite, '--name', suite]))
          .public,
    );
    const ctx: Ctx = {
      cli,
      browser,
      relay,
      tmp,
      now,
      cliKey,
      cliClaim: memo(
        (s, e) => `${s}/${e}`,
        async (suite, encoding): Promise<Made> => {
          await cliKey(suite);
          const r = await cli.json<{ encoded: string; id: string; key: string; subject: string }>([
            'claim',
            'create',
            SUBJECTS[encoding].input,
            '--key',
            suite,
            '--encoding',
            encoding,
          ]);
          return {
            suite,
            encoding,
            encoded: r.encoded,
            id: r.id,
            key: r.key,
            subject: r.subject,
            by: 'cli',
          };
        },
      ),
      browserClaim: memo(
        (s, e) => `${s}/${e}`,
        async (suite, encoding) => {
          const r = await browser.core(
            'makeClaim',
            suite,
            SUBJECTS[encoding].input,
            encoding,
            now(),
          );
          return { suite, encoding, by: 'browser' as const, ...r };
        },
      ),
    };

    write(`# setup ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    let scenarios: Scenario[] = [
      ...claimScenarios(ctx),
      ...independentScenarios(ctx),
      ...jcsScenarios(ctx),
      ...relayScenarios(ctx),
      ...sigchainScenarios(ctx),
    ];
    if (args.only) scenarios = scenarios.filter((s) => s.name.includes(args.only!));
    const outcomes = await runScenarios(scenarios, {
      concurrency: 4,
      verbose: args.verbose,
      write,
    });
    if (args.screenshot) await browser.page.screenshot({ path: args.screenshot, fullPage: true });
    if (browser.errors.length) write(`# page errors: ${browser.errors.slice(0, 3).join(' | ')}`);
    const passed = outcomes.filter((o) => o.ok).length;
    const failed = outcomes.length - passed;
    write(`# ${outcomes.length} scenarios in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    write(`${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    write(`FAIL setup: ${oneLine(e)}`);
    write('0 passed, 1 failed');
    process.exit(1);
  },
);
