/**
 * The scenario runner: each scenario is one named check that passes or throws.
 * Scenarios run with bounded concurrency but are reported in definition order,
 * so the output is stable: `PASS <name>` / `FAIL <name>: why`, then exactly
 * `N passed, M failed` as the last line.
 */

export interface Scenario {
  name: string;
  /** Throws (one-line message) on failure; may return artifacts for `-v`. */
  run(): Promise<Artifacts | void>;
}

/** Label → text, echoed under the scenario's line with `-v`. */
export type Artifacts = Record<string, string>;

export interface Outcome {
  name: string;
  ok: boolean;
  why?: string;
  artifacts?: Artifacts;
  ms: number;
}

/** One line of why: the first line of the error message, nothing else. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n')[0] ?? '').slice(0, 400) || 'failed without a message';
}

async function runOne(s: Scenario): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const artifacts = (await s.run()) ?? undefined;
    return { name: s.name, ok: true, ms: performance.now() - t0, ...(artifacts && { artifacts }) };
  } catch (e) {
    const artifacts = (e as { artifacts?: Artifacts }).artifacts;
    return {
      name: s.name,
      ok: false,
      why: oneLine(e),
      ms: performance.now() - t0,
      ...(artifacts && { artifacts }),
    };
  }
}

/** Run all scenarios (at most `concurrency` at once) and print each as soon as its turn comes. */
export async function runScenarios(
  scenarios: readonly Scenario[],
  opts: { concurrency: number; verbose: boolean; write: (line: string) => void },
): Promise<Outcome[]> {
  const results: Promise<Outcome>[] = new Array(scenarios.length);
  let next = 0;
  const started: (() => void)[] = [];
  // A simple pool: each worker takes the next scenario index.
  const slots = Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
    while (next < scenarios.length) {
      const i = next++;
      const p = runOne(scenarios[i]!);
      results[i] = p;
      started[i]?.();
      await p;
    }
  });
  const outcomes: Outcome[] = [];
  for (let i = 0; i < scenarios.length; i++) {
    if (!results[i]) await new Promise<void>((r) => (started[i] = r));
    const o = await results[i]!;
    outcomes.push(o);
    opts.write(o.ok ? `PASS ${o.name}` : `FAIL ${o.name}: ${o.why}`);
    if (opts.verbose) opts.write(`  (${Math.round(o.ms)} ms)`);
    if (opts.verbose && o.artifacts) {
      for (const [label, text] of Object.entries(o.artifacts)) {
        opts.write(`  ${label}:`);
        for (const line of text.split('\n')) opts.write(`    ${line}`);
      }
    }
  }
  await Promise.all(slots);
  return outcomes;
}

/** An error that carries artifacts, so `-v` shows what was being compared when it failed. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    message: string,
    readonly artifacts?: Artifacts,
  ) {
    super(message);
  }
}

export function check(cond: unknown, message: string, artifacts?: Artifacts): asserts cond {
  if (!cond) throw new ScenarioError(message, artifacts);
}
