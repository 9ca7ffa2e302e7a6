import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chromiumFlags, chromiumPath, freePort, natsServerBin } from '@kez/testkit';

test('freePort: distinct free loopback ports', async () => {
  const ports = await Promise.all([freePort(), freePort(), freePort({ udp: true })]);
  assert.equal(new Set(ports).size, 3);
  for (const p of ports) assert.ok(p > 0 && p < 65536);
});

test('natsServerBin: a nats-server >= 2.10', () => {
  const r = spawnSync(natsServerBin(), ['--version'], { encoding: 'utf8' });
  assert.match(r.stdout, /v2\.(1\d|[2-9]\d)\.\d+/);
});

test('chromium: headless Debian Chromium renders a page', () => {
  assert.equal(chromiumPath(), '/usr/bin/chromium');
  assert.ok(chromiumFlags.includes('--headless') && chromiumFlags.includes('--no-sandbox'));
  const r = spawnSync(
    chromiumPath(),
    [
      ...chromiumFlags,
      '--dump-dom',
      'data:text/html,<p id=x>kez</p><script>x.textContent+="!"</script>',
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.match(r.stdout, /<p id="x">kez!<\/p>/);
});
