/** Help texts, exit-code docs and commander's own errors, through the built binary. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { errorLines, json, kez, tempHome } from './run-kez.js';

const { home, cleanup } = tempHome();
after(cleanup);

const COMMANDS = [
  'key generate',
  'key import',
  'key show',
  'key list',
  'key export',
  'claim create',
  'claim verify',
  'help',
];

describe('help', { concurrency: true }, () => {
  for (const path of COMMANDS) {
    test(`kez ${path} --help shows usage, examples and JSON fields`, async () => {
      const r = await kez([...path.split(' '), '--help'], { home });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, new RegExp(`^Usage: kez ${path} `));
      assert.match(r.stdout, /\nExamples:\n {2}# .+\n {2}\$ kez /);
      assert.match(r.stdout, /--json/);
      assert.match(r.stdout, /\nJSON fields \(--json, --fields a,b\):\n {2}\w+/);
      assert.ok(!r.stdout.includes('\x1b['));
      // `kez help <command>` prints the same text.
      const h = await kez(['help', ...path.split(' ')], { home });
      assert.equal(h.code, 0);
      assert.equal(h.stdout, r.stdout);
    });
  }

  test('kez --help lists the groups, environment and exit codes', async () => {
    const r = await kez(['--help'], { home });
    assert.equal(r.code, 0);
    for (const s of [
      'key ',
      'claim ',
      'KEZ_HOME',
      'KEZ_PASSPHRASE',
      'KEZ_SCRYPT_LOG_N',
      'NO_COLOR',
    ])
      assert.ok(r.stdout.includes(s), s);
    assert.match(
      r.stdout,
      /Exit codes:\n {2}0 {2}ok.*\n {2}1 {2}verification failed.*\n {2}2 {2}usage.*\n {2}3 {2}unreachable.*\n {2}4 {2}local error/,
    );
  });

  test('kez help exit-codes, as text and JSON', async () => {
    const r = await kez(['help', 'exit-codes'], { home });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Exit codes of kez:\n {2}0 {2}ok/);
    const j = await kez(['help', 'exit-codes', '--json'], { home });
    assert.deepEqual(
      (json(j).exit_codes as { code: number }[]).map((e) => e.code),
      [0, 1, 2, 3, 4],
    );
  });

  test('kez --version', async () => {
    const r = await kez(['--version'], { home });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe("commander's errors become kez usage errors (exit 2)", { concurrency: true }, () => {
  const CASES: [string[], string, RegExp][] = [
    [
      ['key', 'list', '--nope'],
      "kez: unknown option '--nope' (usage)",
      /^hint: see: kez key list --help$/,
    ],
    [['kye'], "kez: unknown command 'kye' (usage)", /^hint: did you mean key\?$/],
    [
      ['claim', 'create'],
      "kez: missing required argument 'identity' (usage)",
      /^hint: see: kez claim create --help$/,
    ],
    [
      ['claim', 'verify', 'a', 'b'],
      "kez: too many arguments for 'verify'. Expected 1 argument but got 2. (usage)",
      /^hint: /,
    ],
    [
      ['key', 'generate', '--alg', 'rsa'],
      "kez: option '--alg <suite>' argument 'rsa' is invalid. Allowed choices are nostr, ed25519. (usage)",
      /^hint: /,
    ],
    [['help', 'nothing'], 'kez: no help topic "nothing" (usage)', /^hint: /],
  ];
  for (const [args, line, hint] of CASES) {
    test(args.join(' '), async () => {
      const r = await kez(args, { home });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      const lines = errorLines(r);
      assert.equal(lines[0], line);
      assert.match(lines[1]!, hint);
      assert.equal(lines.length, 2, r.stderr);
    });
  }

  test('a group without a verb prints its help and ends with a kez: line', async () => {
    const r = await kez(['claim'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: kez claim/);
    assert.match(
      r.stderr,
      /kez: missing command: kez claim <command> \(usage\)\nhint: one of: create, verify\n$/,
    );
  });

  test('a bad KEZ_SCRYPT_LOG_N is reported in style', async () => {
    const r = await kez(['key', 'list'], { home, env: { KEZ_SCRYPT_LOG_N: '30' } });
    assert.equal(r.code, 2);
    assert.deepEqual(errorLines(r), [
      'kez: KEZ_SCRYPT_LOG_N must be an integer from 10 to 20, got "30" (usage)',
    ]);
  });

  test('NO_COLOR output has no ANSI escapes', async () => {
    for (const args of [['--help'], ['key', 'list'], ['kye'], ['help', 'exit-codes']]) {
      const r = await kez(args, { home, env: { NO_COLOR: '1' } });
      assert.ok(!(r.stdout + r.stderr).includes('\x1b'), args.join(' '));
    }
  });
});
