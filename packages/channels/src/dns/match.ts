/**
 * Turn the TXT records at `_kez.<domain>` into proof texts (SPEC §6.4, §7.2):
 * the character-strings of ONE record are joined with nothing between them;
 * records are never joined to each other, each is its own candidate; records
 * whose joined text does not start with `kez:z1:` are ignored. Pure.
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
  const texts = records.map((chunks) => chunks.join('')).filter((t) => t.startsWith('kez:z1:'));
  return texts.map((text, i) => ({
    text,
    location: texts.length > 1 ? `${name} TXT #${i + 1}` : `${name} TXT`,
    // Only whoever controls the zone of `domain` can answer for `_kez.<domain>`.
    owner: domain,
    binding,
  }));
}
