/**
 * Pure reading of GitHub REST answers (documented shapes: `base-gist` in a
 * list, `gist-simple` for one gist): which gists and files may hold a proof,
 * who owns a gist, pagination, rate-limit answers.
 */
import { PROOF_FILENAME, SIGCHAIN_FILENAME } from './locate.js';

export interface GistFile {
  filename: string;
  rawUrl?: string;
  size?: number;
  content?: string;
  truncated?: boolean;
}

export interface Gist {
  id: string;
  /** owner.login lowercased; '' for an anonymous gist. */
  owner: string;
  htmlUrl?: string;
  description: string;
  public: boolean;
  files: GistFile[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read one gist object; undefined when it lacks the documented required fields. */
export function readGist(v: unknown): Gist | undefined {
  if (!isObject(v) || typeof v.id !== 'string' || !isObject(v.files)) return undefined;
  const owner = isObject(v.owner) && typeof v.owner.login === 'string' ? v.owner.login : '';
  const files: GistFile[] = [];
  for (const [name, f] of Object.entries(v.files)) {
    if (!isObject(f)) continue;
    const file: GistFile = { filename: typeof f.filename === 'string' ? f.filename : name };
    if (typeof f.raw_url === 'string') file.rawUrl = f.raw_url;
    if (typeof f.size === 'number') file.size = f.size;
    if (typeof f.content === 'string') file.content = f.content;
    if (typeof f.truncated === 'boolean') file.truncated = f.truncated;
    files.push(file);
  }
  const g: Gist = {
    id: v.id,
    owner: owner.toLowerCase(),
    description: typeof v.description === 'string' ? v.description : '',
    public: v.public === true,
    files,
  };
  if (typeof v.html_url === 'string') g.htmlUrl = v.html_url;
  return g;
}

/** Read a gist list page; undefined when it is not an array of gists. */
export function readGistList(v: unknown): Gist[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Gist[] = [];
  for (const item of v) {
    const g = readGist(item);
    if (!g) return undefined;
    out.push(g);
  }
  return out;
}

/** SPEC §7.3: proof files are fetched first. */
export const isProofFileName = (name: string) => /^kez-proof\./i.test(name);

/**
 * Files that may hold a proof (SPEC §7.3), proof files first: every file of a
 * public gist up to `maxSize` bytes, except the sigchain file.
 *
 * @example
 * candidateFiles(gists, 65536).map(({ file }) => file.filename); // ['kez-proof.md', 'notes.txt']
 */
export function candidateFiles(gists: Gist[], maxSize: number): { gist: Gist; file: GistFile }[] {
  const all = gists.flatMap((gist) =>
    gist.public
      ? gist.files
          .filter((f) => f.filename !== SIGCHAIN_FILENAME && (f.size ?? 0) <= maxSize && f.rawUrl)
          .map((file) => ({ gist, file }))
      : [],
  );
  return [
    ...all.filter((c) => isProofFileName(c.file.filename)),
    ...all.filter((c) => !isProofFileName(c.file.filename)),
  ];
}

/**
 * A raw_url is accepted only on the configured raw origin and under the
 * gist owner's path (`/{owner}/{gist_id}/raw/…`), so a listing cannot send
 * the verifier elsewhere (SPEC §7.3).
 */
export function checkRawUrl(rawUrl: string, rawOrigin: string, owner: string): string | undefined {
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch {
    return `raw_url "${rawUrl.slice(0, 100)}" is not a URL`;
  }
  if (u.origin !== new URL(rawOrigin).origin) return `raw_url ${rawUrl} is not on ${rawOrigin}`;
  const first = decodeURIComponent(u.pathname.split('/')[1] ?? '').toLowerCase();
  if (first !== owner) return `raw_url ${rawUrl} is not under /${owner}/`;
  return undefined;
}

/** The gist `kez publish` owns: the first with a kez-proof.md file. */
export function findProofGist(gists: Gist[]): Gist | undefined {
  return gists.find((g) => g.files.some((f) => f.filename === PROOF_FILENAME));
}

/** True when a Link header (RFC 8288) has rel="next". */
export function hasNextPage(link: string | null): boolean {
  if (!link) return false;
  return link.split(',').some((part) => {
    const m = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(part);
    return !!m && m[1]!.trim().toLowerCase().split(/\s+/).includes('next');
  });
}

/**
 * Whether an answer is GitHub's rate limit (403 or 429 with
 * x-ratelimit-remaining: 0, or 429 / retry-after), and when it resets.
 */
export function rateLimitOf(status: number, headers: Headers): { detail: string } | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const remaining = headers.get('x-ratelimit-remaining');
  const retryAfter = headers.get('retry-after');
  if (remaining !== '0' && retryAfter === null && status !== 429) return undefined;
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0)
    return { detail: `rate limit exceeded; resets at ${new Date(reset * 1000).toISOString()}` };
  if (retryAfter !== null) return { detail: `rate limited; retry after ${retryAfter} s` };
  return { detail: 'rate limit exceeded' };
}

/** GitHub's error body `{ message }`, shortened, for details. */
export function githubMessage(body: unknown): string {
  return isObject(body) && typeof body.message === 'string' ? body.message.slice(0, 200) : '';
}
