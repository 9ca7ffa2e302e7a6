/**
 * Turn the TXT records at `_kez.<domain>` into proof texts (SPEC §6.4, §7.1):
 * the character-strings of ONE record are joined with nothing between them;
 * records are never joined to each other, each is its own candidate. Pure.
 */
import type { Binding, ProofText } from '../types.js';

/**
 * @example
 * dnsRecordsToTexts('example.com', '_kez.example.com', [['kez:z1:AAA', 'BBB']], binding);
 * // [{ text: 'kez:z1:AAABBB', owner: 'example.com', … }]
 */
export function dnsRecordsToTexts(
  domain: string,
  name: string,
  records: string[][],
  binding: Binding,
): ProofText[] {
  return records.map((chunks, i) => ({
    text: chunks.join(''),
    location: records.length > 1 ? `${name} TXT #${i + 1}` : `${name} TXT`,
    // Only whoever controls the zone of `domain` can answer for `_kez.<domain>`.
    owner: domain,
    binding,
  }));
}
