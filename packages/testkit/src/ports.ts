// Free loopback ports. A port is free when nothing listens on it for TCP (and,
// when asked, UDP) on 127.0.0.1 at the time of the check; peers are started
// right after, so a clash with another process is possible but unlikely.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function tcpPort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(p));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.unref();
    sock.once('error', () => resolve(false));
    sock.bind({ address: '127.0.0.1', port, exclusive: true }, () =>
      sock.close(() => resolve(true)),
    );
  });
}

const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1 (also free for UDP when `udp` is set). Never
 * returns the same port twice in one process.
 */
export async function freePort(opts: { udp?: boolean } = {}): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await tcpPort();
    if (handedOut.has(port)) continue;
    if (opts.udp && !(await udpFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('freePort: found no free loopback port in 50 tries');
}
