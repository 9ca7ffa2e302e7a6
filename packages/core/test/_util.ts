import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const vectorsDir = join(repoRoot, 'test-vectors');

export function readVector(rel: string): string {
  return readFileSync(join(vectorsDir, rel), 'utf8');
}

export function hexToBytes(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, 'hex'));
}
