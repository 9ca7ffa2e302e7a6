/**
 * Structured JSON logs, one object per line on stderr (or a given sink), with
 * named loggers (`chat-server:callout`, `chat-server:api`). Never pass secrets
 * in fields: no seeds, no log-in tokens.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(name: string): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * @example createLogger('chat-server', { level: 'info' }).info('ready', { nats: url })
 */
export function createLogger(
  name: string,
  opts: { level?: LogLevel; sink?: (line: string) => void } = {},
): Logger {
  const min = RANK[opts.level ?? 'info'];
  const sink = opts.sink ?? ((line: string) => void process.stderr.write(line + '\n'));
  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level, name, msg, ...fields }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (sub) => createLogger(`${name}:${sub}`, opts),
  };
}

/** A logger that drops everything. */
export const SILENT: Logger = createLogger('silent', { level: 'silent' });
