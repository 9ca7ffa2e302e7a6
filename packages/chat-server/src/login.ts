/**
 * The log-in object a client signs (signing kind "chat-login", SPEC §4.3) and
 * how it travels in the NATS CONNECT. nats-server forwards only a few CONNECT
 * fields to the auth_callout, and puts the connection's nonce into the request
 * only when CONNECT carries `sig`; so:
 *
 *   auth_token = JCS of the log-in object without `sig`
 *   sig        = the signature, 128 hex
 *
 *   {"kez":"0.2","type":"chat-login","key":"ed25519:…","nonce":"<server nonce>",
 *    "created_at":1764000000,"primary":"ed25519:…"?}
 *
 * `nonce` binds the signature to this one connection; `created_at` bounds how
 * long it is good for; `primary` is present when `key` is a device of that
 * primary key's sigchain.
 */
import {
  InputError,
  KEZ_VERSION,
  canonicalize,
  fromHex,
  parseJson,
  parseKeyRef,
  signingDigest,
  toHex,
} from '@kez/core';
import type { SyncSigner } from './signer.js';

export const MAX_LOGIN_TOKEN = 1024;
const FIELDS = new Set(['kez', 'type', 'key', 'nonce', 'created_at', 'primary']);
const NONCE_RE = /^[A-Za-z0-9_-]{8,64}$/;

export interface LoginObject {
  kez: '0.2';
  type: 'chat-login';
  /** The signing key (key ref). */
  key: string;
  /** The server nonce of this connection (NATS INFO). */
  nonce: string;
  /** Unix seconds. */
  created_at: number;
  /** When `key` is a device: the primary key whose chain lists it. */
  primary?: string;
  /** 128 hex. */
  sig: string;
}

/** The CONNECT fields a client sends. */
export interface LoginFields {
  auth_token: string;
  sig: string;
}

/**
 * Sign a log-in for the server nonce (synchronous: nats.js authenticators are).
 * @example const fields = signLogin(signer, info.nonce, Math.floor(Date.now() / 1000))
 */
export function signLogin(
  signer: SyncSigner,
  nonce: string,
  now: number,
  primary?: string,
): LoginFields {
  const unsigned: Record<string, unknown> = {
    kez: KEZ_VERSION,
    type: 'chat-login',
    key: signer.key,
    nonce,
    created_at: now,
  };
  if (primary !== undefined) unsigned.primary = primary;
  const sig = signer.sign(signingDigest('chat-login', unsigned));
  return { auth_token: canonicalize(unsigned), sig: toHex(sig) };
}

/**
 * Read the log-in from CONNECT fields: shape only, no signature check. Throws
 * InputError (malformed, unknown_suite or weak_key) naming the problem.
 * @example readLogin(connectOpts.auth_token, connectOpts.sig).key
 */
export function readLogin(token: unknown, sig: unknown): LoginObject {
  if (typeof token !== 'string' || token.length === 0)
    throw new InputError('no chat-login object in CONNECT auth_token');
  if (token.length > MAX_LOGIN_TOKEN)
    throw new InputError(`chat-login object is longer than ${MAX_LOGIN_TOKEN} bytes`);
  if (typeof sig !== 'string' || !/^[0-9a-f]{128}$/.test(sig))
    throw new InputError('CONNECT sig must be 128 lowercase hex');
  const v = parseJson(token);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InputError('chat-login must be a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!FIELDS.has(k)) throw new InputError(`chat-login has an unknown field "${k}"`);
  if (o.kez !== KEZ_VERSION) throw new InputError(`chat-login "kez" must be "${KEZ_VERSION}"`);
  if (o.type !== 'chat-login') throw new InputError('chat-login "type" must be "chat-login"');
  if (typeof o.nonce !== 'string' || !NONCE_RE.test(o.nonce))
    throw new InputError('chat-login "nonce" must be the server nonce');
  if (typeof o.created_at !== 'number' || !Number.isSafeInteger(o.created_at) || o.created_at < 0)
    throw new InputError('chat-login "created_at" must be unix seconds');
  const key = canonicalKey(o.key, 'key');
  const out: LoginObject = {
    kez: KEZ_VERSION,
    type: 'chat-login',
    key,
    nonce: o.nonce,
    created_at: o.created_at,
    sig,
  };
  if (o.primary !== undefined) {
    out.primary = canonicalKey(o.primary, 'primary');
    if (out.primary === key) throw new InputError('chat-login "primary" must differ from "key"');
  }
  return out;
}

/** The signature bytes of a read log-in. */
export function loginSignature(login: LoginObject): Uint8Array {
  return fromHex(login.sig, 64, 'chat-login signature');
}

function canonicalKey(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new InputError(`chat-login "${field}" must be a key ref`);
  const ref = parseKeyRef(v);
  // Signed objects carry canonical key refs only (SPEC §3.1).
  if (ref.text !== v) throw new InputError(`chat-login "${field}" is not a canonical key ref`);
  return ref.text;
}
