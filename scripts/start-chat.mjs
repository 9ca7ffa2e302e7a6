// One step of `npm start`: the kez-chat stack as child processes of `npm start`,
// stopped again on Ctrl-C:
//   1. the official nats-server (JetStream, websocket, auth_callout with xkey),
//      its config rendered into data/chat/nats.conf from the chat keys;
//   2. the sig-server (SQLite in data/sig);
//   3. the chat-server (the auth_callout responder and the room service).
// The keys are made once and kept in data/chat/keys.env (mode 0600), so a
// restart finds its history again. Logs go to data/chat/*.log.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { natsServerBin } from './ensure-system.mjs';
import { ensureSystem, root } from './lib.mjs';

const DATA = join(root, 'data/chat');
const PORTS = {
  nats: Number(process.env.KEZ_START_NATS_PORT || 4222),
  ws: Number(process.env.KEZ_START_NATS_WS_PORT || 9222),
  monitor: Number(process.env.KEZ_START_NATS_HTTP_PORT || 8222),
  sig: Number(process.env.KEZ_START_SIG_PORT || 8420),
};

const children = [];

/** True when something already listens on 127.0.0.1:port. */
function portTaken(port) {
  return new Promise((resolve) => {
    const s = createConnection(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Start a program with its output appended to data/chat/<name>.log; resolve once `ready(output)` holds. */
function launch(name, cmd, args, env, ready) {
  const logFile = join(DATA, `${name}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push({ name, child });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in 30 s (see ${logFile})`)),
      30_000,
    );
    const onData = (d) => {
      writeSync(log, d);
      out += d;
      if (ready(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) while starting; see ${logFile}`));
    });
  });
}

/** The chat keys of this checkout, made on first use. */
function chatKeys(chat) {
  const file = join(DATA, 'keys.env');
  if (!existsSync(file))
    writeFileSync(file, chat.keysEnvFile(chat.generateChatKeys()), { mode: 0o600 });
  const env = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const keys = {
    issuerSeed: env.KEZ_CHAT_ISSUER_SEED,
    xkeySeed: env.KEZ_CHAT_XKEY_SEED,
    calloutSeed: env.KEZ_CHAT_CALLOUT_SEED,
    serviceSeed: env.KEZ_CHAT_SERVICE_SEED,
  };
  return { env, keys };
}

export async function startChat() {
  mkdirSync(DATA, { recursive: true });
  for (const [what, port] of Object.entries(PORTS))
    if (await portTaken(port))
      throw new Error(
        `port ${port} (${what}) is in use — a previous npm start still running? ` +
          'Stop it, or set KEZ_START_NATS_PORT / KEZ_START_NATS_WS_PORT / KEZ_START_NATS_HTTP_PORT / KEZ_START_SIG_PORT',
      );
  ensureSystem(['nats-server']);
  const chat = await import(pathToFileURL(join(root, 'packages/chat-server/dist/index.js')).href);
  const { env: keyEnv, keys } = chatKeys(chat);

  // 1. nats-server, configured for kez-chat on loopback.
  const conf = join(DATA, 'nats.conf');
  writeFileSync(
    conf,
    chat.renderLocalNatsConfig({
      keys: chat.publicKeys(keys),
      port: PORTS.nats,
      httpPort: PORTS.monitor,
      wsPort: PORTS.ws,
      storeDir: join(DATA, 'jetstream'),
      serverName: 'kez_chat_local',
    }),
  );
  await launch('nats-server', natsServerBin(), ['-c', conf], {}, (o) =>
    o.includes('Server is ready'),
  );

  // 2. sig-server (SQLite).
  const sigUrl = `http://127.0.0.1:${PORTS.sig}`;
  await launch(
    'sig-server',
    process.execPath,
    [join(root, 'packages/sig-server/dist/bin.js')],
    {
      KEZ_SIG_HOST: '127.0.0.1',
      KEZ_SIG_PORT: String(PORTS.sig),
      KEZ_SIG_DATA_DIR: join(root, 'data/sig'),
      // The chat-server looks up one sigchain per log-in of a new key, all from one address.
      KEZ_SIG_RATE_PER_SECOND: '200',
      KEZ_SIG_RATE_BURST: '2000',
    },
    (o) => o.includes('listening on'),
  );

  // 3. chat-server.
  await launch(
    'chat-server',
    process.execPath,
    [join(root, 'packages/chat-server/dist/bin.js')],
    { ...keyEnv, NATS_URL: `nats://127.0.0.1:${PORTS.nats}`, KEZ_SIG_SERVERS: sigUrl },
    (o) => o.includes('"msg":"ready"'),
  );

  console.error(
    [
      'kez-chat is up:',
      `  NATS          nats://127.0.0.1:${PORTS.nats}  (websocket ws://127.0.0.1:${PORTS.ws}, monitoring http://127.0.0.1:${PORTS.monitor})`,
      `  sig-server    ${sigUrl}`,
      `  chat-server   logs in data/chat/chat-server.log`,
      `Try: kez chat login --server nats://127.0.0.1:${PORTS.nats} --sig-server ${sigUrl}`,
    ].join('\n'),
  );
}

/** True when startChat started anything. */
export function chatRunning() {
  return children.length > 0;
}

/** Stop the chat stack, newest first; each gets SIGTERM and 10 s to exit. */
export async function stopChat() {
  for (const { name, child } of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
    console.error(`stopped ${name}`);
  }
}
