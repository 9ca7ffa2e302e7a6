/**
 * Publish a github: proof (SPEC §7.2): create, or update in place, the
 * user's public gist holding `kez-proof.md` with the claim's Markdown fence.
 * Needs a token (KEZ_GITHUB_TOKEN / --github-token) belonging to the claimed user.
 */
import { InputError, displayKey, encodeClaim, parseKeyRef } from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import type { ChannelContext, PublishResult } from '../types.js';
import { PROOF_FILENAME, gistUrl } from './locate.js';
import { findProofGist } from './match.js';
import { gistsOf, tokenLogin, writeGist } from './write.js';

export const PROOF_DESCRIPTION = 'KEZ identity proof';

/** The file's text: a line for people, then the fence verifiers read. */
export async function proofMarkdown(claim: Claim): Promise<string> {
  const key = displayKey(parseKeyRef(claim.key));
  return (
    `This gist links ${claim.subject} to the key ${key} (a KEZ identity proof).\n` +
    `Check it with: kez verify id ${claim.subject}\n\n` +
    (await encodeClaim(claim, 'markdown'))
  );
}

/**
 * @example
 * await publishGithub(claim, parseIdentity('github:alice'), ctx); // { location: 'https://gist.github.com/…' }
 */
export async function publishGithub(
  claim: Claim,
  identity: Identity,
  ctx: ChannelContext,
): Promise<PublishResult> {
  const token = ctx.config.githubToken;
  if (!token)
    throw new InputError(
      'publishing to GitHub needs a token: set KEZ_GITHUB_TOKEN or --github-token',
    );
  // The token must be the claimed user's, or the proof would sit under someone else.
  const login = await tokenLogin(ctx, token);
  if (login.toLowerCase() !== identity.id)
    throw new InputError(`the GitHub token belongs to ${login}, not ${identity.id}`);
  const listed = await gistsOf(identity.id, ctx);
  const existing = findProofGist(listed.filter((g) => g.owner === identity.id));
  const files = { [PROOF_FILENAME]: { content: await proofMarkdown(claim) } };
  const gist = await writeGist(ctx, token, existing, PROOF_DESCRIPTION, files);
  return {
    location: `${gist.htmlUrl ?? gistUrl(ctx.config.githubApi, gist.id)}#${PROOF_FILENAME}`,
    targets: [{ target: gist.id, ok: true, message: existing ? 'updated' : 'created' }],
  };
}
