/*
 * InfluxDB line protocol, as Telegraf writes it, into load halves:
 *
 *   measurement[,tag=value...] field=value[,field=value...] [timestamp]
 *   cpu,cpu=cpu-total,host=web-01 usage_idle=82.38,usage_user=11.4 1700000000000000000
 *   mem,host=web-01 used_percent=15.95,available=123i 1700000000000000000
 *
 * cpu=cpu-total gives cpuload = 100 - usage_idle, mem gives memload = used_percent; the host
 * is the `host` tag. Other measurements and per-core cpu lines are counted and left alone,
 * since real Telegraf configs carry many inputs; their structure is still checked (a line
 * InfluxDB would refuse is refused here too), their values are not read. One scan per line,
 * by character code, with no regular expression: a Telegraf batch is a thousand lines.
 */
import { AgentBatch, Rejections, TooManyEntriesError, emptyBatch, percentOf, reasonOf } from './agent-batch';
import { parseDecimal } from './decimal';
import { parseHost } from './host';
import { forEachLine } from './lines';
import { LoadHalf } from './pairing';
import { TOO_FAR_AHEAD, TOO_OLD, timeWindowProblem } from './sample';
import { showValue } from './show-value';

/** Timestamp units, by the `precision` query parameter: digits below the second. */
const PRECISION_DIGITS = { ns: 9, n: 9, us: 6, u: 6, ms: 3, s: 0 } as const;
export type Precision = keyof typeof PRECISION_DIGITS;

export function isPrecision(raw: unknown): raw is Precision {
  return typeof raw === 'string' && Object.prototype.hasOwnProperty.call(PRECISION_DIGITS, raw);
}

const BACKSLASH = 92;
const COMMA = 44;
const SPACE = 32;
const EQUALS = 61;
const QUOTE = 34;
const HASH = 35;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const LOWER_I = 105;
const LOWER_U = 117;

const CPU_TOTAL = 'cpu-total';
const IDLE_FIELD = 'usage_idle';
const USED_FIELD = 'used_percent';

class LineError extends Error {}

/** A tag or field key at [start, end) is exactly `name` (the names read here have nothing to escape). */
function isKey(text: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && text.startsWith(name, start);
}

/** The end of a token: the first unescaped stop character (a comma, a space, and '=' when `stopAtEquals`), or `end`. */
function tokenEnd(text: string, i: number, end: number, stopAtEquals: boolean): number {
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === COMMA || code === SPACE || (stopAtEquals && code === EQUALS)) return i;
    else i++;
  }
  return end;
}

