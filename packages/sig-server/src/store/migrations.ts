/**
 * Numbered SQL migrations (`NNN-name.sql`), the same numbers for both
 * dialects, run in order at start. The files live in the package under
 * src/store/migrations/<dialect>/ and are read from there whether the code
 * runs from src/ (tests) or dist/ (both are two levels below the package).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/** The migrations of one dialect, ascending. */
export function loadMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const dir = fileURLToPath(new URL(`../../src/store/migrations/${dialect}/`, import.meta.url));
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = FILE.exec(f);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(dir + f, 'utf8') });
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${dialect}/${m.version}-${m.name} is out of sequence`);
  });
  return out;
}
