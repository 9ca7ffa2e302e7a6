/** One signature suite (SPEC §3): how keys are made and how a 32-byte digest is signed. */
export interface Suite {
  readonly name: SuiteName;
  /** Fresh secret key. */
  generateSecretKey(): Uint8Array;
  getPublicKey(secretKey: Uint8Array): Uint8Array;
  /** Sign a 32-byte digest; the result is checked against the key before it is returned. */
  sign(digest: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array>;
  /** Never throws on bad data: returns false. */
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
  /**
   * The same answer as `verify`, now — or undefined when this runtime's
   * primitive can only answer asynchronously (ed25519 on WebCrypto). Lets a
   * verifier checking thousands of signatures skip a promise per signature.
   */
  verifySync(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean | undefined;
  /** Structural check of a public key (on the curve, canonical, not small order). */
  isValidPublicKey(publicKey: Uint8Array): boolean;
}

export type SuiteName = 'nostr' | 'ed25519';
export const SUITE_NAMES: readonly SuiteName[] = ['nostr', 'ed25519'];
