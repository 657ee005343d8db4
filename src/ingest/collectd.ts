/*
 * collectd's write_http bodies into load halves, in both of its formats:
 *
 *   Format "JSON"     [{"values":[82.4],"dstypes":["gauge"],"dsnames":["value"],"time":1700000000.123,
 *                       "interval":10.000,"host":"web-01","plugin":"cpu","plugin_instance":"",
 *                       "type":"percent","type_instance":"idle"}, ...]
 *   Format "Command"  PUTVAL web-01/cpu/percent-idle interval=10.000 1700000000.123:82.4
 *
 * Read: the cpu plugin's aggregate percentages (ReportByCpu false, ValuesPercentage true):
 * cpuload = 100 - percent-idle, or percent-active (ReportByState false); the memory plugin's
 * percent-used (ValuesPercentage true): memload. Every other plugin, type or instance is
 * counted and left alone, and so is a U (undefined) value.
 */
import { AgentBatch, IgnoredReason, Rejections, TooManyEntriesError, emptyBatch, percentOf, reasonOf } from './agent-batch';
import { parseDecimal } from './decimal';
import { parseHost } from './host';
import { InvalidInputError } from './invalid-input';
import { forEachLine } from './lines';
import { LoadHalf } from './pairing';
import { TOO_FAR_AHEAD, TOO_OLD, isFields, timeWindowProblem } from './sample';
import { showValue } from './show-value';

/** What write_http leaves out of a value list only if the daemon's own Interval does: its default. */
const DEFAULT_INTERVAL_SEC = 10;

/** One value list or line is invalid; the parsers name it and go on counting. */
export class EntryError extends Error {}

/** The identifier of a value list, as both formats carry it. */
export interface ValueListId {
  host: unknown;
  plugin: string;
  pluginInstance: string;
  type: string;
  typeInstance: string;
}

/** The value lists that hold a load: cpu percent-idle or percent-active, memory percent-used. */
export type LoadKind = 'idle' | 'active' | 'used';

/** Which load a value list holds, by its identifier; the reason it is ignored otherwise. */
export function loadKind(id: ValueListId): LoadKind | 'plugin' {
  if (id.pluginInstance !== '' || id.type !== 'percent') return 'plugin';
  if (id.plugin === 'cpu' && (id.typeInstance === 'idle' || id.typeInstance === 'active')) return id.typeInstance;
  if (id.plugin === 'memory' && id.typeInstance === 'used') return 'used';
  return 'plugin';
}

function checkedTime(sec: number, raw: unknown, nowSec: number): number {
  if (!(sec > 0)) throw new EntryError(`time must be epoch seconds, got ${showValue(raw)}`);
  const problem = timeWindowProblem(sec, nowSec);
  if (problem === 'old') throw new EntryError(`time is ${TOO_OLD}, got ${showValue(raw)}`);
  if (problem === 'future') throw new EntryError(`time is ${TOO_FAR_AHEAD}, got ${showValue(raw)}`);
  return Math.min(sec, nowSec);
}

function checkedInterval(sec: number, raw: unknown): number {
  if (!(sec > 0 && Number.isFinite(sec))) throw new EntryError(`interval must be a positive number of seconds, got ${showValue(raw)}`);
  return sec;
}

function hostOf(raw: unknown): string {
  try {
    return parseHost(raw);
  } catch (err) {
    throw new EntryError(reasonOf(err));
  }
}

/** The half a value of a known kind gives, or 'undefined' for a U / null value. */
function halfOf(
  kind: LoadKind,
  id: ValueListId,
  value: number | null,
  rawValue: unknown,
  timeSec: number,
  intervalSec: number,
): LoadHalf | 'undefined' {
  if (value === null) return 'undefined';
  const percent = percentOf(value);
  if (Number.isNaN(percent)) {
    throw new EntryError(`${id.plugin}/${id.type}-${id.typeInstance} must be a number from 0 to 100, got ${showValue(rawValue)}`);
  }
  const host = hostOf(id.host);
  if (kind === 'used') return { host, kind: 'mem', timeSec, load: percent, intervalSec };
  return { host, kind: 'cpu', timeSec, load: kind === 'idle' ? 100 - percent + 0 : percent, intervalSec };
}

function add(batch: AgentBatch, half: LoadHalf | IgnoredReason): void {
  if (typeof half === 'string') batch.ignored[half]++;
  else batch.halves.push(half);
}

function stringField(entry: Record<string, unknown>, name: string, required: boolean): string {
  const value = entry[name];
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') throw new EntryError(`${name} must be a string, got ${showValue(value)}`);
  return value;
}

function jsonEntry(entry: unknown, nowSec: number, batch: AgentBatch): void {
  if (!isFields(entry)) throw new EntryError(`must be an object with host, plugin, type, time and values, got ${showValue(entry)}`);
  const id: ValueListId = {
    host: entry.host,
    plugin: stringField(entry, 'plugin', true),
    pluginInstance: stringField(entry, 'plugin_instance', false),
    type: stringField(entry, 'type', true),
    typeInstance: stringField(entry, 'type_instance', false),
  };
  const kind = loadKind(id);
  if (kind === 'plugin') {
    batch.ignored.plugin++;
    return;
  }
  const values = entry.values;
  if (!Array.isArray(values) || values.length !== 1)
    throw new EntryError(`values must be an array of one number, got ${showValue(values)}`);
  const raw: unknown = values[0];
  // collectd writes NaN (an undefined gauge) as null.
  if (raw !== null && typeof raw !== 'number') throw new EntryError(`values must be an array of one number, got ${showValue(values)}`);
  addJsonLoad(batch, kind, id, raw, entry.time, entry.interval, nowSec);
}

