/**
 * Signed tree heads as C2SP checkpoints in C2SP signed notes:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n
 *   \n
 *   — <key name> <base64(key id ‖ Ed25519 signature)>\n
 *
 * The signature covers the checkpoint text (the first three lines). Key id
 * (Ed25519) = first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
 */
import { sha256 } from './merkle.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export interface NoteSigner {
  /** Key name in the note; the log's origin. */
  name: string;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

const enc = new TextEncoder();
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The Ed25519 key id of a signed-note key: 4 bytes. */
export function keyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(enc.encode(name + '\n'), Uint8Array.of(0x01), publicKey).subarray(0, 4);
}

/** The checkpoint text that is signed. */
export function checkpointBody(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${b64(c.root)}\n`;
}

/**
 * The whole signed note.
 * @example const note = signCheckpoint({ origin, size: 3, root }, signer);
 */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  const body = checkpointBody(c);
  const sig = signer.sign(enc.encode(body));
  const blob = new Uint8Array(4 + sig.length);
  blob.set(keyId(signer.name, signer.publicKey));
  blob.set(sig, 4);
  return `${body}\n\u2014 ${signer.name} ${b64(blob)}\n`;
}

/** A valid key name for a signed note: no whitespace, no "+". */
export function isNoteName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}
