/**
 * What a result rests on, in words (BRIEF §5, SPEC §11.3): a binding signed
 * by the account survives any relay — a relay can only withhold it; a
 * transport binding (TLS to GitHub, a DNS answer) fetched through the relay
 * is only as good as the relay's honesty. The page says which, plainly.
 */
import type { Binding } from '@kez/channels/browser';
import type { Hop } from './net/routing-transport.js';

export type TrustLevel =
  /** Signed by the account, fetched straight from the source. */
  | 'signed'
  /** Signed by the account, fetched through the relay: the relay can only withhold. */
  | 'signed-relayed'
  /** Rests on the origin's transport (TLS / DNS), fetched directly. */
  | 'transport'
  /** Rests on transport, fetched through the relay: the relay could forge it. */
  | 'relay-honesty'
  /** Nothing was proven (no binding to judge). */
  | 'none';

export interface Trust {
  level: TrustLevel;
  /** Some request of this result went through the fetch relay. */
  relayed: boolean;
  /** Short label for a badge. */
  title: string;
  /** One or two plain sentences. */
  text: string;
}

/** Hosts (or DNS names) that went through the relay, for the sentence. */
function relayedTargets(hops: readonly Hop[]): string {
  const out = new Set<string>();
  for (const h of hops) {
    if (h.via !== 'relay') continue;
    if (h.kind === 'txt') out.add(`DNS ${h.target}`);
    else {
      try {
        out.add(new URL(h.target).host);
      } catch {
        out.add(h.target);
      }
    }
  }
  return [...out].slice(0, 4).join(', ');
}

/**
 * @example describeTrust({ kind: 'transport', detail: 'TLS to api.github.com' }, hops).level // 'relay-honesty'
 */
export function describeTrust(given: Binding | undefined, hops: readonly Hop[]): Trust {
  const relayed = hops.some((h) => h.via === 'relay');
  // A TXT answer the relay looked up rests on the relay's resolver, whatever the channel's config says.
  const txt = hops.filter((h) => h.kind === 'txt' && h.via === 'relay').map((h) => h.target);
  const binding: Binding | undefined =
    given?.kind === 'transport' && txt.length
      ? {
          kind: 'transport',
          detail: `the DNS answer for ${txt.join(', ')}, looked up by the fetch relay; not DNSSEC-validated`,
        }
      : given;
  const through = relayed ? ` through the fetch relay (${relayedTargets(hops)})` : '';
  if (!binding)
    return {
      level: 'none',
      relayed,
      title: relayed ? 'No proof · via relay' : 'No proof',
      text: relayed
        ? `Nothing was proven. Requests went${through}; a relay can also withhold a proof.`
        : 'Nothing was proven.',
    };
  if (binding.kind === 'signature')
    return relayed
      ? {
          level: 'signed-relayed',
          relayed,
          title: 'Signed · safe through any relay',
          text: `Fetched${through}, but the binding is signed by the account (${binding.detail}): the relay could only withhold it, never forge it.`,
        }
      : {
          level: 'signed',
          relayed,
          title: 'Signed by the account',
          text: `The binding is signed by the account (${binding.detail}); fetched directly by your browser. No server can forge it.`,
        };
  return relayed
    ? {
        level: 'relay-honesty',
        relayed,
        title: "Rests on the relay's honesty",
        text: `Fetched${through}. The binding rests on transport (${binding.detail}), so this result is only as good as the relay: it could have forged the answer.`,
      }
    : {
        level: 'transport',
        relayed,
        title: 'Rests on the origin (transport)',
        text: `Fetched directly by your browser. The binding rests on transport (${binding.detail}): the origin, or whoever controls its DNS or TLS, could forge it.`,
      };
}

/**
 * The sentence for a sigchain fetch: events are signed, so a relay or a
 * sig-server can withhold them (hide a revocation), never forge them.
 * @example describeChainTrust(hops).text
 */
export function describeChainTrust(hops: readonly Hop[]): Trust {
  const relayed = hops.some((h) => h.via === 'relay');
  return {
    level: relayed ? 'signed-relayed' : 'signed',
    relayed,
    title: relayed ? 'Signed events · via relay' : 'Signed events',
    text: relayed
      ? `The sigchain came through the fetch relay (${relayedTargets(hops)}). Its events are signed: the relay or the sig-server could hide recent events, never forge one.`
      : 'Every sigchain event is signed: a sig-server could hide recent events, never forge one.',
  };
}
