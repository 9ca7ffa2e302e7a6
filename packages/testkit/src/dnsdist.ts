// dnsdist in front of a DNS server (usually startKnot()): DNS-over-HTTPS
// (RFC 8484 wire format) served over plain HTTP on loopback, with
// `access-control-allow-origin: *` so browser code can use it. Use GET
// (`?dns=<base64url>`): a POST with `content-type: application/dns-message`
// needs a CORS preflight, which dnsdist does not answer. No JSON API.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
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
import { ensureTools } from './tools.js';

export interface DnsdistOptions {
  /** Port of the DNS server to forward to (on `upstreamHost`). */
  upstreamPort: number;
  /** Default '127.0.0.1'. */
  upstreamHost?: string;
  /** Readiness timeout. */
  timeoutMs?: number;
}

export interface Dnsdist extends Peer {
  /** `http://127.0.0.1:PORT/dns-query` */
  url: string;
  /** The DoH (HTTP) port. */
  port: number;
  /** dnsdist's plain DNS port (UDP/TCP), forwarding to the same upstream. */
  dnsPort: number;
  logs(): string;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts dnsdist; resolves once its DoH listener accepts connections. */
export async function startDnsdist(opts: DnsdistOptions): Promise<Dnsdist> {
  await ensureTools(['dnsdist']);
  const dir = makeTempDir('dnsdist');
  const port = await freePort();
  const dnsPort = await freePort({ udp: true });
  const upstream = `${opts.upstreamHost ?? '127.0.0.1'}:${opts.upstreamPort}`;
  const conf = join(dir, 'dnsdist.conf');
  writeFileSync(
    conf,
    `setLocal("127.0.0.1:${dnsPort}")
newServer({address="${upstream}", name="upstream"}):setUp()
-- no certificate: DoH over plain HTTP, for loopback tests only
addDOHLocal("127.0.0.1:${port}", nil, nil, "/dns-query", {customResponseHeaders={["access-control-allow-origin"]="*"}})
setSecurityPollSuffix("")
`,
  );
  const proc = new ManagedProcess(
    '/usr/bin/dnsdist',
    ['--supervised', '--disable-syslog', '-C', conf],
    {
      name: 'dnsdist',
      cwd: dir,
    },
  );
  const stopOnce = async (): Promise<void> => {
    await proc.stop('SIGTERM', 2000);
    await removeTempDir(dir);
  };
  try {
    await waitUntil(
      'dnsdist DoH listener',
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      async () => ((await tcpOpen(port)) ? true : undefined),
      proc,
    );
  } catch (e) {
    await stopOnce();
    throw e;
  }
  return peer(
    {
      url: `http://127.0.0.1:${port}/dns-query`,
      port,
      dnsPort,
      logs: () => proc.output(),
    },
    stopOnce,
  );
}
