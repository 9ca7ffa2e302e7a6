/**
 * Deliberate bugs for checking that crosstest catches them (`crosstest.sh
 * --mutate <name>`). A mutation rewrites one snippet of @kez/core's source as
 * it goes into the BROWSER bundle only — packages/core itself is never
 * touched — so the browser side becomes a second, buggy implementation that
 * the Node CLI and the independent checks must disagree with.
 */

export interface Mutation {
  /** Path of the core source file, relative to the repo root. */
  file: string;
  /** Exact snippet that must occur once in that file. */
  find: string;
  replace: string;
  /** What the bug is, for the run's header line. */
  what: string;
}

export const MUTATIONS = {
  // A Python-port style number formatter: integers printed as floats and the
  // exponent without "+" — RFC 8785 §3.2.2.3 wants ES Number::toString.
  'jcs-numbers': {
    file: 'packages/core/src/jcs.ts',
    find: 'return JSON.stringify(value);',
    replace:
      "return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(1) : String(value).replace('e+', 'e');",
    what: 'JCS numbers: integers as 1764000000.0, exponents as 1e30',
  },
  // The version in the domain-separation prefix bumped without a spec change (SPEC §4.3).
  'domain-prefix': {
    file: 'packages/core/src/signing.ts',
    find: "export const DOMAIN_PREFIX = 'KEZ-v0.2/';",
    replace: "export const DOMAIN_PREFIX = 'KEZ-v0.3/';",
    what: 'domain prefix KEZ-v0.2/ signed and checked as KEZ-v0.3/',
  },
} as const satisfies Record<string, Mutation>;

export type MutationName = keyof typeof MUTATIONS;

export function isMutationName(s: string): s is MutationName {
  return Object.hasOwn(MUTATIONS, s);
}

/** Apply a mutation to a source text; throws when the snippet is not there exactly once. */
export function applyMutation(name: MutationName, source: string): string {
  const m = MUTATIONS[name];
  const first = source.indexOf(m.find);
  if (first < 0 || source.indexOf(m.find, first + 1) >= 0)
    throw new Error(
      `mutation ${name}: the snippet must occur exactly once in ${m.file}; update mutations.ts`,
    );
  return source.slice(0, first) + m.replace + source.slice(first + m.find.length);
}
