// One step of `npm start`: build the web app (vite) and serve it with kez-web
// (packages/web/src/server/bin.ts) in the background, with the fetch relay.
// The page is told about the local sig-server (:8420) and the NATS websocket
// (:9222) only when they answer, so the explorer never waits on a dead
// endpoint. Logs and the pid go to data/web/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

const WEB = join(root, 'packages/web');
const BIN = join(WEB, 'dist/server/bin.js');
const DATA = join(root, 'data/web');
const PORT = Number(process.env.KEZ_WEB_PORT || 8790);
const SIG = process.env.KEZ_START_SIG_SERVER || 'http://127.0.0.1:8420';
const NATS_WS = process.env.KEZ_START_NATS_WS || 'ws://127.0.0.1:9222';

/** Run a one-line Node check; true when it exits 0 within 3 s. */
function probe(code) {
  return spawnSync(process.execPath, ['-e', code], { timeout: 3000 }).status === 0;
}

const httpUp = (url) =>
  probe(
    `fetch(${JSON.stringify(url)}).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  );
const tcpUp = (url) => {
  const u = new URL(url);
  return probe(
    `require('node:net').connect(${Number(u.port)}, ${JSON.stringify(u.hostname)})` +
      `.on('connect', () => process.exit(0)).on('error', () => process.exit(1))`,
  );
};

/** Stop the kez-web a previous `npm start` left running (its pid file), and only that. */
function stopPrevious(pidFile) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(BIN)) process.kill(pid, 'SIGTERM');
  } catch {
    // gone already
  }
}

/** Stop the kez-web this script started (npm start calls it on Ctrl-C). */
export function stopWeb() {
  stopPrevious(join(DATA, 'kez-web.pid'));
}

export function serveWeb() {
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const b = spawnSync(process.execPath, [vite, 'build'], { cwd: WEB, stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('kez: the web app did not build (vite build failed)');
    process.exit(b.status || 1);
  }
  mkdirSync(DATA, { recursive: true });
  const sigUp = httpUp(`${SIG}/healthz`);
  const natsUp = tcpUp(NATS_WS);
  const config = {
    sigServers: sigUp ? [SIG] : [],
    ...(natsUp ? { natsWsUrl: NATS_WS } : {}),
    relay: { url: '/relay', hosts: sigUp ? [new URL(SIG).host] : [], fallback: true, dns: true },
    channels: {},
  };
  const configFile = join(DATA, 'config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const pidFile = join(DATA, 'kez-web.pid');
  stopPrevious(pidFile);
  const log = openSync(join(DATA, 'kez-web.log'), 'a');
  const child = spawn(process.execPath, [BIN], {
    cwd: root,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      KEZ_WEB_PORT: String(PORT),
      KEZ_WEB_CONFIG: configFile,
      // The relay may reach the local sig-server (a configured endpoint, SPEC §7.1.2).
      ...(sigUp ? { KEZ_SIG_SERVERS: SIG } : {}),
    },
  });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  const url = `http://127.0.0.1:${PORT}/`;
  for (let i = 0; i < 40 && !httpUp(`${url}config.json`); i++) spawnSync('sleep', ['0.25']);
  console.error(
    `web app: ${url}  (sig-server ${sigUp ? SIG : 'not running'}, chat ${natsUp ? NATS_WS : 'not running'})\n` +
      `  logs: ${join(DATA, 'kez-web.log')}; stop: kill $(cat ${pidFile})`,
  );
}
