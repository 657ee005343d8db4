/*
 * One sample off the wire (form or JSON fields): raw values in, a validated Sample out, or
 * an InvalidInputError naming the field. Routes parse everything before they touch the
 * store, so a rejected request changes nothing.
 */
import { LONGEST, windowStart } from '../store/modes';
import { Sample } from '../store/store';
import { MS_PER_SECOND, SECONDS_PER_HOUR, SECONDS_PER_MINUTE, bucketStart } from '../store/time';
import { parseDecimal } from './decimal';
import { InvalidInputError } from './invalid-input';
import { showValue } from './show-value';

/** Clock skew tolerated on a sample's own time. */
const MAX_FUTURE_SECONDS = 60;

type LoadField = 'cpuload' | 'memload';

/** A rejected field: the rule it broke, then the value as sent (see show-value.ts). Error path only. */
function invalid(rule: string, raw: unknown): InvalidInputError {
  return new InvalidInputError(`${rule}, got ${showValue(raw)}`);
}

/** A load in [0, 100] from a JSON number or a strict decimal string. */
export function parseLoad(raw: unknown, field: LoadField): number {
  if (raw === undefined) throw new InvalidInputError(`${field} is required`);
  if (Array.isArray(raw)) throw invalid(`${field} must be sent once`, raw);
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDecimal(raw) : NaN;
  // Written so NaN fails too; `+ 0` turns -0 into 0.
  if (!(value >= 0 && value <= 100)) throw invalid(`${field} must be a decimal number from 0 to 100`, raw);
  return value + 0;
}

const BAD_TIME = 'time must be epoch seconds or an ISO-8601 date-time with a zone (Z or ±hh:mm)';

// Each group is fixed-width or a bounded run, so matching is linear.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Date.UTC, minus its habit of reading years 0-99 as 1900-1999. */
function utcMs(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month, 0)).getUTCDate();
}

/** Epoch seconds of an ISO-8601 date-time with an explicit zone, or NaN. */
export function parseIsoSeconds(text: string): number {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Number(m[7]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  let offsetSec = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return NaN;
    offsetSec = (m[9] === '-' ? -1 : 1) * (offsetHours * SECONDS_PER_HOUR + offsetMinutes * SECONDS_PER_MINUTE);
  }
  return utcMs(year, month - 1, day, hour, minute, second) / MS_PER_SECOND + fraction - offsetSec;
}

/**
 * The time a sample is recorded at. Absent means now. A time up to MAX_FUTURE_SECONDS
 * ahead is clock skew and counts as now: its own bucket is not in any window yet, and its
 * ring slot still holds live data that must not be evicted.
 */
export function parseTime(raw: unknown, nowSec: number): number {
  if (raw === undefined) return nowSec;
  if (Array.isArray(raw)) throw invalid('time must be sent once', raw);
  const sec = typeof raw === 'number' ? raw : typeof raw === 'string' ? timeFromString(raw) : NaN;
  if (!Number.isFinite(sec)) throw invalid(BAD_TIME, raw);
  const problem = timeWindowProblem(sec, nowSec);
  if (problem === 'future') {
    throw invalid(
      `time is more than ${MAX_FUTURE_SECONDS} s in the future; it must be epoch seconds (epoch milliseconds are too far in the future)`,
      raw,
    );
  }
  if (problem === 'old') throw invalid(`time is ${TOO_OLD}`, raw);
  return Math.min(sec, nowSec);
}

/** Why a time cannot be recorded at `nowSec`, for the agent formats' own messages. */
export const TOO_OLD = 'older than the last_day window (the current hour and the 23 before it)';
export const TOO_FAR_AHEAD = `more than ${MAX_FUTURE_SECONDS} s in the future`;

/**
 * 'future' past the skew tolerated, 'old' before the last_day window, undefined when `sec`
 * can be recorded (at min(sec, nowSec): see parseTime).
 */
export function timeWindowProblem(sec: number, nowSec: number): 'future' | 'old' | undefined {
  if (sec > nowSec + MAX_FUTURE_SECONDS) return 'future';
  if (bucketStart(sec, LONGEST.bucketSeconds) < windowStart(LONGEST, nowSec)) return 'old';
  return undefined;
}

function timeFromString(text: string): number {
  const epochSec = parseDecimal(text);
  return Number.isNaN(epochSec) ? parseIsoSeconds(text) : epochSec;
}

type Fields = Record<string, unknown>;

/** A sample from a parsed form or JSON object; extra fields are ignored. */
export function parseSample(fields: Fields, nowSec: number): Sample {
  const cpuLoad = parseLoad(fields.cpuload, 'cpuload');
  const memLoad = parseLoad(fields.memload, 'memload');
  const timeSec = parseTime(fields.time, nowSec);
  return { timeSec, cpuLoad, memLoad };
}

export function isFields(body: unknown): body is Fields {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
