/** Shared helpers for the channel tests: keys, claims, a context on loopback. */
import { createClaim, encodeClaim, getSuite } from '@kez/core';
import type { Claim, EncodingName, SuiteName } from '@kez/core';
import { resolveChannelConfig } from '@kez/channels';
import type { ChannelConfig, ChannelContext } from '@kez/channels';
import { createNodeNet } from '@kez/channels/node';
import type { NodeNet } from '@kez/channels/node';

export const NOW = Math.floor(Date.now() / 1000);

export interface TestKey {
  suite: SuiteName;
  secretKey: Uint8Array;
  ref: string;
}

export function newKey(suite: SuiteName = 'ed25519'): TestKey {
  const s = getSuite(suite);
  const secretKey = s.generateSecretKey();
  const pub = s.getPublicKey(secretKey);
  return { suite, secretKey, ref: `${suite}:${Buffer.from(pub).toString('hex')}` };
}

export function claimFor(
  subject: string,
  key: TestKey,
  extra: { expiresAt?: number; now?: number } = {},
) {
  return createClaim({
    subject,
    suite: key.suite,
    secretKey: key.secretKey,
    now: extra.now ?? NOW - 60,
    ...(extra.expiresAt === undefined ? {} : { expiresAt: extra.expiresAt }),
  });
}

/** The same claim with one signature bit flipped. */
export function tampered(c: Claim): Claim {
  const last = c.sig.at(-1)!;
  return { ...c, sig: c.sig.slice(0, -1) + (last === '0' ? '1' : '0') };
}

export const encode = (c: Claim, e: EncodingName) => encodeClaim(c, e);

/** A context on loopback: private addresses allowed (tests only), short deadlines. */
export function testContext(
  overrides: Partial<ChannelConfig> = {},
): ChannelContext & { net: NodeNet } {
  const config = resolveChannelConfig({
    flags: { allowPrivate: true, timeoutMs: 3000, ...overrides },
  });
  return { config, net: createNodeNet(config), now: () => Math.floor(Date.now() / 1000) };
}
