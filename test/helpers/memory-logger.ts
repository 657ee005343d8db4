/*
 * A real pino logger whose JSON lines are kept in memory, so tests can read what was logged.
 */
import { Writable } from 'node:stream';
import { Logger, LogLevel, createLogger } from '../../src/logger';

export interface MemoryLogger {
  logger: Logger;
  lines(): Record<string, unknown>[];
}

export function memoryLogger(level: LogLevel = 'info'): MemoryLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger(level, destination),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
