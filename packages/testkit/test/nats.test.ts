import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '@kez/testkit';

test('nats-server: pub/sub through a real server, JetStream and websocket on', async () => {
  await using nats = await startNatsServer({ jetstream: true, websocket: true });
  assert.match(nats.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(nats.wsUrl && nats.monitorUrl);

  const nc = await connect({ servers: nats.url });
  try {
    const sub = nc.subscribe('kez.smoke', { max: 1 });
    nc.publish('kez.smoke', 'hello');
    for await (const m of sub) assert.equal(m.string(), 'hello');
  } finally {
    await nc.close();
  }

  const varz = (await (await fetch(`${nats.monitorUrl}/varz`)).json()) as {
    version: string;
    jetstream?: { config?: { store_dir?: string } };
    websocket?: { port?: number };
  };
  assert.match(varz.version, /^2\.(1\d|[2-9]\d)\./);
  assert.ok(varz.jetstream?.config?.store_dir?.startsWith(nats.dir), 'JetStream is enabled');
  assert.equal(varz.websocket?.port, nats.wsPort);
});

test('nats-server: a custom config with placeholders', async () => {
  await using nats = await startNatsServer({
    config: 'listen: 127.0.0.1:{{PORT}}\nhttp: 127.0.0.1:{{HTTP_PORT}}\nmax_payload: 4096\n',
  });
  assert.equal(nats.wsUrl, undefined);
  const varz = (await (await fetch(`${nats.monitorUrl}/varz`)).json()) as { max_payload: number };
  assert.equal(varz.max_payload, 4096);
  const nc = await connect({ servers: nats.url });
  assert.equal(nc.info?.max_payload, 4096);
  await nc.close();
});
