/**
 * Fetch the proof of `bluesky:<handle|did>` (SPEC §7.5): handle → DID (DNS
 * TXT, then HTTPS), DID → document (PLC directory or did:web), then the
 * `dev.kez.proof/self` record with its proof from the PDS, falling back to
 * recent posts. Every record is checked against the signed repo commit.
 */
import { ChannelError, InputError } from '@kez/core';
import type { Identity } from '@kez/core';
import type { ChannelContext, FetchOutcome, NetResponse, ProofText } from '../types.js';
import { verifyRecordProof } from './commit.js';
import { yieldToNetwork } from '../yield.js';
import type { RecordProof } from './commit.js';
import type { AtprotoKey } from './did-key.js';
import {
  blueskyEndpoints,
  didDocumentUrl,
  getRecordUrl,
  handleTxtName,
  handleWellKnownUrl,
  listPostsUrl,
  MAX_API_BYTES,
  MAX_POST_PROOFS,
  POST_COLLECTION,
  PROOF_COLLECTION,
  PROOF_RKEY,
  recordUri,
} from './locate.js';
import type { BlueskyEndpoints } from './locate.js';
import {
  didsFromTxt,
  handleConfirmed,
  isSupportedDid,
  parseDidDocument,
  proofText,
  recordText,
} from './match.js';
import type { Resolved } from './match.js';

/** A step that ended the walk early: its outcome is the answer. */
class Stop {
  constructor(readonly outcome: FetchOutcome) {}
}

const absent = (location: string, detail: string) => new Stop({ type: 'absent', location, detail });
const failed = (reason: ChannelError['code'], location: string, detail: string) =>
  new Stop({ type: 'failed', reason, location, detail });

/**
 * SPEC §7.5 step 1: DNS TXT `_atproto.<handle>`, then
 * `https://<handle>/.well-known/atproto-did`. Both are asked at once (as the
 * atproto reference resolver does); the DNS answer still wins, so this only
 * saves the HTTPS round trip when DNS holds no DID.
 */
async function resolveHandle(
  handle: string,
  ctx: ChannelContext,
  ep: BlueskyEndpoints,
): Promise<{ did: string; via: string }> {
  const name = handleTxtName(handle);
  const url = handleWellKnownUrl(handle, ep);
  const web = ctx.net.fetch(url, { maxBytes: 2048 });
  web.catch(() => undefined); // an answer DNS made unneeded must not be an unhandled rejection
  let dnsFailure: ChannelError | undefined;
  try {
    const dids = didsFromTxt(await ctx.net.resolveTxt(name));
    if (dids.length > 1)
      throw failed('bad_response', name, `${name} holds several different did= values`);
    if (dids[0] !== undefined) {
      if (!isSupportedDid(dids[0]))
        throw failed(
          'bad_response',
          name,
          `${name} names an unsupported DID "${dids[0].slice(0, 80)}"`,
        );
      return { did: dids[0], via: `DNS TXT ${name}` };
    }
  } catch (e) {
    if (!(e instanceof ChannelError)) throw e;
    dnsFailure = e;
  }
  let res;
  try {
    res = await web;
  } catch (e) {
    if (!(e instanceof ChannelError)) throw e;
    // Neither route answered: nothing definitive was learned (SPEC §7.1).
    const first = dnsFailure ?? e;
    throw failed(first.code, first.location ?? url, `${handle}: ${first.message}; ${e.message}`);
  }
  if (res.status === 200) {
    const did = res.text().trim();
    if (!isSupportedDid(did))
      throw failed('bad_response', url, `${url} did not answer with a did:plc or did:web`);
    return { did, via: url };
  }
  if (res.status === 404 || res.status === 410) {
    if (dnsFailure) throw failed(dnsFailure.code, dnsFailure.location ?? name, dnsFailure.message);
    throw absent(
      url,
      `${handle} resolves to no DID (no did= TXT at ${name}; ${url} answered ${res.status})`,
    );
  }
  throw failed('http_error', url, `${url} answered HTTP ${res.status}`);
}

/**
 * SPEC §7.5 steps 2 and 4: the DID document, its handles, PDS and repo key.
 * `onDid` is told the DID as soon as it is known, before the document is fetched.
 */
