/**
 * The log's Ed25519 key: a 32-byte seed in hex in a file (mode 0600), made on
 * first start. Several server processes on one PostgreSQL must share the file
 * (or a copy), so they sign the same tree heads with the same key; creation
 * is race-free (link into place, the loser reads the winner's key).
 */
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromHex, getSuite, toHex } from '@kez/core';
import type { NoteSigner } from './checkpoint.js';

function readSeed(file: string): Uint8Array {
  const text = readFileSync(file, 'utf8').trim();
  return fromHex(text, 32, `the transparency-log key in ${file}`);
}

/** Read the seed, creating the file when it does not exist. */
export function loadOrCreateSeed(file: string): Uint8Array {
  try {
    return readSeed(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, toHex(randomBytes(32)) + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  return readSeed(file);
}

/** An Ed25519 signer from a seed; the note key name is `name(publicKey)`. */
export function ed25519Signer(
  seed: Uint8Array,
  name: (publicKey: Uint8Array) => string,
): NoteSigner {
  const publicKey = getSuite('ed25519').getPublicKey(seed);
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64u(seed), x: b64u(publicKey) },
    format: 'jwk',
  });
  return {
    name: name(publicKey),
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, key)),
  };
}

/** The log's name (origin): the public URL without scheme when there is one, else derived from the key. */
export function logOrigin(publicUrl: string | null, publicKey: Uint8Array): string {
  if (publicUrl) {
    const u = new URL(publicUrl);
    return (u.host + u.pathname).replace(/\/+$/, '');
  }
  return `kez-sig-server/${toHex(publicKey).slice(0, 16)}`;
}

/**
 * The signer of a server: from the key file, or (no file: tests, createApp
 * without one) a fresh key that lives as long as the process.
 */
export function logSigner(file: string | null, publicUrl: string | null): NoteSigner {
  const seed = file ? loadOrCreateSeed(file) : new Uint8Array(randomBytes(32));
  return ed25519Signer(seed, (pk) => logOrigin(publicUrl, pk));
}
