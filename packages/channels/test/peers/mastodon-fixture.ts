/**
 * A Mastodon-shaped fixture on loopback for what snac does not show: the
 * shapes Mastodon's serializers produce (WebfingerSerializer,
 * ActivityPub::ActorSerializer, OutboxSerializer, REST CredentialAccount and
 * Status, per shared notes/test-peers.md §4) — HTML field values with
 * `invisible` spans, `/@user` content negotiation, a paged outbox with boosts
 * — and the client API KEZ publishes through: verify_credentials,
 * update_credentials (fields_attributes, note; 255-char field values, 4
 * fields) and statuses (500 chars).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MastoAccount {
  username: string;
  displayName: string;
  /** Raw bio text (source.note). */
  note: string;
  /** Raw profile fields (source.fields). */
  fields: { name: string; value: string }[];
  statuses: { id: string; text: string; createdAt: string }[];
  /** Boosts of other people's posts (Announce in the outbox). */
  boosts: { id: string; of: string; text: string; by: string }[];
  /** Ids of pinned statuses (the actor's `featured` collection). */
  pinned: string[];
  /** Create activities by this actor wrapping a Note attributed to someone else (a broken or hostile server). */
  foreign: { id: string; text: string; by: string }[];
}

export interface MastodonFixture {
  url: string;
  /** `127.0.0.1:PORT`, the host part of accounts. */
  host: string;
  accounts: Map<string, MastoAccount>;
  /** token → username. */
  tokens: Map<string, string>;
  /** WebFinger self link → actor whose `id` differs (a server pointing at someone else's actor). */
  actorIdOverride: Map<string, string>;
  /** username → the `subject` WebFinger answers with. */
  subjectOverride: Map<string, string>;
  addAccount(username: string, init?: Partial<MastoAccount>): MastoAccount;
  stop(): Promise<void>;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Mastodon's TextFormatter link shape: scheme and overflow in `invisible` spans. */
function linkify(text: string): string {
  return esc(text).replace(/https?:\/\/[^\s<]+/g, (url) => {
    const m = /^(https?:\/\/)(.{0,30})(.*)$/.exec(url)!;
    return (
      `<a href="${url}" target="_blank" rel="nofollow noopener noreferrer me" translate="no">` +
      `<span class="invisible">${m[1]}</span><span class="${m[3] ? 'ellipsis' : ''}">${m[2]}</span>` +
      `<span class="invisible">${m[3]}</span></a>`
    );
  });
}

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${linkify(p).replace(/\n/g, '<br />')}</p>`)
    .join('');

const AP_CONTEXT = [
  'https://www.w3.org/ns/activitystreams',
  'https://w3id.org/security/v1',
  {
    manuallyApprovesFollowers: 'as:manuallyApprovesFollowers',
    toot: 'http://joinmastodon.org/ns#',
    schema: 'http://schema.org#',
    PropertyValue: 'schema:PropertyValue',
    value: 'schema:value',
  },
];

export async function startMastodonFixture(): Promise<MastodonFixture> {
  let base = '';
  let nextId = 110000000000000000n;
  const fx: MastodonFixture = {
    url: '',
    host: '',
    accounts: new Map(),
    tokens: new Map(),
    actorIdOverride: new Map(),
    subjectOverride: new Map(),
    addAccount(username, init = {}) {
      const a: MastoAccount = {
        username,
        displayName: username,
        note: '',
        fields: [],
        statuses: [],
        boosts: [],
        pinned: [],
        foreign: [],
        ...init,
      };
      fx.accounts.set(username.toLowerCase(), a);
      return a;
    },
    stop: async () => {},
  };

  const actorUrl = (u: string) => `${base}/users/${u}`;
  const actor = (a: MastoAccount) => ({
    '@context': AP_CONTEXT,
    id: fx.actorIdOverride.get(actorUrl(a.username)) ?? actorUrl(a.username),
    type: 'Person',
    following: `${actorUrl(a.username)}/following`,
    followers: `${actorUrl(a.username)}/followers`,
    inbox: `${actorUrl(a.username)}/inbox`,
    outbox: `${actorUrl(a.username)}/outbox`,
    featured: `${actorUrl(a.username)}/collections/featured`,
    preferredUsername: a.username,
    name: a.displayName,
    summary: paragraphs(a.note),
    url: `${base}/@${a.username}`,
    manuallyApprovesFollowers: false,
    discoverable: true,
    published: '2024-01-01T00:00:00Z',
    publicKey: {
      id: `${actorUrl(a.username)}#main-key`,
      owner: actorUrl(a.username),
      publicKeyPem: '-----BEGIN PUBLIC KEY-----\nMIIB…\n-----END PUBLIC KEY-----\n',
    },
    tag: [],
    attachment: a.fields.map((f) => ({
      type: 'PropertyValue',
      name: f.name,
      value: linkify(f.value),
    })),
    endpoints: { sharedInbox: `${base}/inbox` },
  });
  const outboxPage = (a: MastoAccount) => {
    const me = actorUrl(a.username);
    const creates = a.statuses.map((s) => ({
      id: `${me}/statuses/${s.id}/activity`,
      type: 'Create',
      actor: me,
      published: s.createdAt,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      object: {
        id: `${me}/statuses/${s.id}`,
        type: 'Note',
        url: `${base}/@${a.username}/${s.id}`,
        attributedTo: me,
        content: paragraphs(s.text),
        published: s.createdAt,
        to: ['https://www.w3.org/ns/activitystreams#Public'],
      },
    }));
    const foreign = a.foreign.map((f) => ({
      id: `${me}/statuses/${f.id}/activity`,
      type: 'Create',
      actor: me,
      object: {
        id: `${me}/statuses/${f.id}`,
        type: 'Note',
        attributedTo: f.by,
        content: paragraphs(f.text),
      },
    }));
    const boosts = a.boosts.map((b) => ({
      id: `${me}/statuses/${b.id}/activity`,
      type: 'Announce',
      actor: me,
      object: { id: b.of, type: 'Note', attributedTo: b.by, content: paragraphs(b.text) },
    }));
    return {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${me}/outbox?page=true`,
      type: 'OrderedCollectionPage',
      partOf: `${me}/outbox`,
      orderedItems: [...foreign, ...boosts, ...creates].reverse(),
    };
  };
  const featured = (a: MastoAccount) => {
    const me = actorUrl(a.username);
    return {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${me}/collections/featured`,
      type: 'OrderedCollection',
      totalItems: a.pinned.length,
      orderedItems: a.statuses
        .filter((s) => a.pinned.includes(s.id))
        .map((s) => ({
          id: `${me}/statuses/${s.id}`,
          type: 'Note',
          url: `${base}/@${a.username}/${s.id}`,
          attributedTo: me,
          content: paragraphs(s.text),
          published: s.createdAt,
        })),
    };
  };
  const apiAccount = (a: MastoAccount, credential: boolean) => ({
    id: String(1000 + [...fx.accounts.keys()].indexOf(a.username.toLowerCase())),
    username: a.username,
    acct: a.username,
    display_name: a.displayName,
    note: paragraphs(a.note),
    url: `${base}/@${a.username}`,
    fields: a.fields.map((f) => ({ name: f.name, value: linkify(f.value), verified_at: null })),
    ...(credential
      ? {
          source: {
            note: a.note,
            fields: a.fields.map((f) => ({ ...f, verified_at: null })),
            privacy: 'public',
          },
        }
      : {}),
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString()));
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const u = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const accept = req.headers.accept ?? '';
    const wantsAp = /application\/(activity\+json|ld\+json)/.test(accept);
    const json = (status: number, value: unknown, type = 'application/json; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(value));
    };
    const apJson = (value: unknown) => json(200, value, 'application/activity+json; charset=utf-8');
    const notFound = () => json(404, { error: 'Record not found' });
    let m: RegExpExecArray | null;

    if (u.pathname === '/.well-known/webfinger') {
      m = /^acct:([^@]+)@(.+)$/.exec(u.searchParams.get('resource') ?? '');
      const a = m && m[2] === fx.host ? fx.accounts.get(m[1]!.toLowerCase()) : undefined;
      if (!a) return notFound();
      return json(
        200,
        {
          subject: fx.subjectOverride.get(a.username) ?? `acct:${a.username}@${fx.host}`,
          aliases: [`${base}/@${a.username}`, actorUrl(a.username)],
          links: [
            {
              rel: 'http://webfinger.net/rel/profile-page',
              type: 'text/html',
              href: `${base}/@${a.username}`,
            },
            { rel: 'self', type: 'application/activity+json', href: actorUrl(a.username) },
            {
              rel: 'http://ostatus.org/schema/1.0/subscribe',
              template: `${base}/authorize_interaction?uri={uri}`,
            },
          ],
        },
        'application/jrd+json; charset=utf-8',
      );
    }
    if ((m = /^\/users\/([^/]+)\/collections\/featured$/.exec(u.pathname)) && method === 'GET') {
      const a = fx.accounts.get(m[1]!.toLowerCase());
      return a ? apJson(featured(a)) : notFound();
    }
    if ((m = /^\/(?:users\/|@)([^/]+)(\/outbox)?$/.exec(u.pathname)) && method === 'GET') {
      const a = fx.accounts.get(m[1]!.toLowerCase());
      if (!a) return notFound();
      if (!wantsAp) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(`<html><body>${paragraphs(a.note)}</body></html>`);
      }
      if (!m[2]) return apJson(actor(a));
      if (u.searchParams.get('page') === 'true') return apJson(outboxPage(a));
      return apJson({
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${actorUrl(a.username)}/outbox`,
        type: 'OrderedCollection',
        totalItems: a.statuses.length + a.boosts.length,
        first: `${actorUrl(a.username)}/outbox?page=true`,
        last: `${actorUrl(a.username)}/outbox?min_id=0&page=true`,
      });
    }

    if (u.pathname.startsWith('/api/v1/')) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const who = token === undefined ? undefined : fx.tokens.get(token);
      const me = who === undefined ? undefined : fx.accounts.get(who.toLowerCase());
      if (u.pathname === '/api/v1/accounts/lookup' && method === 'GET') {
        const a = fx.accounts.get((u.searchParams.get('acct') ?? '').toLowerCase());
        return a ? json(200, apiAccount(a, false)) : notFound();
      }
      if (!me) return json(401, { error: 'The access token is invalid' });
      if (u.pathname === '/api/v1/accounts/verify_credentials' && method === 'GET')
        return json(200, apiAccount(me, true));
      if (u.pathname === '/api/v1/accounts/update_credentials' && method === 'PATCH') {
        const form = /json/.test(req.headers['content-type'] ?? '')
          ? null
          : new URLSearchParams(body);
        const fields: { name: string; value: string }[] = [];
        let note: string | undefined;
        if (form) {
          for (let i = 0; form.has(`fields_attributes[${i}][name]`); i++)
            fields.push({
              name: form.get(`fields_attributes[${i}][name]`)!,
              value: form.get(`fields_attributes[${i}][value]`) ?? '',
            });
          note = form.get('note') ?? undefined;
        } else {
          const j = JSON.parse(body) as {
            note?: string;
            fields_attributes?: { name: string; value: string }[];
          };
          fields.push(...(j.fields_attributes ?? []));
          note = j.note;
        }
        if (fields.length > 4) return json(422, { error: 'Validation failed: Fields is too long' });
        if (fields.some((f) => f.value.length > 255 || f.name.length > 255))
          return json(422, {
            error: 'Validation failed: Fields value is too long (maximum is 255 characters)',
          });
        if (note !== undefined && note.length > 500)
          return json(422, {
            error: 'Validation failed: Note is too long (maximum is 500 characters)',
          });
        if (form?.has('fields_attributes[0][name]') || (!form && fields.length))
          me.fields = fields.filter((f) => f.name !== '' || f.value !== '');
        if (note !== undefined) me.note = note;
        return json(200, apiAccount(me, true));
      }
      if (u.pathname === '/api/v1/statuses' && method === 'POST') {
        const j = /json/.test(req.headers['content-type'] ?? '')
          ? (JSON.parse(body) as { status?: string })
          : Object.fromEntries(new URLSearchParams(body));
        const text = j.status ?? '';
        if (text.length === 0 || text.length > 500)
          return json(422, { error: 'Validation failed: Text character limit of 500 exceeded' });
        const id = String(nextId++);
        const createdAt = new Date().toISOString();
        me.statuses.push({ id, text, createdAt });
        return json(200, {
          id,
          created_at: createdAt,
          visibility: 'public',
          uri: `${actorUrl(me.username)}/statuses/${id}`,
          url: `${base}/@${me.username}/${id}`,
          content: paragraphs(text),
          account: apiAccount(me, false),
        });
      }
    }
    return notFound();
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  fx.host = `127.0.0.1:${port}`;
  base = `http://${fx.host}`;
  fx.url = base;
  fx.stop = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fx;
}