async function resolveDid(
  identity: Identity,
  ctx: ChannelContext,
  ep: BlueskyEndpoints,
  onDid?: (did: string) => void,
): Promise<Resolved> {
  const id = identity.id;
  const { did, via } = id.startsWith('did:')
    ? { did: id, via: undefined }
    : await resolveHandle(id, ctx, ep);
  onDid?.(did);
  const docUrl = didDocumentUrl(did, ep);
  const res = await ctx.net.fetch(docUrl, {
    headers: { accept: 'application/did+ld+json, application/json' },
    maxBytes: MAX_API_BYTES,
  });
  if (res.status === 404 || res.status === 410)
    throw absent(docUrl, `${docUrl} has no DID document for ${did} (HTTP ${res.status})`);
  if (res.status !== 200)
    throw failed('http_error', docUrl, `${docUrl} answered HTTP ${res.status}`);
  let doc;
  try {
    doc = parseDidDocument(res.json(), did);
  } catch (e) {
    if (e instanceof ChannelError) throw e;
    throw failed('bad_response', docUrl, `${docUrl}: ${(e as Error).message}`);
  }
  return { id, did, ...(via ? { via } : {}), doc, docUrl };
}

/** GET a record with its proof (a CAR). */
function requestRecord(
  ctx: ChannelContext,
  pds: string,
  did: string,
  collection: string,
  rkey: string,
): Promise<NetResponse> {
  return ctx.net.fetch(getRecordUrl(pds, did, collection, rkey), {
    headers: { accept: 'application/vnd.ipld.car' },
    maxBytes: MAX_API_BYTES,
  });
}

/**
 * Fetch one record's proof CAR (or take the answer of a request already
 * under way) and check it; undefined when the PDS says the record is not there.
 */
