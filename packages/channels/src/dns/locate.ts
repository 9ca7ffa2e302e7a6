/** Where a dns: proof lives (SPEC §7.1): TXT records at `_kez.<domain>`. */

export const DNS_PROOF_LABEL = '_kez';

/**
 * @example
 * dnsProofName('example.com'); // '_kez.example.com'
 */
export function dnsProofName(domain: string): string {
  return `${DNS_PROOF_LABEL}.${domain}`;
}
