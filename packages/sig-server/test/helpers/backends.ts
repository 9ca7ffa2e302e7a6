/**
 * The two real backends the API suite runs against: a SQLite file in a temp
 * dir and a PostgreSQL 15 cluster started by the test (testkit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Postgres } from '@kez/testkit';
import { startPostgres } from '@kez/testkit';
import { openPostgresStore, openSqliteStore } from '@kez/sig-server';
import type { Store } from '@kez/sig-server';

export type BackendKind = 'sqlite' | 'postgres';
export const BACKENDS: BackendKind[] = ['sqlite', 'postgres'];

export interface Backend {
  kind: BackendKind;
  store: Store & AsyncDisposable;
  /** Open another store on the same database (a second server process would). */
  reopen(): Promise<Store & AsyncDisposable>;
  /** For SQLite: the file; for PostgreSQL: the URL. */
  location: string;
  close(): Promise<void>;
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `kez-sig-${tag}-`));
}

let pg: Promise<Postgres> | undefined;
/** One PostgreSQL cluster per test process, a fresh database per caller. */
export async function postgresUrl(): Promise<{ url: string; pg: Postgres }> {
  pg ??= startPostgres();
  const p = await pg;
  return { url: await p.createDatabase(), pg: p };
}

export async function stopPostgres(): Promise<void> {
  if (pg) await (await pg).stop();
  pg = undefined;
}

export async function openBackend(kind: BackendKind): Promise<Backend> {
  if (kind === 'sqlite') {
    const dir = tempDir('sqlite');
    const file = join(dir, 'kez-sig.db');
    const store = openSqliteStore(file);
    return {
      kind,
      store,
      location: file,
      reopen: async () => openSqliteStore(file),
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const { url } = await postgresUrl();
  const store = await openPostgresStore(url);
  return {
    kind,
    store,
    location: url,
    reopen: () => openPostgresStore(url),
    async close() {
      await store.close();
    },
  };
}
