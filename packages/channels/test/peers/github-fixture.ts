/**
 * A GitHub REST fixture on loopback replaying the documented shapes
 * (REST API 2022-11-28; schemas base-gist, gist-simple, public-user,
 * basic-error): GET /users/{u}/gists with Link pagination, GET /gists/{id}
 * (with per-file truncation), raw file URLs, GET /user, POST /gists and
 * PATCH /gists/{id} with a token, and rate-limit answers. Every JSON answer
 * is recorded so the tests can validate it against GitHub's OpenAPI
 * description (github-openapi.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface FixtureGist {
  id: string;
  /** The real author (owner.login). */
  owner: string;
  /** The user whose list shows it (default: owner) — lets a test list someone else's gist under a user. */
  listedUnder?: string;
  description: string | null;
  files: Record<string, string>;
  public?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface Recorded {
  method: string;
  /** The OpenAPI path template, e.g. '/users/{username}/gists'; undefined for raw and unknown URLs. */
  route?: string;
  status: number;
  body: unknown;
}

export interface GithubFixture {
  /** The API origin (api.github.com). */
  url: string;
  /** The raw file origin (gist.githubusercontent.com). */
  rawUrl: string;
  port: number;
  gists: FixtureGist[];
  /** token → login. */
  tokens: Map<string, string>;
  /** Requests left before rate-limit answers; Infinity by default. */
  rateLimit: { remaining: number; status: 403 | 429; reset: number };
  /** Per-file content inlined by GET /gists/{id} before `truncated: true` (GitHub: 1 MB). */
  truncateAt: number;
  recorded: Recorded[];
  /** How many API requests were served. */
  requests: number;
  /** How many raw file requests were served. */
  rawRequests: number;
  /** Added before every API answer (a slow peer). */
  delayMs: number;
  stop(): Promise<void>;
}

const sha = (s: string) => createHash('sha1').update(s).digest('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');
let nextUserId = 1000;
const userIds = new Map<string, number>();
const userId = (login: string) => {
  const k = login.toLowerCase();
  if (!userIds.has(k)) userIds.set(k, nextUserId++);
  return userIds.get(k)!;
};

