/*
 * Many samples of many hosts in one body, as a JSON array or as NDJSON (one object per
 * line), into validated entries. Every entry goes through the same parseHost/parseSample as
 * a single sample, and all of them are checked before any is returned, so a caller that
 * writes only what this returns never records part of a rejected batch.
 */
import { HostSample } from '../store/store';
import { parseHost } from './host';
import { ErrorDetail, InvalidInputError } from './invalid-input';
import { forEachLine } from './lines';
import { isFields, parseSample } from './sample';
import { showValue } from './show-value';

/** Rejected entries listed in the error; the message still counts all of them. */
const MAX_ERROR_DETAILS = 20;

/** Entries as parsed, before validation; `lines[i]` is the wire index of `values[i]` (NDJSON). */
export interface RawEntries {
  values: unknown[];
  lines?: number[];
}

/** Stands in for an NDJSON line that is not JSON at all. */
const MALFORMED_LINE = Symbol('malformed line');

/**
 * NDJSON lines as entries. Empty lines (and a final newline) are skipped but still counted.
 * Stops after maxEntries + 1 entries: the caller refuses the body as too large without this
 * parsing the rest of it.
 */
export function ndjsonEntries(text: string, maxEntries: number): RawEntries {
  const values: unknown[] = [];
  const lines: number[] = [];
  forEachLine(text, (start, end, line) => {
    values.push(parseLine(text.slice(start, end)));
    lines.push(line);
    return values.length <= maxEntries;
  });
  return { values, lines };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return MALFORMED_LINE;
  }
}

/** The same checks as POST /perf/:host, plus the host, which a bulk entry carries itself. */
function parseEntry(value: unknown, nowSec: number): HostSample {
  if (value === MALFORMED_LINE) throw new InvalidInputError('line is not valid JSON');
  if (!isFields(value)) throw new InvalidInputError(`entry must be a JSON object with host, cpuload and memload, got ${showValue(value)}`);
  if (value.host === undefined) throw new InvalidInputError('host is required');
  return { host: parseHost(value.host), sample: parseSample(value, nowSec) };
}

/** Validates every entry; throws one InvalidInputError listing the first MAX_ERROR_DETAILS rejections. */
export function parseEntries({ values, lines }: RawEntries, nowSec: number): HostSample[] {
  const accepted: HostSample[] = new Array(values.length);
  const details: ErrorDetail[] = [];
  let rejected = 0;
  for (let i = 0; i < values.length; i++) {
    try {
      accepted[i] = parseEntry(values[i], nowSec);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      rejected++;
      if (details.length < MAX_ERROR_DETAILS) details.push({ index: lines === undefined ? i : lines[i], error: err.message });
    }
  }
  if (rejected > 0) {
    const listed = rejected > MAX_ERROR_DETAILS ? ` (the first ${MAX_ERROR_DETAILS} are listed)` : '';
    throw new InvalidInputError(`${rejected} of ${values.length} samples are invalid${listed}; none was recorded`, details);
  }
  return accepted;
}
