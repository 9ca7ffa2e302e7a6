/**
 * Identity strings `channel:id` and their normalization (SPEC §2). The
 * normalized string is what a claim signs and what verifiers compare.
 */
import { bech32 } from '@scure/base';
import { fromHex, toHex } from './bytes.js';
import { InputError } from './errors.js';

export const CHANNELS = ['dns', 'github', 'nostr', 'bluesky', 'ap'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Input aliases (SPEC §2): `mastodon:` is the ActivityPub channel. */
const ALIASES: Record<string, Channel> = { mastodon: 'ap' };

export interface Identity {
  channel: Channel;
  /** The normalized id part (after `channel:`). */
  id: string;
  /** The whole normalized identity string. */
  text: string;
}

const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Normalize a domain name: lowercase, one trailing dot dropped, LDH labels, ≥ 2 labels. */
export function normalizeDomain(input: string, what = 'domain'): string {
  let d = input.toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d.length === 0 || d.length > 253) throw new InputError(`${what} must be 1–253 characters`);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(d))
    throw new InputError(`${what} must be ASCII (give an IDN as xn-- punycode)`);
  const labels = d.split('.');
  if (labels.length < 2) throw new InputError(`${what} "${input}" needs at least two labels`);
  for (const l of labels) {
    if (!LABEL_RE.test(l)) throw new InputError(`${what} "${input}" has an invalid label "${l}"`);
  }
  return d;
}

const GITHUB_RE = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;
const AP_USER_RE = /^[a-z0-9_.-]{1,64}$/;
const DID_PLC_RE = /^did:plc:[a-z2-7]{24}$/;
const PORT_RE = /^[0-9]{1,5}$/;

/** npub ↔ 32-byte x-only key (NIP-19). */
export function npubEncode(pub: Uint8Array): string {
  return bech32.encode('npub', bech32.toWords(pub), 90);
}

export function npubDecode(s: string): Uint8Array {
  let dec;
  try {
    dec = bech32.decode(s as `${string}1${string}`, 90);
  } catch {
    throw new InputError(`"${s.slice(0, 80)}" is not a valid npub (bad bech32)`);
  }
  if (dec.prefix !== 'npub') throw new InputError(`expected an npub, got prefix "${dec.prefix}"`);
  const bytes = bech32.fromWords(dec.words);
  if (bytes.length !== 32) throw new InputError('npub must hold 32 bytes');
  return bytes;
}

function normalizeId(channel: Channel, raw: string): string {
  switch (channel) {
    case 'dns':
      return normalizeDomain(raw);
    case 'github': {
      const u = raw.toLowerCase();
      if (!GITHUB_RE.test(u)) throw new InputError(`"${raw}" is not a valid GitHub login`);
      return u;
    }
    case 'nostr': {
      const s = raw.toLowerCase();
      if (/^[0-9a-f]{64}$/.test(s)) return npubEncode(fromHex(s, 32, 'nostr key'));
      return npubEncode(npubDecode(s));
    }
    case 'bluesky': {
      let h = raw.startsWith('@') ? raw.slice(1) : raw;
      if (h.startsWith('did:')) {
        if (DID_PLC_RE.test(h) || /^did:web:[a-z0-9.-]+$/.test(h)) return h;
        throw new InputError(`"${raw}" is not a valid did:plc or did:web`);
      }
      h = normalizeDomain(h, 'handle');
      return h;
    }
    case 'ap': {
      const s = raw.startsWith('@') ? raw.slice(1) : raw;
      const at = s.indexOf('@');
      if (at <= 0 || s.indexOf('@', at + 1) !== -1) {
        throw new InputError(`"${raw}" is not of the form @user@host`);
      }
      const user = s.slice(0, at).toLowerCase();
      let host = s.slice(at + 1).toLowerCase();
      if (!AP_USER_RE.test(user)) throw new InputError(`"${user}" is not a valid account name`);
      let port = '';
      const colon = host.lastIndexOf(':');
      if (colon !== -1) {
        port = host.slice(colon + 1);
        host = host.slice(0, colon);
        if (!PORT_RE.test(port) || Number(port) < 1 || Number(port) > 65535) {
          throw new InputError(`"${raw}" has an invalid port`);
        }
        port = ':' + String(Number(port));
      }
      // Loopback test hosts have one label ("localhost"); IP literals are allowed for tests too.
      const okHost =
        host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
          ? host
          : normalizeDomain(host, 'host');
      return `@${user}@${okHost}${port}`;
    }
  }
}

/** Parse and normalize an identity string. Throws InputError naming what is wrong. */
export function parseIdentity(input: string): Identity {
  if (typeof input !== 'string') throw new InputError('identity must be a string');
  // Verifiers normalize the same few identities over and over (every claim names one).
  const hit = parsedIdentities.get(input);
  if (hit) return { ...hit };
  const identity = parseIdentityUncached(input);
  if (parsedIdentities.size >= PARSED_IDENTITIES_MAX) parsedIdentities.clear();
  parsedIdentities.set(input, { ...identity });
  return identity;
}

const parsedIdentities = new Map<string, Identity>();
const PARSED_IDENTITIES_MAX = 4096;

function parseIdentityUncached(input: string): Identity {
  if (input.length > 300) throw new InputError('identity is longer than 300 characters');
  const colon = input.indexOf(':');
  if (colon <= 0)
    throw new InputError(`"${input}" is not an identity (expected channel:id, e.g. github:alice)`);
  const name = input.slice(0, colon).toLowerCase();
  const channel = (CHANNELS as readonly string[]).includes(name)
    ? (name as Channel)
    : ALIASES[name];
  if (!channel) {
    throw new InputError(
      `unknown channel "${name}" (expected one of ${CHANNELS.join(', ')}, or mastodon)`,
    );
  }
  const raw = input.slice(colon + 1);
  if (raw.length === 0) throw new InputError(`identity "${input}" has an empty id`);
  const id = normalizeId(channel, raw);
  return { channel, id, text: `${channel}:${id}` };
}

export function normalizeIdentity(input: string): string {
  return parsedIdentities.get(input)?.text ?? parseIdentity(input).text;
}

export function isIdentity(input: unknown): boolean {
  if (typeof input !== 'string') return false;
  try {
    return parseIdentity(input).text === input;
  } catch {
    return false;
  }
}

/** The 32-byte key inside a `nostr:` identity. */
export function nostrIdentityKey(id: Identity): string {
  if (id.channel !== 'nostr') throw new InputError('not a nostr identity');
  return toHex(npubDecode(id.id));
}
