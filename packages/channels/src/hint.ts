/**
 * Cheap test of whether a text may hold a claim (SPEC §6.5 extraction
 * triggers), so a channel can tell "documents with nothing in them" from
 * "documents with candidates" when deciding between absent and failed (SPEC §7.1).
 */
export function mayHoldClaim(text: string): boolean {
  const t = text.trim();
  return (
    t.startsWith('{') || t.startsWith('"') || text.includes('```kez') || text.includes('kez:z1:')
  );
}
