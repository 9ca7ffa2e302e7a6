/** Picks the backend: PostgreSQL when a DATABASE_URL is configured, else the SQLite file. */
import type { SigServerConfig } from '../config/config.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * @example const store = await openStore(resolveConfig(readEnv()));
 */
export async function openStore(
  cfg: Pick<SigServerConfig, 'databaseUrl' | 'sqliteFile'>,
): Promise<Store & AsyncDisposable> {
  return cfg.databaseUrl ? openPostgresStore(cfg.databaseUrl) : openSqliteStore(cfg.sqliteFile);
}
