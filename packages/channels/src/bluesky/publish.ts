/**
 * Publish a claim as the Bluesky proof record (SPEC §7.5, informative):
 * an app-password session on the account's PDS, then
 * `com.atproto.repo.putRecord` of `dev.kez.proof/self`.
 */
import { ChannelError, encodeClaim, InputError } from '@kez/core';
import type { Claim, Identity } from '@kez/core';
import type { ChannelContext, NetResponse, PublishResult } from '../types.js';
import { resolveAccount } from './fetch.js';
import { MAX_API_BYTES, PROOF_COLLECTION, PROOF_RKEY, recordUri } from './locate.js';

/** The record written (SPEC §7.5 step 7); publishers write the compact encoding. */
export async function proofRecord(claim: Claim, now: number): Promise<Record<string, string>> {
  return {
    $type: PROOF_COLLECTION,
    claim: await encodeClaim(claim, 'compact'),
    createdAt: new Date(now * 1000).toISOString(),
  };
}

function xrpcError(res: NetResponse): string {
  try {
    const b = res.json() as { error?: unknown; message?: unknown };
    return [b.error, b.message].filter((x) => typeof x === 'string').join(': ');
  } catch {
    return '';
  }
}

async function post(
  ctx: ChannelContext,
  url: string,
  body: unknown,
  token?: string,
): Promise<NetResponse> {
  return ctx.net.fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    maxBytes: MAX_API_BYTES,
  });
}

/**
 * Needs `config.blueskyAppPassword` (KEZ_BLUESKY_APP_PASSWORD). The session
 * is made with the identity's handle (or DID) on the PDS its DID document names.
 *
 * @example
 * await publishBlueskyProof(claim, parseIdentity('bluesky:alice.example'), ctx);
 */
export async function publishBlueskyProof(
  claim: Claim,
  identity: Identity,
  ctx: ChannelContext,
): Promise<PublishResult> {
  if (claim.subject !== identity.text)
    throw new InputError(`the claim is for ${claim.subject}, not ${identity.text}`);
  const password = ctx.config.blueskyAppPassword;
  if (!password)
    throw new InputError(
      `publishing to ${identity.text} needs an app password (KEZ_BLUESKY_APP_PASSWORD)`,
    );
  const account = await resolveAccount(identity, ctx);
  const base = `${account.pds.replace(/\/+$/, '')}/xrpc`;

  const login = await post(ctx, `${base}/com.atproto.server.createSession`, {
    identifier: identity.id,
    password,
  });
  if (login.status === 401 || login.status === 400)
    throw new InputError(
      `${account.pds} refused the app password for ${identity.id}: ${xrpcError(login)}`,
    );
  if (login.status !== 200)
    throw new ChannelError(
      'http_error',
      `createSession answered HTTP ${login.status} ${xrpcError(login)}`.trim(),
      base,
    );
  const session = login.json() as { accessJwt?: unknown; did?: unknown };
  if (typeof session.accessJwt !== 'string' || session.did !== account.did)
    throw new ChannelError(
      'bad_response',
      `createSession did not return a session for ${account.did}`,
      base,
    );

  const put = await post(
    ctx,
    `${base}/com.atproto.repo.putRecord`,
    {
      repo: account.did,
      collection: PROOF_COLLECTION,
      rkey: PROOF_RKEY,
      record: await proofRecord(claim, ctx.now()),
    },
    session.accessJwt,
  );
  if (put.status !== 200)
    throw new ChannelError(
      'http_error',
      `putRecord answered HTTP ${put.status} ${xrpcError(put)}`.trim(),
      base,
    );
  const out = put.json() as { uri?: unknown; cid?: unknown };
  const uri =
    typeof out.uri === 'string' ? out.uri : recordUri(account.did, PROOF_COLLECTION, PROOF_RKEY);
  return {
    location: uri,
    targets: [
      {
        target: account.pds,
        ok: true,
        ...(typeof out.cid === 'string' ? { message: `cid ${out.cid}` } : {}),
      },
    ],
  };
}
