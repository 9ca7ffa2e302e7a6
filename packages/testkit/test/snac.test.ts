import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSnac } from '@kez/testkit';

const AS = { accept: 'application/activity+json' };

test('snac: WebFinger finds the user, the actor carries the profile, notes reach the outbox', async () => {
  await using snac = await startSnac({
    user: 'alice',
    bio: 'Hi! kez proof here',
    metadata: { kez: 'kez:z1:example' },
  });
  assert.equal(snac.acct, `alice@localhost:${snac.port}`);
  assert.equal(snac.actorUrl, `http://localhost:${snac.port}/alice`);

  const wf = await fetch(`${snac.url}/.well-known/webfinger?resource=acct:${snac.acct}`);
  assert.equal(wf.status, 200);
  const jrd = (await wf.json()) as {
    subject: string;
    links: { rel: string; type?: string; href?: string }[];
  };
  assert.equal(jrd.subject, `acct:${snac.acct}`);
  const self = jrd.links.find((l) => l.rel === 'self' && l.type === 'application/activity+json');
  assert.equal(self?.href, snac.actorUrl);

  const actor = (await (await fetch(snac.actorUrl, { headers: AS })).json()) as {
    id: string;
    type: string;
    preferredUsername: string;
    summary: string;
    attachment: { type: string; name: string; value: string }[];
  };
  assert.equal(actor.id, snac.actorUrl);
  assert.equal(actor.type, 'Person');
  assert.equal(actor.preferredUsername, 'alice');
  assert.match(actor.summary, /kez proof here/);
  assert.deepEqual(
    actor.attachment.find((a) => a.name === 'kez'),
    { type: 'PropertyValue', name: 'kez', value: 'kez:z1:example' },
  );

  const note = await snac.note('kez proof note');
  assert.ok(note.id.startsWith(`${snac.actorUrl}/p/`));
  const outbox = (await (await fetch(`${snac.actorUrl}/outbox`, { headers: AS })).json()) as {
    orderedItems: { object: { id: string; content: string } }[];
  };
  const item = outbox.orderedItems.find((i) => i.object.id === note.id);
  assert.match(item?.object.content ?? '', /kez proof note/);
});
