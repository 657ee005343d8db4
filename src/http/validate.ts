/*
 * The report's path and query values in, typed values out, or a 400 naming the parameter.
 * Samples are parsed in ingest/; these are questions about how to answer, not data.
 */
import { MODES, Mode, isMode } from '../store/modes';
import { showValue } from '../ingest/show-value';
import { HttpError } from './errors';

function invalid(rule: string, raw: unknown): HttpError {
  return new HttpError(400, `${rule}, got ${showValue(raw)}`);
}

export function parseMode(raw: unknown): Mode {
  if (typeof raw === 'string' && isMode(raw)) return raw;
  throw invalid(`mode must be one of ${MODES.join(', ')}`, raw);
}

/** `?fill=true` asks for every interval of the window, empty ones included. */
export function parseFill(raw: unknown): boolean {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  throw invalid('fill must be true or false', raw);
}

/** `?window=` of GET /perf: the mode whose whole window each entry also carries; absent for none. */
export function parseWindow(raw: unknown): Mode | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && isMode(raw)) return raw;
  throw invalid(`window must be one of ${MODES.join(', ')}`, raw);
}

export const DEFAULT_LIST_LIMIT = 1_000;
export const MAX_LIST_LIMIT = 10_000;

/** `?limit=` of GET /perf: hosts per page. */
export function parseLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_LIST_LIMIT)) throw invalid(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`, raw);
  return value;
}
