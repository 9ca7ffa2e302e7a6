#!/usr/bin/env node
// `npm start`: bring KEZ up locally, one readable step at a time.
//
// Install, build, put `kez` on PATH, run a first example (a throwaway key in a
// temp KEZ_HOME → a claim for dns:example.com → verify it offline), start the
// kez-chat stack (nats-server, sig-server, chat-server) and the web app, print
// the URLs, and keep running until Ctrl-C, which stops all of it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, ensureNodeModules, root } from './lib.mjs';
import { serveWeb, stopWeb } from './start-web.mjs';
import { startChat, stopChat } from './start-chat.mjs';

const MAIN = join(root, 'packages/cli/dist/main.js');
/** How to call kez: `kez` once linked, else node + the built entry. */
let kezCmd = [process.execPath, MAIN];
let kezShown = `node ${relative(process.cwd(), MAIN) || MAIN}`;

const STEPS = [
  ['install npm packages (when missing or outdated)', ensureNodeModules],
  ['build every package (tsc -b)', buildAll],
  ['put `kez` on PATH (npm link -w packages/cli)', linkKez],
  ['first example: key → claim → verify', firstExample],
  ['kez-chat: nats-server, sig-server and chat-server', startChat],
  ['web app: build it and serve it with the fetch relay (kez-web)', serveWeb],
];

try {
  for (const [i, [title, step]] of STEPS.entries()) {
    console.error(`\n[${i + 1}/${STEPS.length}] ${title}`);
    await step();
  }
} catch (e) {
  console.error(`kez: ${e instanceof Error ? e.message : String(e)}`);
  await stopChat();
  stopWeb();
  process.exit(1);
}
console.error('\nDone. Try: kez --help');
console.error('The local stack keeps running; press Ctrl-C to stop it.');
await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await stopChat();
stopWeb();

function buildAll() {
  build();
  // npm link points a bin at this file; a fresh tsc output is not executable.
  chmodSync(MAIN, 0o755);
}

function linkKez() {
  const r = spawnSync('npm', ['link', '-w', 'packages/cli', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const check = spawnSync('kez', ['--version'], { encoding: 'utf8' });
  if (r.status === 0 && check.status === 0) {
    kezCmd = ['kez'];
    kezShown = 'kez';
    console.error(`kez ${check.stdout.trim()} is on PATH`);
    return;
  }
  const why = r.status !== 0 ? (r.stderr || '').trim().split('\n').pop() : '`kez` is not on PATH';
  console.error(`could not link kez (${why}); run it as:\n  node ${MAIN} --help`);
}

function firstExample() {
  const home = mkdtempSync(join(tmpdir(), 'kez-start-'));
  const claimFile = join(home, 'claim.txt');
  const env = { ...process.env, KEZ_HOME: home };
  try {
    kez(['key', 'generate', '--name', 'demo'], env);
    kez(
      [
        'claim',
        'create',
        'dns:example.com',
        '--key',
        'demo',
        '--encoding',
        'compact',
        '--out',
        claimFile,
      ],
      env,
    );
    console.error(`\n${readFileSync(claimFile, 'utf8')}`);
    kez(['claim', 'verify', claimFile], env);
    console.error(
      `\n(the demo KEZ_HOME ${home} is removed again; your own keys live in ~/.config/kez)`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Print the command as a user would type it, then run it with inherited output. */
function kez(args, env) {
  console.error(`\n$ KEZ_HOME=${env.KEZ_HOME} ${kezShown} ${args.join(' ')}`);
  const [cmd, ...pre] = kezCmd;
  const r = spawnSync(cmd, [...pre, ...args], { stdio: 'inherit', env, cwd: root });
  if (r.status !== 0) {
    console.error(`kez: the example step failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}
