/** The github: channel (SPEC §7.2). */
import type { ChannelPlugin } from '../types.js';
import { fetchGithubProofs } from './fetch.js';
import { publishGithub } from './publish.js';

export { userGistsUrl, gistUrl, githubHeaders, PROOF_FILENAME } from './locate.js';
export {
  readGist,
  readGistList,
  candidateFiles,
  checkRawUrl,
  hasNextPage,
  rateLimitOf,
} from './match.js';
export { fetchGithubProofs, listUserGists } from './fetch.js';
export { publishGithub, proofMarkdown } from './publish.js';

export const githubPlugin: ChannelPlugin = {
  name: 'github',
  fetchProofs: fetchGithubProofs,
  publish: (claim, identity, ctx) => publishGithub(claim, identity, ctx),
};
