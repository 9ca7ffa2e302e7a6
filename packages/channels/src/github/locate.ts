/**
 * Where a github: proof lives (SPEC §7.2): a file of one of the user's public
 * gists, found through the REST API. URLs only; pure.
 */

/** GitHub caps per_page at 100. */
export const GISTS_PER_PAGE = 100;
/** The file `kez publish` writes. */
export const PROOF_FILENAME = 'kez-proof.md';
/** The sigchain file (SPEC §8.5) is never a proof. */
export const SIGCHAIN_FILENAME = 'kez-sigchain.jsonl';

/** @example userGistsUrl('https://api.github.com', 'alice', 1) */
export function userGistsUrl(api: string, user: string, page: number): string {
  return `${api}/users/${encodeURIComponent(user)}/gists?per_page=${GISTS_PER_PAGE}&page=${page}`;
}

/** @example gistUrl('https://api.github.com', 'aa5a315d61ae9438b18d') */
export function gistUrl(api: string, id: string): string {
  return `${api}/gists/${encodeURIComponent(id)}`;
}

/** Request headers GitHub documents for REST v3 (a User-Agent comes from the Net). */
export function githubHeaders(token?: string): Record<string, string> {
  const h: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}
