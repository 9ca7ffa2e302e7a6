/**
 * startSigServer(opts): open the store (migrating it), build the app, bind
 * it with @hono/node-server, and return a handle that is AsyncDisposable.
 * Closing stops accepting, lets in-flight requests finish (up to a grace
 * period), then closes the store. bin.ts wires SIGTERM/SIGINT to it.
 */
import '@kez/core-node/install';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { buildApp } from './app.js';
import type { AppEnv } from './app-env.js';
import { resolveConfig } from './config/config.js';
import type { SigServerConfig, SigServerConfigInput } from './config/config.js';
import { readEnv } from './config/env.js';
import { HttpError } from './http/errors.js';
import { createLogger, redactUrl } from './logger.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { logSigner } from './tlog/key.js';
import { TransparencyLog } from './tlog/log.js';

export interface StartOptions {
  /** Settings from code; they win over the environment. */
  config?: SigServerConfigInput;
  /** Environment to read KEZ_SIG_* / DATABASE_URL from (default process.env); `{}` ignores it. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Use this store instead of opening one from the configuration (it is closed with the server). */
  store?: Store & Partial<AsyncDisposable>;
  /** How long close() waits for in-flight requests before dropping connections (default 10 s). */
  graceMs?: number;
  /** Answer cached head reads before hono (http/head-lane.ts; default true). False: hono answers all. */
  headLane?: boolean;
}

export interface SigServer extends AsyncDisposable {
  /** Base URL, e.g. http://127.0.0.1:8420 (the public URL when one is configured). */
  url: string;
  host: string;
  port: number;
  config: SigServerConfig;
  store: Store;
  app: Hono<AppEnv>;
  close(): Promise<void>;
}

/**
 * @example
 * await using srv = await startSigServer({ config: { port: 0, dataDir: tmp } });
 * await fetch(`${srv.url}/healthz`);
 */
export async function startSigServer(opts: StartOptions = {}): Promise<SigServer> {
  const config = resolveConfig(readEnv(opts.env), opts.config);
  const log = opts.logger ?? createLogger('sig-server', { level: config.logLevel });
  // The key first: a bad key file must not leave a database connection open.
  const signer = logSigner(config.tlogKeyFile, config.publicUrl);
  const store = opts.store ?? (await openStore(config));
  const metrics = new Metrics();
  const tlog = new TransparencyLog(store, signer);
  const { app, lane } = buildApp({
    store,
    config,
    logger: log.child('sig-server:http'),
    metrics,
    tlog,
  });

  const listener = getRequestListener(app.fetch, {
    // Requests node-server itself cannot turn into a Request (bad URL, bad Host): a JSON 400.
    errorHandler: () => {
      const e = new HttpError('malformed', 'the request line or headers are not valid');
      return new Response(JSON.stringify(e.body()), {
        status: e.status,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  const front = opts.headLane === false ? undefined : lane;
  const server = createServer(
    front
      ? (req, res) => {
          if (!front(req, res)) void listener(req, res);
        }
      : listener,
  );
  // Slow clients cannot hold a connection forever (slowloris): headers and whole request are timed.
  server.headersTimeout = 10_000;
  server.requestTimeout = config.limits.requestTimeoutMs + 5_000;
  server.keepAliveTimeout = 5_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = config.publicUrl?.replace(/\/$/, '') ?? `http://${hostForUrl}:${addr.port}`;
  log.info('listening', {
    url,
    log_origin: tlog.origin,
    store: store.kind,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : config.sqliteFile,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      log.info('closing');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), opts.graceMs ?? 10_000);
      await closed;
      clearTimeout(grace);
      await store.close();
      log.info('closed');
    })());

  return {
    url,
    host: addr.address,
    port: addr.port,
    config,
    store,
    app,
    close,
    [Symbol.asyncDispose]: close,
  };
}
