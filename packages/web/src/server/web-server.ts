/**
 * The web app's server: the built files, `config.json` (the endpoints the
 * page uses — so a deployment or a test points it at its own peers) and the
 * fetch relay under `/relay/`. node:http only; one handler.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFetchRelay } from './fetch-relay.js';
import type { FetchRelayOptions } from './fetch-relay.js';
import { resolveStatic, sendFile } from './static-files.js';

export interface WebServerOptions {
  /** The built app (vite's output directory). */
  root: string;
  /** Served as /config.json. */
  config: unknown;
  /** The fetch relay; omit to serve none. */
  relay?: FetchRelayOptions;
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** Where a failed request is reported (default: one line on stderr). */
  onError?: (line: string) => void;
}

export interface WebServer extends AsyncDisposable {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The page may talk to any http(s)/ws(s) endpoint its config names; scripts
 * only from itself (plus WebAssembly for zstd), no plugins, no framing.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  'connect-src * ws: wss: http: https:',
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/**
 * @example
 * const web = await startWebServer({ root: 'packages/web/dist/app', config: { sigServers: [] } });
 * console.log(web.url);
 */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const relay = opts.relay ? createFetchRelay(opts.relay) : undefined;
  const configBody = JSON.stringify(opts.config);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://web.invalid').pathname;
    if (path.startsWith('/relay/')) {
      if (relay) return relay(req, res, path);
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    res.setHeader('content-security-policy', CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : configBody);
      return;
    }
    let file = await resolveStatic(opts.root, path);
    // App routes (no extension) get the page; missing files are 404.
    if (!file && !/\.[a-z0-9]+$/i.test(path)) file = await resolveStatic(opts.root, '/index.html');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    await sendFile(res, file, req.method === 'HEAD');
  }

  const onError =
    opts.onError ?? ((line: string) => void process.stderr.write(`kez-web: ${line}\n`));
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      onError(`${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  const close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
