import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actorOwner, readActor, readCollection, readPosts, selfLink, stripHtml } from './match.js';

test('stripHtml: tags, breaks, entities, Mastodon invisible spans', () => {
  assert.equal(
    stripHtml('<p>a &amp; b<br />c</p><p>d &#x41;&#66;&lt;&gt;&quot;&nbsp;</p>'),
    'a & b\nc\nd AB<>"',
  );
  assert.equal(
    stripHtml(
      '<a href="https://x.y/z"><span class="invisible">https://</span><span>x.y/z</span></a>',
    ),
    'https://x.y/z',
  );
  assert.equal(stripHtml('&bogus; &#0; kez:z1:AB-_'), '&bogus; &#0; kez:z1:AB-_');
});

test('selfLink: only a self link of an ActivityPub type', () => {
  const jrd = (links: unknown[]) => ({ links });
  assert.equal(selfLink(jrd([{ rel: 'self', type: 'text/html', href: 'h' }])), undefined);
  assert.equal(selfLink(jrd([{ rel: 'self', type: 'application/activity+json', href: 'a' }])), 'a');
  assert.equal(
    selfLink(
      jrd([
        {
          rel: 'self',
          type: 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
          href: 'b',
        },
      ]),
    ),
    'b',
  );
  assert.equal(selfLink({}), undefined);
});

test('actorOwner: id = self link, preferredUsername = user, host = host, subject = acct', () => {
  const acct = { user: 'alice', host: 'ex.social' };
  const actor = (o: Record<string, unknown>) =>
    readActor({ id: 'https://ex.social/users/alice', preferredUsername: 'Alice', ...o })!;
  assert.deepEqual(actorOwner(acct, 'https://ex.social/users/alice', actor({})), {
    owner: '@alice@ex.social',
  });
  assert.match(
    actorOwner(acct, 'https://ex.social/users/bob', actor({})).ownerDetail!,
    /≠ WebFinger self link/,
  );
  assert.match(
    actorOwner(acct, 'https://ex.social/users/alice', actor({ preferredUsername: 'bob' }))
      .ownerDetail!,
    /preferredUsername/,
  );
  const other = actor({ id: 'https://other.host/users/alice' });
  assert.match(
    actorOwner(acct, 'https://other.host/users/alice', other).ownerDetail!,
    /actor host other\.host/,
  );
  assert.match(
    actorOwner(acct, 'https://ex.social/users/alice', actor({}), 'acct:bob@ex.social').ownerDetail!,
    /subject/,
  );
});

test('posts: Notes and Creates by the actor; Announces skipped; attributedTo kept', () => {
  const me = 'https://ex.social/users/alice';
  const posts = readPosts(
    [
      {
        type: 'Create',
        actor: me,
        object: { type: 'Note', id: `${me}/1`, attributedTo: me, content: '<p>one</p>' },
      },
      { type: 'Announce', actor: me, object: { type: 'Note', content: 'boost' } },
      { type: 'Create', actor: 'https://x/bob', object: { type: 'Note', content: 'not mine' } },
      {
        type: 'Note',
        url: 'https://ex.social/@alice/2',
        attributedTo: { id: 'https://x/bob' },
        content: 'pinned',
      },
    ],
    me,
  );
  assert.deepEqual(posts, [
    { location: `${me}/1`, text: 'one', attributedTo: me },
    { location: 'https://ex.social/@alice/2', text: 'pinned', attributedTo: 'https://x/bob' },
  ]);
  assert.deepEqual(readCollection({ first: 'p1' }), { first: 'p1' });
  assert.deepEqual(readCollection({ first: { orderedItems: [1] } }), { items: [1] });
});