/**
 * A JSON value list that holds a load (its `values` already one number or null): checks its
 * time and interval as JSON.parse gave them and adds its half to `batch`. Shared with the
 * byte scanner (collectd-json-scan.ts), so both check a value list alike.
 */
export function addJsonLoad(
  batch: AgentBatch,
  kind: LoadKind,
  id: ValueListId,
  raw: number | null,
  time: unknown,
  interval: unknown,
  nowSec: number,
): void {
  const timeSec = checkedTime(typeof time === 'number' ? time : NaN, time, nowSec);
  const intervalSec =
    interval === undefined ? DEFAULT_INTERVAL_SEC : checkedInterval(typeof interval === 'number' ? interval : NaN, interval);
  add(batch, halfOf(kind, id, raw, raw, timeSec, intervalSec));
}

/** write_http's Format "JSON": an array of value lists. */
export function parseCollectdJson(text: string, nowSec: number, maxValueLists: number): AgentBatch {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidInputError('request body is malformed JSON');
  }
  if (!Array.isArray(body)) throw new InvalidInputError(`a collectd JSON body must be an array of value lists, got ${showValue(body)}`);
  if (body.length > maxValueLists) throw new TooManyEntriesError(maxValueLists, 'value list');
  const batch = emptyBatch();
  const rejections = new Rejections();
  body.forEach((entry: unknown, i) => {
    try {
      jsonEntry(entry, nowSec, batch);
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      rejections.add(`value list ${i + 1}`, err.message);
    }
  });
  rejections.throwIfAny('value list');
  return batch;
}

/** host/plugin[-instance]/type[-instance], quoted or not. */
function parseIdentifier(raw: string): ValueListId {
  const text = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  const parts = text.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new EntryError(`identifier must be host/plugin[-instance]/type[-instance], got ${showValue(raw)}`);
  }
  const split = (part: string): [string, string] => {
    const dash = part.indexOf('-');
    return dash === -1 ? [part, ''] : [part.slice(0, dash), part.slice(dash + 1)];
  };
  const [plugin, pluginInstance] = split(parts[1]);
  const [type, typeInstance] = split(parts[2]);
  return { host: parts[0], plugin, pluginInstance, type, typeInstance };
}

/** One PUTVAL line: PUTVAL <identifier> [interval=<seconds>] <time>:<value> [<time>:<value>...] */
function commandLine(line: string, nowSec: number, batch: AgentBatch): void {
  const words = line.split(' ').filter((word) => word !== '');
  if (words[0]?.toUpperCase() !== 'PUTVAL') throw new EntryError(`only PUTVAL commands are accepted, got ${showValue(words[0] ?? '')}`);
  if (words.length < 3) throw new EntryError('PUTVAL needs an identifier and at least one time:value');
  const id = parseIdentifier(words[1]);
  let intervalSec = DEFAULT_INTERVAL_SEC;
  let valueSets = 0;
  const kind = loadKind(id);
  for (const word of words.slice(2)) {
    const equals = word.indexOf('=');
    if (equals > 0 && word.indexOf(':') === -1) {
      if (word.startsWith('interval=')) intervalSec = checkedInterval(parseDecimal(word.slice(equals + 1)), word);
      continue;
    }
    const colon = word.indexOf(':');
    if (colon <= 0 || word.indexOf(':', colon + 1) !== -1) throw new EntryError(`values must be <time>:<value>, got ${showValue(word)}`);
    valueSets++;
    if (kind === 'plugin') {
      batch.ignored.plugin++;
      continue;
    }
    const rawTime = word.slice(0, colon);
    const rawValue = word.slice(colon + 1);
    const timeSec = rawTime === 'N' ? nowSec : checkedTime(parseDecimal(rawTime), rawTime, nowSec);
    const value = rawValue === 'U' || rawValue === 'nan' || rawValue === '-nan' ? null : parseDecimal(rawValue);
    add(batch, halfOf(kind, id, value, rawValue, timeSec, intervalSec));
  }
  if (valueSets === 0) throw new EntryError('PUTVAL needs at least one time:value');
}

/** write_http's Format "Command": PUTVAL lines (LF or CRLF). */
export function parseCollectdCommands(text: string, nowSec: number, maxLines: number): AgentBatch {
  const batch = emptyBatch();
  const rejections = new Rejections();
  let lines = 0;
  forEachLine(text, (start, end, index) => {
    if (++lines > maxLines) return false;
    try {
      commandLine(text.slice(start, end), nowSec, batch);
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      rejections.add(`line ${index + 1}`, err.message);
    }
    return true;
  });
  if (lines > maxLines) throw new TooManyEntriesError(maxLines, 'line');
  rejections.throwIfAny('line');
  return batch;
}
