/**
 * Judging what the Bluesky steps returned (SPEC §7.5): the handle's DID from
 * DNS or HTTPS, the DID document (handles, PDS, repo key), and who published
 * a proven record. Pure.
 */
import type { ProofText } from '../types.js';
import type { RecordProof } from './commit.js';
import { parseAtprotoKey } from './did-key.js';
import type { AtprotoKey } from './did-key.js';

const DID_RE = /^did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.-]+)$/;

export function isSupportedDid(s: string): boolean {
  return DID_RE.test(s);
}

/** The distinct `did=` values of a handle's `_atproto` TXT records (strings of a record joined). */
export function didsFromTxt(records: string[][] | null): string[] {
  const out = new Set<string>();
  for (const r of records ?? []) {
    const text = r.join('');
    if (text.startsWith('did=')) out.add(text.slice(4).trim());
  }
  return [...out];
}

export interface DidDocument {
  did: string;
  /** Handles from `alsoKnownAs` (`at://<handle>`), lowercase. */
  handles: string[];
  /** `#atproto_pds` service endpoint. */
  pds?: string;
  /** `#atproto` verification method. */
  key?: AtprotoKey;
  /** Why the key could not be used, when it could not. */
  keyProblem?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Entry ids may be relative (`#atproto`) or absolute (`<did>#atproto`). */
function idIs(entry: Record<string, unknown>, did: string, frag: string): boolean {
  return entry.id === frag || entry.id === did + frag;
}

/**
 * Read the parts of a DID document KEZ needs. Throws Error when the document
 * is not for `did` or not an object.
 */
export function parseDidDocument(value: unknown, did: string): DidDocument {
  if (!isObject(value)) throw new Error('DID document is not a JSON object');
  if (value.id !== did) throw new Error(`DID document is for ${String(value.id)}, not ${did}`);
  const doc: DidDocument = { did, handles: [] };
  if (Array.isArray(value.alsoKnownAs))
    for (const a of value.alsoKnownAs)
      if (typeof a === 'string' && a.startsWith('at://'))
        doc.handles.push(a.slice(5).toLowerCase());
  if (Array.isArray(value.service)) {
    const pds = value.service.find(
      (s): s is Record<string, unknown> =>
        isObject(s) && idIs(s, did, '#atproto_pds') && s.type === 'AtprotoPersonalDataServer',
    );
    if (pds && typeof pds.serviceEndpoint === 'string') doc.pds = pds.serviceEndpoint;
  }
  if (Array.isArray(value.verificationMethod)) {
    const vm = value.verificationMethod.find(
      (v): v is Record<string, unknown> => isObject(v) && idIs(v, did, '#atproto'),
    );
    if (vm && typeof vm.publicKeyMultibase === 'string') {
      try {
        doc.key = parseAtprotoKey(
          vm.publicKeyMultibase,
          typeof vm.type === 'string' ? vm.type : undefined,
        );
      } catch (e) {
        doc.keyProblem = (e as Error).message;
      }
    } else doc.keyProblem = 'the DID document has no #atproto verification method';
  } else doc.keyProblem = 'the DID document has no verification methods';
  return doc;
}

export interface Resolved {
  /** The identity's id: a handle or the DID itself. */
  id: string;
  did: string;
  /** How the DID was found (DNS name or URL), for handle identities. */
  via?: string;
  doc: DidDocument;
  docUrl: string;
}

/** SPEC §7.5 step 3: a handle identity needs the document to name it back. */
export function handleConfirmed(r: Resolved): boolean {
  return r.id === r.did || r.doc.handles.includes(r.id);
}

/**
 * Who published a proven record, as a ProofText for the shared verdict
 * (owner = the identity only when handle, repo and signature all agree).
 */
export function proofText(
  r: Resolved,
  proof: RecordProof,
  text: string,
  location: string,
): ProofText {
  const binding = {
    kind: 'signature' as const,
    detail:
      `repo commit ${proof.commit} (rev ${proof.rev}) signed by the #atproto key of ${r.did}; ` +
      `DID document from ${r.docUrl}` +
      (r.via ? `, handle → DID from ${r.via}` : ''),
  };
  if (proof.did !== r.did)
    return {
      text,
      location,
      owner: proof.did,
      ownerDetail: `the record is in the repository of ${proof.did}, not ${r.did}`,
      binding,
    };
  if (!proof.signed)
    return {
      text,
      location,
      owner: '',
      ownerDetail: `the commit ${proof.commit} is not signed by the #atproto key of ${r.did}`,
      binding,
    };
  if (!handleConfirmed(r))
    return {
      text,
      location,
      owner: r.doc.handles[0] ?? r.did,
      ownerDetail: `${r.via ?? 'the handle'} points to ${r.did}, whose DID document names ${
        r.doc.handles.length ? r.doc.handles.map((h) => `at://${h}`).join(', ') : 'no handle'
      }, not at://${r.id}`,
      binding,
    };
  return { text, location, owner: r.id, binding };
}

/** The claim-bearing text of a proof record or a post. */
export function recordText(value: Record<string, unknown>): string {
  if (value.$type === 'dev.kez.proof' && typeof value.claim === 'string') return value.claim;
  if (value.$type === 'app.bsky.feed.post' && typeof value.text === 'string') return value.text;
  return '';
}
