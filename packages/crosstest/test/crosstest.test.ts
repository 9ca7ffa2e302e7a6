// Runs crosstest.sh as CI does (through `npm test`): every scenario must pass,
// and each deliberate bug (--mutate, see packages/crosstest/src/mutations.ts)
// must make exactly the scenarios named below fail — proof that they can fail.
// The three runs go at once: each is mostly waiting on child processes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

const root = join(fileURLToPath(import.meta.url), '../../../..');

interface Run {
  code: number | null;
  lines: string[];
  output: string;
}

function crosstest(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(root, 'crosstest.sh'), ...args], {
      cwd: root,
      // npm test has built everything already.
      env: { ...process.env, KEZ_CROSSTEST_NO_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: stdout.trimEnd().split('\n'), output: stdout + stderr });
    });
  });
}

function tally(r: Run): { passed: number; failed: number } {
  const last = r.lines.at(-1) ?? '';
  const m = /^(\d+) passed, (\d+) failed$/.exec(last);
  assert.ok(m, `last line is not "N passed, M failed": ${last}\n${r.output}`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
}

const failedNames = (r: Run) =>
  r.lines
    .filter((l) => l.startsWith('FAIL '))
    .map((l) => l.slice(5).split(': ')[0]!)
    .sort();

const CLAIMS_CROSS = ['nostr', 'ed25519'].flatMap((s) =>
  ['json', 'compact', 'markdown', 'dns'].flatMap((e) => [
    `cli-to-browser/${s}/${e}`,
    `browser-to-cli/${s}/${e}`,
  ]),
);

// Every sigchain scenario signs or reads events across the boundary, or compares their bytes.
const SIGCHAIN = [
  ...['nostr', 'ed25519'].flatMap((s) => [
    `sigchain/cli-to-browser/${s}`,
    `sigchain/browser-to-cli/${s}`,
  ]),
  'indep/sigchain-bundles',
  'sigchain/vectors-in-browser',
];

/** The scenarios each mutation must fail; every other scenario must still pass. */
const EXPECTED_FAILURES: Record<string, string[]> = {
  // Wrong number bytes change every signing input and every JCS comparison.
  'jcs-numbers': [
    ...CLAIMS_CROSS,
    ...SIGCHAIN,
    'indep/encodings-are-jcs',
    'indep/noble-schnorr',
    'indep/nostr-tools-schnorr',
    'indep/node-crypto-ed25519',
    'indep/webcrypto-ed25519',
    'indep/zstd-cli-decompress',
    'indep/zstd-cli-compress-accepted',
    'indep/jcs-rfc8785-vectors',
    'indep/jcs-claim-vectors',
    'indep/relay-accepts-proof',
  ],
  // A changed prefix breaks every signature across the boundary, but no JCS bytes.
  'domain-prefix': [
    ...CLAIMS_CROSS,
    ...SIGCHAIN,
    'indep/noble-schnorr',
    'indep/nostr-tools-schnorr',
    'indep/node-crypto-ed25519',
    'indep/webcrypto-ed25519',
    'indep/zstd-cli-compress-accepted',
    'indep/relay-accepts-proof',
  ],
};

describe('crosstest.sh', () => {
  const runs = new Map<string, Promise<Run>>();
  before(() => {
    runs.set('clean', crosstest());
    for (const m of Object.keys(EXPECTED_FAILURES)) runs.set(m, crosstest('--mutate', m));
  });

  test('every scenario passes, at least 25 of them', async () => {
    const r = await runs.get('clean')!;
    const { passed, failed } = tally(r);
    assert.equal(failed, 0, r.output);
    assert.ok(passed >= 25, `only ${passed} scenarios`);
    assert.equal(r.code, 0, r.output);
  });

  for (const [mutation, expected] of Object.entries(EXPECTED_FAILURES)) {
    test(`--mutate ${mutation} fails exactly the named scenarios`, async () => {
      const r = await runs.get(mutation)!;
      const { failed } = tally(r);
      assert.ok(r.lines[0]?.startsWith(`# mutation ${mutation}:`), r.output);
      assert.deepEqual(failedNames(r), [...expected].sort(), r.output);
      assert.equal(failed, expected.length);
      assert.notEqual(r.code, 0);
    });
  }
});
