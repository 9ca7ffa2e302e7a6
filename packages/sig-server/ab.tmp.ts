import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import autocannon from 'autocannon';
import { ChainWriter } from './test/helpers/chains.js';
function cpuOf(pid: number) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
async function start(script: string, env: Record<string, string>) {
  const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=kez-source', script], {
    env: { PATH: process.env.PATH!, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((res) => {
    let o = '';
    p.stdout!.on('data', (d) => {
      o += d;
      const m = /listening on (http:\/\/\S+)/.exec(o);
      if (m) res(m[1]!);
    });
  });
  return { p, url };
}
const variants: Record<string, Record<string, string>> = {
  base: {},
};
for (const [name, extra] of Object.entries(variants)) {
  const s = await start('src/bin.ts', {
    KEZ_SIG_PORT: '0',
    KEZ_SIG_DATA_DIR: mkdtempSync('/tmp/ab-'),
    KEZ_SIG_LOG_LEVEL: 'warn',
    KEZ_SIG_RATE_PER_SECOND: '1000000',
    KEZ_SIG_RATE_BURST: '10000000',
    ...extra,
  });
  const w = new ChainWriter();
  await w.extend(3);
  await fetch(`${s.url}/v1/chains/${encodeURIComponent(w.chain)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/jsonl' },
    body: w.events.map((e) => JSON.stringify(e) + '\n').join(''),
  });
  const url = `${s.url}/v1/chains/${w.chain}/head`;
  await autocannon({ url, connections: 16, duration: 2 });
  const rs = [];
  for (let i = 0; i < 5; i++) {
    const c0 = cpuOf(s.p.pid!);
    const r = await autocannon({ url, connections: 16, duration: 4 });
    rs.push(r.requests.total / (cpuOf(s.p.pid!) - c0));
  }
  console.log(name, rs.map(Math.round));
  s.p.kill('SIGTERM');
}
const h = await start('bench/hello-server.ts', {});
await autocannon({ url: h.url + '/', connections: 16, duration: 2 });
const rs = [];
for (let i = 0; i < 5; i++) {
  const c0 = cpuOf(h.p.pid!);
  const r = await autocannon({ url: h.url + '/', connections: 16, duration: 4 });
  rs.push(r.requests.total / (cpuOf(h.p.pid!) - c0));
}
console.log('hello', rs.map(Math.round));
h.p.kill('SIGTERM');
