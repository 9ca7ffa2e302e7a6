/**
 * Structured JSON logs, one object per line on stderr (or a given sink).
 * Loggers are named (`sig-server:http`, `sig-server:store`); fields are plain
 * JSON. Nothing secret is ever passed in: no DATABASE_URL password, no keys —
 * use `redactUrl` for connection strings.
 */
import type { LogLevel } from './config/config.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether `level` is written (to skip building fields nobody reads). */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** A logger with another name writing to the same sink at the same level. */
  child(name: string): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Receives each finished line (without the newline). Default: process.stderr. */
  sink?: (line: string) => void;
  /** Clock, for tests. */
  now?: () => Date;
}

/**
 * @example
 * const log = createLogger('sig-server:http', { level: 'info' });
 * log.info('listening', { url: 'http://127.0.0.1:8420' });
 */
export function createLogger(name: string, opts: LoggerOptions = {}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const sink = opts.sink ?? ((line: string) => void process.stderr.write(line + '\n'));
  const now = opts.now ?? (() => new Date());
  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    let line: string;
    try {
      line = JSON.stringify({ time: now().toISOString(), level, logger: name, msg, ...fields });
    } catch {
      // A field that cannot be serialized (a cycle, a BigInt) must not take the request down.
      line = JSON.stringify({ time: now().toISOString(), level, logger: name, msg });
    }
    sink(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    enabled: (level) => RANK[level] >= min,
    child: (n) => createLogger(n, opts),
  };
}

/** A URL without its password (and user), safe to log. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** The message of anything thrown, for a log field. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