export async function startGithubFixture(): Promise<GithubFixture> {
  let base = '';
  let rawBase = '';
  const simpleUser = (login: string) => ({
    login,
    id: userId(login),
    node_id: b64(`04:User${userId(login)}`),
    avatar_url: `${base}/avatars/${login}.png`,
    gravatar_id: '',
    url: `${base}/users/${login}`,
    html_url: `${base}/${login}`,
    followers_url: `${base}/users/${login}/followers`,
    following_url: `${base}/users/${login}/following{/other_user}`,
    gists_url: `${base}/users/${login}/gists{/gist_id}`,
    starred_url: `${base}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/users/${login}/subscriptions`,
    organizations_url: `${base}/users/${login}/orgs`,
    repos_url: `${base}/users/${login}/repos`,
    events_url: `${base}/users/${login}/events{/privacy}`,
    received_events_url: `${base}/users/${login}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  });
  const publicUser = (login: string) => ({
    ...simpleUser(login),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: fx.gists.filter((g) => g.owner.toLowerCase() === login.toLowerCase()).length,
    followers: 0,
    following: 0,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
  });
  const view = (g: FixtureGist, full: boolean) => {
    const rev = sha(JSON.stringify(g.files));
    const files: Record<string, unknown> = {};
    for (const [name, content] of Object.entries(g.files)) {
      const size = Buffer.byteLength(content);
      const f: Record<string, unknown> = {
        filename: name,
        type: name.endsWith('.md') ? 'text/markdown' : 'text/plain',
        language: name.endsWith('.md') ? 'Markdown' : 'Text',
        raw_url: `${rawBase}/${g.owner}/${g.id}/raw/${rev}/${encodeURIComponent(name)}`,
        size,
      };
      if (full) {
        const cut = size > fx.truncateAt;
        f.truncated = cut;
        f.content = cut ? Buffer.from(content).subarray(0, fx.truncateAt).toString() : content;
        f.encoding = 'utf-8';
      }
      files[name] = f;
    }
    const out: Record<string, unknown> = {
      url: `${base}/gists/${g.id}`,
      forks_url: `${base}/gists/${g.id}/forks`,
      commits_url: `${base}/gists/${g.id}/commits`,
      id: g.id,
      node_id: b64(`06:Gist${g.id}`),
      git_pull_url: `${base}/${g.id}.git`,
      git_push_url: `${base}/${g.id}.git`,
      html_url: `${base}/${g.owner}/${g.id}`,
      files,
      public: g.public ?? true,
      created_at: g.created_at ?? '2024-01-01T00:00:00Z',
      updated_at: g.updated_at ?? '2024-01-02T00:00:00Z',
      description: g.description,
      comments: 0,
      user: null,
      comments_url: `${base}/gists/${g.id}/comments`,
      owner: simpleUser(g.owner),
      truncated: false,
    };
    if (full) {
      out.comments_enabled = true;
      out.forks = [];
      out.history = [];
    }
    return out;
  };

  const fx: GithubFixture = {
    url: '',
    rawUrl: '',
    port: 0,
    gists: [],
    tokens: new Map(),
    rateLimit: { remaining: Infinity, status: 403, reset: Math.floor(Date.now() / 1000) + 3600 },
    truncateAt: 1024 * 1024,
    recorded: [],
    requests: 0,
    rawRequests: 0,
    delayMs: 0,
    stop: async () => {},
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const go = () => handle(req, res, Buffer.concat(chunks).toString());
      if (fx.delayMs > 0) setTimeout(go, fx.delayMs);
      else go();
    });
  });
  const rawServer = http.createServer((req, res) => raw(req, res));

  /** The raw host: `/{owner}/{gist_id}/raw/{revision}/{filename}`, outside the API's core quota. */
  function raw(req: http.IncomingMessage, res: http.ServerResponse) {
    fx.rawRequests++;
    const u = new URL(req.url ?? '/', rawBase);
    const m = /^\/([^/]+)\/([^/]+)\/raw\/[0-9a-f]{40}\/(.+)$/.exec(u.pathname);
    const g = m ? fx.gists.find((x) => x.id === m[2] && x.owner === m[1]) : undefined;
    const c = m ? g?.files[decodeURIComponent(m[3]!)] : undefined;
    res.writeHead(c === undefined ? 404 : 200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(c ?? '404: Not Found');
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, bodyText: string) {
    const u = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const limitHeaders = () => {
      const rem = Math.max(
        0,
        Number.isFinite(fx.rateLimit.remaining) ? fx.rateLimit.remaining : 60,
      );
      return {
        'x-ratelimit-limit': '60',
        'x-ratelimit-remaining': String(rem),
        'x-ratelimit-reset': String(fx.rateLimit.reset),
        'x-ratelimit-used': String(60 - Math.min(60, rem)),
        'x-ratelimit-resource': 'core',
      };
    };
    const send = (
      status: number,
      body: unknown,
      route?: string,
      extra: Record<string, string> = {},
    ) => {
      fx.recorded.push({ method, ...(route ? { route } : {}), status, body });
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        ...limitHeaders(),
        ...extra,
      });
      res.end(JSON.stringify(body));
    };
    const notFound = (route?: string) =>
      send(
        404,
        { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
        route,
      );

    let m: RegExpExecArray | null;
    fx.requests++;
    if (fx.rateLimit.remaining <= 0) {
      const body = {
        message:
          "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
        documentation_url:
          'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      };
      return send(
        fx.rateLimit.status,
        body,
        undefined,
        fx.rateLimit.status === 429 ? { 'retry-after': '60' } : {},
      );
    }
    fx.rateLimit.remaining--;
    const auth = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const login = auth === undefined ? undefined : fx.tokens.get(auth);
    if (auth !== undefined && login === undefined)
      return send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });

    if ((m = /^\/users\/([^/]+)\/gists$/.exec(u.pathname)) && method === 'GET') {
      const route = '/users/{username}/gists';
      const user = decodeURIComponent(m[1]!).toLowerCase();
      if (user.startsWith('ghost-')) return notFound(route);
      const perPage = Math.min(100, Math.max(1, Number(u.searchParams.get('per_page') ?? 30)));
      const page = Math.max(1, Number(u.searchParams.get('page') ?? 1));
      const all = fx.gists.filter(
        (g) => (g.listedUnder ?? g.owner).toLowerCase() === user && (g.public ?? true),
      );
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const links: string[] = [];
      const pageUrl = (p: number) => `<${base}/users/${user}/gists?per_page=${perPage}&page=${p}>`;
      if (page < last)
        links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`);
      if (page > 1) links.push(`${pageUrl(1)}; rel="first"`, `${pageUrl(page - 1)}; rel="prev"`);
      const items = all.slice((page - 1) * perPage, page * perPage).map((g) => view(g, false));
      return send(200, items, route, links.length ? { link: links.join(', ') } : {});
    }
    if ((m = /^\/gists\/([^/]+)$/.exec(u.pathname))) {
      const route = '/gists/{gist_id}';
      const g = fx.gists.find((x) => x.id === m![1]);
      if (method === 'GET') return g ? send(200, view(g, true), route) : notFound(route);
      if (method === 'PATCH') {
        if (!login)
          return send(401, {
            message: 'Requires authentication',
            documentation_url: 'https://docs.github.com/rest',
          });
        if (!g || g.owner.toLowerCase() !== login.toLowerCase()) return notFound(route);
        const body = JSON.parse(bodyText) as {
          description?: string;
          files?: Record<string, { content?: string } | null>;
        };
        if (body.description !== undefined) g.description = body.description;
        for (const [name, f] of Object.entries(body.files ?? {})) {
          if (f === null) delete g.files[name];
          else if (f.content !== undefined) g.files[name] = f.content;
        }
        g.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        return send(200, view(g, true), route);
      }
    }
    if (u.pathname === '/gists' && method === 'POST') {
      const route = '/gists';
      if (!login)
        return send(401, {
          message: 'Requires authentication',
          documentation_url: 'https://docs.github.com/rest',
        });
      const body = JSON.parse(bodyText) as {
        description?: string;
        public?: boolean;
        files?: Record<string, { content: string }>;
      };
      if (!body.files || Object.keys(body.files).length === 0)
        return send(
          422,
          {
            message: 'Validation Failed',
            documentation_url: 'https://docs.github.com/rest',
            errors: [{ resource: 'Gist', code: 'missing_field', field: 'files' }],
          },
          route,
        );
      const g: FixtureGist = {
        id: sha(`${login}${Date.now()}${Math.random()}`).slice(0, 20),
        owner: login,
        description: body.description ?? null,
        files: Object.fromEntries(Object.entries(body.files).map(([k, v]) => [k, v.content])),
        public: body.public ?? false,
      };
      fx.gists.push(g);
      return send(201, view(g, true), route);
    }
    if (u.pathname === '/user' && method === 'GET') {
      const route = '/user';
      if (!login)
        return send(
          401,
          { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' },
          route,
        );
      return send(200, publicUser(login), route);
    }
    return notFound();
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => rawServer.listen(0, '127.0.0.1', r));
  fx.port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${fx.port}`;
  rawBase = `http://127.0.0.1:${(rawServer.address() as AddressInfo).port}`;
  fx.url = base;
  fx.rawUrl = rawBase;
  const close = (s: http.Server) =>
    new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });
  fx.stop = async () => {
    await Promise.all([close(server), close(rawServer)]);
  };
  return fx;
}
