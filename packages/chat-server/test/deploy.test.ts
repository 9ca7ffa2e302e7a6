/**
 * deploy/ as far as it can be checked without a Docker engine: the compose
 * file parses and names only files that exist, every nats.conf passes
 * `nats-server -t` with the real binary, and the three-node cluster
 * configuration really forms a JetStream cluster that keeps kez-chat history
 * (replicas 3) when a node goes down.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { freePort, natsServerBin, repoRoot, startNatsServer } from '@kez/testkit';
import type { NatsServer } from '@kez/testkit';
import {
  ChatClient,
  ENV_VARS,
  PUBLIC_ENV,
  SILENT,
  generateChatKeys,
  generateSigner,
  publicKeys,
  startChatServer,
} from '../src/index.js';
import type { ChatKeys } from '../src/index.js';

const deploy = join(repoRoot, 'deploy');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
}

function keysEnv(keys: ChatKeys): Record<string, string> {
  const pub = publicKeys(keys);
  return {
    [PUBLIC_ENV.issuer]: pub.issuer,
    [PUBLIC_ENV.xkey]: pub.xkey,
    [PUBLIC_ENV.callout]: pub.callout,
    [PUBLIC_ENV.service]: pub.service,
  };
}

function checkConfig(file: string, env: Record<string, string>) {
  return spawnSync(natsServerBin(), ['-t', '-c', file], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
}

describe('deploy/', () => {
  test('docker-compose.yml parses and names only files that exist', () => {
    const compose = parse(readFileSync(join(deploy, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, ComposeService>;
      volumes: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ['chat-server', 'nats', 'sig-server']);
    const nats = compose.services.nats!;
    assert.match(nats.image!, /^nats:2\.(1\d|[2-9]\d)/, 'the official nats image, 2.10 or later');
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.build) {
        const context = resolve(deploy, svc.build.context);
        const dockerfile = join(context, svc.build.dockerfile);
        assert.ok(existsSync(dockerfile), `${name}: ${dockerfile} exists`);
        // Every COPY source in the Dockerfile exists in the build context.
        for (const m of readFileSync(dockerfile, 'utf8').matchAll(/^COPY (?!--from)(\S+)/gm))
          assert.ok(existsSync(join(context, m[1]!)), `${name}: COPY ${m[1]} exists`);
        // The CMD's script is what the package builds.
        const cmd = /CMD \["node", "([^"]+)"\]/.exec(readFileSync(dockerfile, 'utf8'))![1]!;
        const src = cmd.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
        assert.ok(existsSync(join(context, src)), `${name}: ${src} exists`);
      }
      for (const v of svc.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('.'))
          assert.ok(existsSync(resolve(deploy, source)), `${name}: ${source} exists`);
        else assert.ok(source in compose.volumes, `${name}: named volume ${source} is declared`);
      }
    }
    // The config file nats runs is one we mount.
    const mounted = (nats.volumes ?? []).map((v) => v.split(':')[1]);
    assert.ok(mounted.includes(nats.command![1]));
    // Variable names agree with what the code reads and what nats-auth.conf references.
    const chatEnv = Object.keys(compose.services['chat-server']!.environment!);
    for (const v of [
      ENV_VARS.issuerSeed,
      ENV_VARS.xkeySeed,
      ENV_VARS.calloutSeed,
      ENV_VARS.serviceSeed,
      ENV_VARS.natsUrl,
      ENV_VARS.sigServers,
    ])
      assert.ok(chatEnv.includes(v), `chat-server gets ${v}`);
    const natsEnv = Object.keys(nats.environment!);
    const auth = readFileSync(join(deploy, 'nats-auth.conf'), 'utf8');
    for (const v of Object.values(PUBLIC_ENV)) {
      assert.ok(natsEnv.includes(v), `nats gets ${v}`);
      assert.ok(auth.includes(`$${v}`), `nats-auth.conf references ${v}`);
    }
  });

  test('every nats.conf passes nats-server -t with the real binary (and fails without keys)', () => {
    const env = keysEnv(generateChatKeys());
    const files = [
      'nats.conf',
      'nats-cluster/n1.conf',
      'nats-cluster/n2.conf',
      'nats-cluster/n3.conf',
    ];
    for (const f of files) {
      const r = checkConfig(join(deploy, f), env);
      assert.equal(r.status, 0, `${f}: ${r.stderr}${r.stdout}`);
      assert.match(r.stderr + r.stdout, /is valid/);
    }
    const bad = checkConfig(join(deploy, 'nats.conf'), {
      ...env,
      [PUBLIC_ENV.xkey]: env[PUBLIC_ENV.issuer]!,
    });
    assert.notEqual(bad.status, 0, 'an account key where the xkey belongs is refused');
    assert.notEqual(checkConfig(join(deploy, 'nats.conf'), {}).status, 0, 'no keys, no server');
  });

  test('the three-node cluster config runs kez-chat with replicas 3 and survives losing a node', async () => {
    const keys = generateChatKeys();
    const env = keysEnv(keys);
    const dir = mkdtempSync(join(tmpdir(), 'kez-chat-cluster-'));
    const nodes = [1, 2, 3];
    const ports = await Promise.all(
      nodes.map(async () => ({
        client: await freePort(),
        route: await freePort(),
        http: await freePort(),
        ws: await freePort(),
      })),
    );
    // The deploy files, made local: loopback ports instead of hosts n1..n3, temp stores, keys inlined.
    const localize = (n: number, confDir: string) => {
      let text = readFileSync(join(deploy, 'nats-cluster', `n${n}.conf`), 'utf8');
      const p = ports[n - 1]!;
      text = text
        .replace('listen: 0.0.0.0:4222', `listen: 127.0.0.1:${p.client}`)
        .replace('http: 0.0.0.0:8222', `http: 127.0.0.1:${p.http}`)
        .replace('listen: 0.0.0.0:6222', `listen: 127.0.0.1:${p.route}`)
        .replace('port: 9222', `host: 127.0.0.1\n  port: ${p.ws}`)
        .replace('store_dir: /data/jetstream', `store_dir: "${join(dir, `n${n}`)}"`)
        .replace(
          'include ../nats-auth.conf',
          `include "${relative(confDir, join(deploy, 'nats-auth.conf'))}"`,
        );
      for (const m of nodes)
        text = text.replace(
          `nats-route://n${m}:6222`,
          `nats-route://127.0.0.1:${ports[m - 1]!.route}`,
        );
      return text;
    };
    const servers: NatsServer[] = [];
    // nats-auth.conf reads the keys from the environment, as in docker-compose.
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      servers.push(
        ...(await Promise.all(
          nodes.map((n) =>
            startNatsServer({ config: (p) => localize(n, p.dir), timeoutMs: 30_000 }),
          ),
        )),
      );
      const urls = ports.map((p) => `nats://127.0.0.1:${p.client}`);
      // JetStream needs a meta leader before the stream can be made: retry until it is there
      // (an election can take several seconds on a loaded 2-core machine).
      let chat: Awaited<ReturnType<typeof startChatServer>> | undefined;
      const leaderBy = Date.now() + 30_000;
      while (!chat) {
        try {
          chat = await startChatServer({
            env: {},
            natsUrl: urls.join(','),
            ...keys,
            replicas: 3,
            log: SILENT,
          });
        } catch (e) {
          if (Date.now() > leaderBy) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      try {
        const alice = await ChatClient.connect({
          servers: urls,
          signer: generateSigner('ed25519'),
        });
        await alice.createRoom('ops');
        for (const t of ['one', 'two', 'three']) await alice.send({ room: 'ops' }, t);
        // The stream really has three replicas (nats-server's own monitoring says so).
        const jsz = (await (
          await fetch(`http://127.0.0.1:${ports[0]!.http}/jsz?acc=APP&streams=true&config=true`)
        ).json()) as {
          account_details?: {
            stream_detail?: { name: string; config: { num_replicas: number } }[];
          }[];
        };
        const stream = jsz.account_details?.[0]?.stream_detail?.find((x) => x.name === 'KEZ_CHAT');
        assert.equal(stream?.config.num_replicas, 3);
        // Take node 3 down; the others still hold every replica.
        await servers[2]!.stop();
        const texts = async () =>
          (await alice.history({ room: 'ops' })).items.flatMap((i) =>
            i.kind === 'event' ? [i.event.text] : [],
          );
        let got: (string | undefined)[] = [];
        const electedBy = Date.now() + 30_000;
        while (Date.now() < electedBy) {
          try {
            got = await texts();
            if (got.length === 3) break;
          } catch {
            // a new stream leader may be electing
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        assert.deepEqual(got, ['one', 'two', 'three']);
        await alice.close();
      } finally {
        await chat.stop();
      }
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
