/*
 * Structured logs: one JSON line per event (pino), so any log stack can parse them.
 * Levels: start-up, shutdown and snapshots at info; every unexpected error at error;
 * per-request access lines only at debug, so the hot path logs nothing by default.
 * Writes are synchronous: log volume is low, and lines must not be lost or reordered at exit.
 */
import pino, { Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(name: string): name is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(name);
}

/**
 * Credentials that must never reach a log line, wherever they turn up in a logged object:
 * an Authorization header (a bearer token) or a token setting. Nothing logs them today; this
 * keeps a future `logger.debug({ req })` or `{ settings }` from leaking them.
 */
const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'token',
  'tokens',
  '*.token',
  '*.tokens',
];
export const REDACTED = '[redacted]';

/** A logger writing JSON lines to `destination` (stdout by default). */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      level,
      base: { service: 'servertrack' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
    },
    destination,
  );
}

/** A logger that drops everything; the default for apps built in tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