async function fetchProof(
  ctx: ChannelContext,
  pds: string,
  r: Resolved,
  key: AtprotoKey,
  collection: string,
  rkey: string,
  pending?: Promise<NetResponse>,
): Promise<RecordProof | undefined> {
  const url = getRecordUrl(pds, r.did, collection, rkey);
  const res = await (pending ?? requestRecord(ctx, pds, r.did, collection, rkey));
  if (res.status === 400 || res.status === 404) {
    // xrpc errors: {"error":"RecordNotFound"} is definitive; anything else is not.
    let error: unknown;
    try {
      error = (res.json() as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    if (error === 'RecordNotFound') return undefined;
    if (error === 'RepoNotFound')
      throw absent(url, `${pds} has no repository for ${r.did} (${String(error)})`);
    throw failed(
      'http_error',
      url,
      `${url} answered HTTP ${res.status} ${String(error ?? '')}`.trim(),
    );
  }
  if (res.status !== 200) throw failed('http_error', url, `${url} answered HTTP ${res.status}`);
  try {
    await yieldToNetwork();
    return await verifyRecordProof(res.body, `${collection}/${rkey}`, key);
  } catch (e) {
    throw failed(
      'bad_response',
      url,
      `${url}: the record proof is broken: ${(e as Error).message}`,
    );
  }
}

/** SPEC §7.5 step 8: recent posts whose text holds a compact claim, each with its proof. */
async function fetchPostProofs(
  ctx: ChannelContext,
  pds: string,
  r: Resolved,
  key: AtprotoKey,
): Promise<ProofText[]> {
  const url = listPostsUrl(pds, r.did);
  const res = await ctx.net.fetch(url, { maxBytes: MAX_API_BYTES });
  if (res.status !== 200) throw failed('http_error', url, `${url} answered HTTP ${res.status}`);
  const body = res.json() as { records?: unknown };
  if (!Array.isArray(body.records)) throw failed('bad_response', url, `${url}: no "records" list`);
  const rkeys: string[] = [];
  for (const rec of body.records as { uri?: unknown; value?: { text?: unknown } }[]) {
    if (typeof rec?.uri !== 'string' || typeof rec.value?.text !== 'string') continue;
    if (!rec.value.text.includes('kez:z1:')) continue;
    const rkey = rec.uri.split('/').pop() ?? '';
    if (/^[A-Za-z0-9._:~-]{1,512}$/.test(rkey)) rkeys.push(rkey);
    if (rkeys.length >= MAX_POST_PROOFS) break;
  }
  // The listing is only a hint: the text judged is the one under the signed commit.
  // The (at most MAX_POST_PROOFS) proofs are fetched at once.
  const settled = await Promise.allSettled(
    rkeys.map((rkey) => fetchProof(ctx, pds, r, key, POST_COLLECTION, rkey)),
  );
  const out: ProofText[] = [];
  settled.forEach((s, i) => {
    // The first post in listing order that failed decides, as when they were fetched in turn.
    if (s.status === 'rejected') throw s.reason;
    const proof = s.value;
    if (proof?.record)
      out.push(
        proofText(
          r,
          proof,
          recordText(proof.record.value),
          recordUri(r.did, POST_COLLECTION, rkeys[i]!),
        ),
      );
  });
  return out;
}

async function walk(identity: Identity, ctx: ChannelContext): Promise<FetchOutcome> {
  const ep = blueskyEndpoints(ctx.config);
  // With a configured PDS (a mirror) the record need not wait for the DID
  // document: it is asked for at once, and still checked against the document's key.
  let early: Promise<NetResponse> | undefined;
  const r = await resolveDid(identity, ctx, ep, (did) => {
    if (!ep.pds) return;
    early = requestRecord(ctx, ep.pds, did, PROOF_COLLECTION, PROOF_RKEY);
    early.catch(() => undefined); // awaited below unless the document already ended the walk
  });
  const pds = ep.pds ?? r.doc.pds;
  if (!pds)
    throw failed('bad_response', r.docUrl, `the DID document of ${r.did} names no #atproto_pds`);
  if (!r.doc.key) throw failed('bad_response', r.docUrl, r.doc.keyProblem ?? 'no #atproto key');
  const key = r.doc.key;
  const uri = recordUri(r.did, PROOF_COLLECTION, PROOF_RKEY);
  const proof = await fetchProof(ctx, pds, r, key, PROOF_COLLECTION, PROOF_RKEY, early);
  if (proof?.record)
    return { type: 'found', texts: [proofText(r, proof, recordText(proof.record.value), uri)] };
  const posts = await fetchPostProofs(ctx, pds, r, key);
  if (posts.length) return { type: 'found', texts: posts };
  const unconfirmed = handleConfirmed(r) ? '' : `; and ${r.did} does not name at://${r.id}`;
  return {
    type: 'absent',
    location: uri,
    detail: `no ${PROOF_COLLECTION}/${PROOF_RKEY} record and no post holding a claim in the repository of ${r.did} at ${pds}${unconfirmed}`,
  };
}

/**
 * Never throws for network trouble or a missing proof: those are outcomes.
 *
 * @example
 * const outcome = await fetchBlueskyProof(parseIdentity('bluesky:alice.example'), ctx);
 */
export async function fetchBlueskyProof(
  identity: Identity,
  ctx: ChannelContext,
): Promise<FetchOutcome> {
  try {
    return await walk(identity, ctx);
  } catch (e) {
    if (e instanceof Stop) return e.outcome;
    if (e instanceof ChannelError)
      return {
        type: 'failed',
        reason: e.code,
        detail: e.message,
        ...(e.location ? { location: e.location } : {}),
      };
    throw e;
  }
}

/** The DID, document and PDS of an identity, for publishing. Throws ChannelError. */
export async function resolveAccount(
  identity: Identity,
  ctx: ChannelContext,
): Promise<Resolved & { pds: string }> {
  const ep = blueskyEndpoints(ctx.config);
  try {
    const r = await resolveDid(identity, ctx, ep);
    const pds = ep.pds ?? r.doc.pds;
    if (!pds)
      throw new ChannelError(
        'bad_response',
        `the DID document of ${r.did} names no #atproto_pds`,
        r.docUrl,
      );
    return { ...r, pds };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const o = e.outcome;
    if (o.type === 'failed') throw new ChannelError(o.reason, o.detail, o.location);
    // A handle or DID that resolves to nothing is bad input for publishing.
    throw new InputError(
      o.type === 'absent' ? o.detail : `cannot resolve ${identity.text}`,
      'not_found',
    );
  }
}
