/*
 * The opaque `cursor` of GET /perf: the (key, host) the previous page ended on, bound to
 * the query it came from. base64url of a JSON array:
 *
 *   [CURSOR_VERSION, query, key, host]     query = a hash of sort, window, status and match
 *
 * Applied to another query (another sort, filter or window) the position would mean
 * something else, so such a cursor is refused rather than silently skipping hosts.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../ingest/invalid-input';
import { showValue } from '../ingest/show-value';
import { Ranked } from './ranking';

const CURSOR_VERSION = 1;
const QUERY_HASH_CHARACTERS = 16;

/** What identifies a query for its cursors: every parameter that changes the order or the set listed. */
export function queryIdentity(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, QUERY_HASH_CHARACTERS);
}

export function encodeCursor(query: string, last: Ranked): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, query, last.key, last.host])).toString('base64url');
}

/** The position a `cursor` value holds; a 400 when it is not one this server wrote, or was written for another query. */
export function decodeCursor(raw: unknown, query: string): Ranked {
  const parts =
    typeof raw === 'string' && /^[A-Za-z0-9_-]+$/.test(raw) ? parseJson(Buffer.from(raw, 'base64url').toString('utf8')) : undefined;
  if (!Array.isArray(parts) || parts.length !== 4 || parts[0] !== CURSOR_VERSION || typeof parts[1] !== 'string') {
    throw new InvalidInputError(`cursor must be the value of a Link header's cursor, unchanged, got ${showValue(raw)}`);
  }
  const [, identity, key, host] = parts as unknown[];
  if (!(key === null || (typeof key === 'number' && Number.isFinite(key))) || typeof host !== 'string') {
    throw new InvalidInputError(`cursor must be the value of a Link header's cursor, unchanged, got ${showValue(raw)}`);
  }
  if (identity !== query) {
    throw new InvalidInputError(`cursor belongs to another query: keep sort, window, status and match as they were, got ${showValue(raw)}`);
  }
  return { key, host };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
