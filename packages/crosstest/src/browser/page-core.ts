/**
 * Browser entry: @kez/core as the browser gets it (bundled by esbuild from the
 * sources, zstd.wasm fetched next to the bundle), exposed to the runner as
 * window.kezCore. Nothing here re-implements core: every call goes to it.
 */
import {
  canonicalize,
  checkClaim,
  claimId,
  createClaim,
  decodeClaim,
  encodeClaim,
  exportBundle,
  getSuite,
  judgeClaim,
  parseClaim,
  parseJson,
  summarizeChain,
  toHex,
  validateChain,
} from '@kez/core';
import { buildChain, readChain } from '../chain-build.js';
import type { CorePageApi } from './api.js';

const api: CorePageApi = {
  async makeClaim(suite, subject, encoding, now) {
    const secretKey = getSuite(suite).generateSecretKey();
    const claim = await createClaim({ subject, suite, secretKey, now });
    return {
      encoded: await encodeClaim(claim, encoding),
      id: claimId(claim),
      key: claim.key,
      subject: claim.subject,
      secretKeyHex: toHex(secretKey),
    };
  },

  async checkClaimText(text, opts) {
    let decoded;
    try {
      decoded = await decodeClaim(text);
    } catch (e) {
      return { status: 'invalid', reason: 'malformed', detail: (e as Error).message };
    }
    const v = await checkClaim(decoded.claim, opts);
    return {
      status: v.status,
      reason: v.reason,
      ...(v.detail !== undefined && { detail: v.detail }),
      encoding: decoded.encoding,
      id: claimId(decoded.claim),
      subject: decoded.claim.subject,
      key: decoded.claim.key,
      reencoded: await encodeClaim(decoded.claim, decoded.encoding),
    };
  },

  buildChain,

  async readChain(bundle, chain, now) {
    const r = await readChain(bundle, chain, now);
    return { ...r, shown: api.show(`sigchain ${chain}`, r.summary) };
  },

  async runSigchainVector(v) {
    const state = await validateChain(
      v.events.map((l) => parseJson(l)),
      { now: v.now, chain: v.chain },
    );
    return {
      state: summarizeChain(state),
      unapplied: state.unapplied.map((u) => ({ seq: u.seq, id: u.id, why: u.why })),
      dropped: state.dropped.map((d) => ({ index: d.index, why: d.why })),
      claims: (v.claims ?? []).map((l) => {
        const claim = parseClaim(parseJson(l));
        const j = judgeClaim(claim, state, v.now);
        return { claim_id: claimId(claim), status: j.status, reason: j.reason, listed: j.listed };
      }),
      bundle: exportBundle(state.events),
    };
  },

  canonicalizeJson: (text) => canonicalize(JSON.parse(text)),
  canonicalizeStrict: (text) => canonicalize(parseJson(text)),

  show(title, value) {
    const out = document.getElementById('out')!;
    const section = document.createElement('section');
    const h = document.createElement('h2');
    h.textContent = title;
    const pre = document.createElement('pre');
    pre.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    section.append(h, pre);
    out.append(section);
    return pre.textContent;
  },
};

window.kezCore = api;
