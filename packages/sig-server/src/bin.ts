#!/usr/bin/env node
/**
 * `kez-sig-server`: start the sig-server from the environment (KEZ_SIG_*,
 * DATABASE_URL) and run until SIGTERM or SIGINT, then close gracefully and
 * leave by process.exitCode. Prints its URL on stdout once listening.
 */
import { resolveConfig } from './config/config.js';
import { readEnv } from './config/env.js';
import { createLogger, errorMessage } from './logger.js';
import { startSigServer } from './server.js';

try {
  const log = createLogger('sig-server', { level: resolveConfig(readEnv()).logLevel });
  const server = await startSigServer({ logger: log });
  process.stdout.write(`kez-sig-server listening on ${server.url} (${server.store.kind})\n`);
  const stop = (signal: string) => {
    log.info('signal', { signal });
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (e: unknown) => {
        log.error('close failed', { error: errorMessage(e) });
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (e) {
  process.stderr.write(`kez-sig-server: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