function unescape(raw: string): string {
  return raw.indexOf('\\') === -1 ? raw : raw.replace(/\\([,= \\"])/g, '$1');
}

/** Where one line keeps what a load needs; -1 when absent. */
interface LineParts {
  kind: 'cpu' | 'mem' | 'other';
  hostStart: number;
  hostEnd: number;
  cpuTagStart: number;
  cpuTagEnd: number;
  valueStart: number;
  valueEnd: number;
  timestampStart: number;
  timestampEnd: number;
}

/** Checks the structure of the line at [start, end) and finds the parts a load needs. */
function scanLine(text: string, start: number, end: number, parts: LineParts): void {
  let i = tokenEnd(text, start, end, false);
  if (i === start) throw new LineError('measurement name is missing');
  parts.kind = isKey(text, start, i, 'cpu') ? 'cpu' : isKey(text, start, i, 'mem') ? 'mem' : 'other';
  parts.hostStart = parts.cpuTagStart = parts.valueStart = parts.timestampStart = -1;
  while (i < end && text.charCodeAt(i) === COMMA) {
    const keyStart = i + 1;
    const keyEnd = tokenEnd(text, keyStart, end, true);
    if (keyEnd === keyStart) throw new LineError('a tag key is empty');
    if (keyEnd === end || text.charCodeAt(keyEnd) !== EQUALS) {
      throw new LineError(`tag ${showValue(text.slice(keyStart, keyEnd))} has no value (key=value)`);
    }
    const valueStart = keyEnd + 1;
    i = tokenEnd(text, valueStart, end, false);
    if (i === valueStart) throw new LineError(`tag ${showValue(text.slice(keyStart, keyEnd))} has an empty value`);
    if (isKey(text, keyStart, keyEnd, 'host')) {
      parts.hostStart = valueStart;
      parts.hostEnd = i;
    } else if (isKey(text, keyStart, keyEnd, 'cpu')) {
      parts.cpuTagStart = valueStart;
      parts.cpuTagEnd = i;
    }
  }
  if (i === end) throw new LineError('field set is missing (measurement,tags field=value timestamp)');
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  const wanted = parts.kind === 'cpu' ? IDLE_FIELD : parts.kind === 'mem' ? USED_FIELD : '';
  for (;;) {
    const keyStart = i;
    const keyEnd = tokenEnd(text, keyStart, end, true);
    if (keyEnd === keyStart) throw new LineError('a field key is empty');
    if (keyEnd === end || text.charCodeAt(keyEnd) !== EQUALS) {
      throw new LineError(`field ${showValue(text.slice(keyStart, keyEnd))} has no value (key=value)`);
    }
    const valueStart = keyEnd + 1;
    i = valueStart;
    if (i < end && text.charCodeAt(i) === QUOTE) {
      i++;
      while (i < end && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      if (i >= end) throw new LineError(`field ${showValue(text.slice(keyStart, keyEnd))} has an unterminated string value`);
      i++;
    } else {
      while (i < end && text.charCodeAt(i) !== COMMA && text.charCodeAt(i) !== SPACE) i++;
    }
    if (i === valueStart) throw new LineError(`field ${showValue(text.slice(keyStart, keyEnd))} has an empty value`);
    if (wanted !== '' && isKey(text, keyStart, keyEnd, wanted)) {
      parts.valueStart = valueStart;
      parts.valueEnd = i;
    }
    if (i < end && text.charCodeAt(i) === COMMA) i++;
    else break;
  }
  if (i === end) return;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  const timestampStart = i;
  if (i < end && text.charCodeAt(i) === MINUS) i++;
  while (i < end && text.charCodeAt(i) >= ZERO && text.charCodeAt(i) <= NINE) i++;
  const timestampEnd = i;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  if (i !== end || timestampEnd === timestampStart || text.charCodeAt(timestampEnd - 1) === MINUS) {
    throw new LineError(`timestamp must be an integer, got ${showValue(text.slice(timestampStart, end))}`);
  }
  if (timestampEnd > timestampStart) {
    parts.timestampStart = timestampStart;
    parts.timestampEnd = timestampEnd;
  }
}

/** A numeric field value (float, or integer with its i/u suffix) as a percentage. */
function percentField(text: string, parts: LineParts, field: string): number {
  let end = parts.valueEnd;
  const last = text.charCodeAt(end - 1);
  if (last === LOWER_I || last === LOWER_U) end--;
  const raw = text.slice(parts.valueStart, end);
  const value = percentOf(parseDecimal(raw));
  if (Number.isNaN(value)) {
    throw new LineError(`${field} must be a number from 0 to 100, got ${showValue(text.slice(parts.valueStart, parts.valueEnd))}`);
  }
  return value;
}

/**
 * The whole second of the line's timestamp, exactly: cut from the digits, since a
 * nanosecond timestamp has more digits than a double holds. No timestamp means now.
 */
function timestampSec(text: string, parts: LineParts, precision: Precision, nowSec: number): number {
  if (parts.timestampStart < 0) return Math.floor(nowSec);
  const raw = text.slice(parts.timestampStart, parts.timestampEnd);
  const subSecondDigits = PRECISION_DIGITS[precision];
  const sec = raw.startsWith('-') || raw.length <= subSecondDigits ? 0 : Number(raw.slice(0, raw.length - subSecondDigits));
  const problem = timeWindowProblem(sec, nowSec);
  if (problem === 'old') throw new LineError(`timestamp is ${TOO_OLD} at precision=${precision}, got ${raw}`);
  if (problem === 'future') {
    throw new LineError(`timestamp is ${TOO_FAR_AHEAD} at precision=${precision} (is it in another unit?), got ${raw}`);
  }
  return Math.min(sec, Math.floor(nowSec));
}

function hostOf(text: string, parts: LineParts, measurement: string): string {
  if (parts.hostStart < 0) throw new LineError(`a ${measurement} line needs a host tag`);
  try {
    return parseHost(unescape(text.slice(parts.hostStart, parts.hostEnd)));
  } catch (err) {
    throw new LineError(`host tag: ${reasonOf(err)}`);
  }
}

/** The load half of a line, or the reason it carries none. */
function halfOf(text: string, parts: LineParts, precision: Precision, nowSec: number): LoadHalf | 'measurement' | 'per_core' {
  if (parts.kind === 'other') return 'measurement';
  if (parts.kind === 'cpu' && (parts.cpuTagStart < 0 || !isKey(text, parts.cpuTagStart, parts.cpuTagEnd, CPU_TOTAL))) return 'per_core';
  const measurement = parts.kind === 'cpu' ? `cpu ${CPU_TOTAL}` : 'mem';
  const field = parts.kind === 'cpu' ? IDLE_FIELD : USED_FIELD;
  const host = hostOf(text, parts, measurement);
  if (parts.valueStart < 0) throw new LineError(`a ${measurement} line needs the ${field} field`);
  const percent = percentField(text, parts, field);
  const timeSec = timestampSec(text, parts, precision, nowSec);
  // 100 - idle: `+ 0` keeps 100 - 100 from printing as -0 anywhere.
  const load = parts.kind === 'cpu' ? 100 - percent + 0 : percent;
  return { host, kind: parts.kind, timeSec, load, intervalSec: 0 };
}

/**
 * Every line of `text`, all or nothing: throws an InvalidInputError naming the first bad line
 * (1-based, as InfluxDB counts them) and how many more there are, or a TooManyEntriesError
 * past `maxLines` lines. Blank lines and # comments are skipped.
 */
export function parseLineProtocol(text: string, precision: Precision, nowSec: number, maxLines: number): AgentBatch {
  const batch = emptyBatch();
  const rejections = new Rejections();
  const parts: LineParts = {
    kind: 'other',
    hostStart: -1,
    hostEnd: -1,
    cpuTagStart: -1,
    cpuTagEnd: -1,
    valueStart: -1,
    valueEnd: -1,
    timestampStart: -1,
    timestampEnd: -1,
  };
  let lines = 0;
  forEachLine(text, (lineStart, end, index) => {
    let start = lineStart;
    while (start < end && text.charCodeAt(start) === SPACE) start++;
    if (start === end || text.charCodeAt(start) === HASH) return true;
    if (++lines > maxLines) return false;
    try {
      scanLine(text, start, end, parts);
      const half = halfOf(text, parts, precision, nowSec);
      if (typeof half === 'string') batch.ignored[half]++;
      else batch.halves.push(half);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      rejections.add(`line ${index + 1}`, err.message);
    }
    return true;
  });
  if (lines > maxLines) throw new TooManyEntriesError(maxLines, 'line');
  rejections.throwIfAny('line');
  return batch;
}
