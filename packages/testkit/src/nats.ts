// A real nats-server (>= 2.10) on loopback, with JetStream and a websocket
// listener when asked, or with any configuration text a test brings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, type Peer } from './peer.js';
import { freePort } from './ports.js';
import {
  DEFAULT_TIMEOUT_MS,
  ManagedProcess,
  makeTempDir,
  removeTempDir,
  waitUntil,
} from './process.js';
import { ensureTools, natsServerBin } from './tools.js';

/** Values substituted into a configuration: `{{PORT}}`, `{{WS_PORT}}`, `{{HTTP_PORT}}`, `{{DIR}}`, `{{STORE_DIR}}`. */
export interface NatsPorts {
  /** Client port (`nats://127.0.0.1:PORT`). */
  port: number;
  /** Websocket port. */
  wsPort: number;
  /** HTTP monitoring port (/varz, /jsz, /healthz). */
  httpPort: number;
  /** The server's own temp dir (the config file is written here). */
  dir: string;
  /** A JetStream store dir inside `dir`. */
  storeDir: string;
}

export interface NatsServerOptions {
  /**
   * The whole configuration, instead of the default one: text with `{{PORT}}`,
   * `{{WS_PORT}}`, `{{HTTP_PORT}}`, `{{DIR}}` and `{{STORE_DIR}}` placeholders,
   * or a function building it from those values. `jetstream` and `websocket`
   * are then ignored: put the blocks in the text. Listen on 127.0.0.1 only.
   */
  config?: string | ((ports: NatsPorts) => string);
  /** Default config only: enable JetStream (store under the temp dir). Default false. */
  jetstream?: boolean;
  /** Default config only: a plain (no TLS) websocket listener on loopback. Default false. */
  websocket?: boolean;
  /** Extra command-line arguments, e.g. ['-DV'] for protocol tracing. */
  args?: string[];
  /** Readiness timeout. */
  timeoutMs?: number;
}

export interface NatsServer extends Peer {
  /** `nats://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** `ws://127.0.0.1:WS_PORT`, when the server has a websocket listener. */
  wsUrl: string | undefined;
  wsPort: number | undefined;
  /** `http://127.0.0.1:HTTP_PORT`, when the server has its monitoring endpoint. */
  monitorUrl: string | undefined;
  httpPort: number | undefined;
  /** Temp dir holding nats.conf and the JetStream store. */
  dir: string;
  configFile: string;
  /** The configuration text as written. */
  config: string;
  /** What the server printed so far. */
  logs(): string;
}

function defaultConfig(p: NatsPorts, opts: NatsServerOptions): string {
  return [
    `server_name: kez_test_${p.port}`,
    `listen: 127.0.0.1:${p.port}`,
    `http: 127.0.0.1:${p.httpPort}`,
    opts.jetstream
      ? `jetstream {\n  store_dir: "${p.storeDir}"\n  max_memory_store: 64MB\n  max_file_store: 256MB\n}`
      : '',
    opts.websocket ? `websocket {\n  host: 127.0.0.1\n  port: ${p.wsPort}\n  no_tls: true\n}` : '',
    '',
  ].join('\n');
}

function fill(text: string, p: NatsPorts): string {
  return text
    .replaceAll('{{PORT}}', String(p.port))
    .replaceAll('{{WS_PORT}}', String(p.wsPort))
    .replaceAll('{{HTTP_PORT}}', String(p.httpPort))
    .replaceAll('{{STORE_DIR}}', p.storeDir)
    .replaceAll('{{DIR}}', p.dir);
}

/** Starts nats-server on free loopback ports; resolves once it accepts clients. */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServer> {
  await ensureTools(['nats-server']);
  const bin = natsServerBin();
  const dir = makeTempDir('nats');
  const ports: NatsPorts = {
    port: await freePort(),
    wsPort: await freePort(),
    httpPort: await freePort(),
    dir,
    storeDir: join(dir, 'jetstream'),
  };
  const config =
    typeof opts.config === 'function'
      ? opts.config(ports)
      : typeof opts.config === 'string'
        ? fill(opts.config, ports)
        : defaultConfig(ports, opts);
  // With a custom config, a listener exists when its port was substituted in.
  const mentions = (port: number): boolean => new RegExp(`\\b${port}\\b`).test(config);
  const custom = opts.config !== undefined;
  const hasWs = custom ? mentions(ports.wsPort) : !!opts.websocket;
  const hasHttp = custom ? mentions(ports.httpPort) : true;
  const configFile = join(dir, 'nats.conf');
  writeFileSync(configFile, config);

  const proc = new ManagedProcess(bin, ['-c', configFile, ...(opts.args ?? [])], {
    name: 'nats-server',
    cwd: dir,
  });
  const stopOnce = async (): Promise<void> => {
    await proc.stop('SIGTERM', 5000);
    await removeTempDir(dir);
  };
  try {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    await proc.waitForOutput(/Server is ready/, timeoutMs);
    if (hasHttp) {
      await waitUntil(
        'nats-server /healthz',
        timeoutMs,
        async () => {
          const r = await fetch(`http://127.0.0.1:${ports.httpPort}/healthz`);
          return r.ok ? true : undefined;
        },
        proc,
      );
    }
  } catch (e) {
    await stopOnce();
    throw e;
  }
  return peer(
    {
      url: `nats://127.0.0.1:${ports.port}`,
      port: ports.port,
      wsUrl: hasWs ? `ws://127.0.0.1:${ports.wsPort}` : undefined,
      wsPort: hasWs ? ports.wsPort : undefined,
      monitorUrl: hasHttp ? `http://127.0.0.1:${ports.httpPort}` : undefined,
      httpPort: hasHttp ? ports.httpPort : undefined,
      dir,
      configFile,
      config,
      logs: () => proc.output(),
    },
    stopOnce,
  );
}
