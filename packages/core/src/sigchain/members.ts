/**
 * JCS assembled from an object's members (RFC 8785 §3.2.3 sorts members by
 * UTF-16 code units), so one canonicalization of each value serves the event
 * id, the event signature and the rotate countersignature: removing a
 * top-level member from a JCS object is the JCS of the object without it.
 */
import { canonicalize } from '../jcs.js';

/** `[name, '"name":<JCS of value>']`, sorted by name, undefined values left out. */
export type Members = readonly (readonly [string, string])[];

/**
 * Canonical text of every member of `obj`. `pre` supplies the JCS of values
 * already canonicalized (the claim inside an `add` event).
 */
export function canonicalMembers(
  obj: Readonly<Record<string, unknown>>,
  pre: Readonly<Record<string, string>> = {},
): Members {
  const out: [string, string][] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    out.push([k, canonicalize(k) + ':' + (pre[k] ?? canonicalize(v))]);
  }
  return out;
}

/** The JCS object made of `members` minus those named in `omit`. */
export function joinMembers(members: Members, omit: readonly string[] = []): string {
  let s = '{';
  let first = true;
  for (const [k, text] of members) {
    if (omit.includes(k)) continue;
    if (!first) s += ',';
    first = false;
    s += text;
  }
  return s + '}';
}

/** The JCS texts prepareEvent needs of one object: whole, and without the named members. */
export interface Joined {
  whole: string;
  /** Without "sig". */
  unsigned: string;
  /** Without "sig" and "countersig" (a rotate's countersigned bytes). */
  uncountersigned: string;
}

/**
 * The JCS of an object whose member names are all among `fields` (name and
 * JCS head, already in RFC 8785 order) — a strict event's — whole and without
 * its signatures, written in one pass without listing and sorting its keys.
 */
export function joinKnown(
  obj: Readonly<Record<string, unknown>>,
  fields: readonly (readonly [string, string])[],
  claimJcs?: string,
): Joined {
  // Each text starts with its '{' and gets its '}' last: no slice, which would copy
  // (flatten) the text once more before hashing copies it again (this runs per event).
  const add = (acc: string, text: string) => (acc.length > 1 ? acc + ',' + text : acc + text);
  let whole = '{';
  let unsigned = '{';
  let uncountersigned = '{';
  // Only a rotate has a countersignature: the third text is written for it alone.
  const third = obj.countersig !== undefined;
  for (const [k, head] of fields) {
    const v = obj[k];
    if (v === undefined) continue;
    const text = head + (k === 'claim' && claimJcs !== undefined ? claimJcs : canonicalize(v));
    whole = add(whole, text);
    if (k === 'sig') continue;
    unsigned = add(unsigned, text);
    if (third && k !== 'countersig') uncountersigned = add(uncountersigned, text);
  }
  const u = unsigned + '}';
  return {
    whole: whole + '}',
    unsigned: u,
    uncountersigned: third ? uncountersigned + '}' : u,
  };
}
