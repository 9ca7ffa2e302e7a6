/**
 * Browser entry with no @kez/core in it: the `canonicalize` package, the
 * SPEC §4.3 prefix copied as hex, the SPEC §3.3 strictness rules written from
 * the RFC, and Chromium's own WebCrypto Ed25519 — an independent verifier
 * running beside core in the same page.
 */
import canonicalize from 'canonicalize';
import { claimSigningParts } from '../indep/claim-digest.js';
import { ed25519StrictProblem } from '../indep/ed25519-strict.js';
import type { IndepPageApi } from './api.js';

const api: IndepPageApi = {
  canonicalize(text) {
    const out = canonicalize(JSON.parse(text));
    if (out === undefined) throw new Error('canonicalize returned undefined');
    return out;
  },

  async webcryptoEd25519(claimJson) {
    const p = claimSigningParts(claimJson);
    if (p.suite !== 'ed25519') return { ok: false, why: `suite is ${p.suite}, not ed25519` };
    const problem = ed25519StrictProblem(p.publicKey, p.sig);
    if (problem) return { ok: false, why: problem };
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', p.input));
    const key = await crypto.subtle.importKey('raw', p.publicKey, { name: 'Ed25519' }, false, [
      'verify',
    ]);
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, p.sig, digest);
    return ok ? { ok } : { ok, why: 'crypto.subtle.verify returned false' };
  },
};

window.kezIndep = api;
