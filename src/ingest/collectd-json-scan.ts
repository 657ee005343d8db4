/*
 * write_http's Format "JSON" read straight from the body's bytes. Under bench:agents a
 * collectd body is about 930 KB for 1,000 samples, and three of its five value lists are
 * ignored; in a profile of the server, the flat string of the body and JSON.parse building
 * every value list as objects were about two thirds of its time. This scanner checks the
 * body's grammar byte by byte, reads each value list's identifier, and builds only the loads:
 *
 *   [ {"values":[82.4],"time":1700000000.123,"interval":10.000,"host":"web-01",
 *      "plugin":"cpu","plugin_instance":"","type":"percent","type_instance":"idle", ...}, ... ]
 *      keys in any order, the last of a repeated key wins, other keys skipped (grammar only)
 *
 * It answers exactly what parseCollectdJson gives for the same body, or undefined whenever it
 * is not sure: anything outside json-bytes.ts's subset (escapes, non-ASCII, deep nesting) and
 * any body parseCollectdJson would refuse. The caller then runs parseCollectdJson, which is
 * what words the error; so a rejected body costs a second pass, an accepted one does not.
 */
import { AgentBatch, emptyBatch } from './agent-batch';
import { EntryError, ValueListId, addJsonLoad, loadKind } from './collectd';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  JsonCursor,
  MINUS,
  NINE,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  Unusual,
  ZERO,
  asciiBytes,
} from './json-bytes';

/** Where a field's bytes would start when it is not there, or holds something else than a string. */
const MISSING = -1;
const NOT_A_STRING = -2;

/** Stands for any string the mapping does not name: holds a NUL, which the scanner never lets through. */
const OTHER = '\u0000';

/** The words loadKind() compares an identifier against, per field; any other string reads as OTHER. */

const KEY_VALUES = asciiBytes('values');
const KEY_TIME = asciiBytes('time');
const KEY_INTERVAL = asciiBytes('interval');
const KEY_HOST = asciiBytes('host');
const KEY_PLUGIN = asciiBytes('plugin');
const KEY_PLUGIN_INSTANCE = asciiBytes('plugin_instance');
const KEY_TYPE = asciiBytes('type');
const KEY_TYPE_INSTANCE = asciiBytes('type_instance');

/** A word and its bytes, to compare a string against without building it. */
interface Word {
  text: string;
  bytes: Uint8Array;
}

const words = (texts: string[]): Word[] => texts.map((text) => ({ text, bytes: asciiBytes(text) }));

/** The string just read, as one of `words` (the same string constants loadKind compares with) or OTHER. */
function wordOf(cursor: JsonCursor, candidates: readonly Word[]): string {
  for (let i = 0; i < candidates.length; i++) if (cursor.stringIs(candidates[i].bytes)) return candidates[i].text;
  return OTHER;
}

/** A string field of the identifier; any other JSON value is an error parseCollectdJson words. */
function identifierWord(cursor: JsonCursor, candidates: readonly Word[]): string {
  if (cursor.value() !== 'string') throw new Unusual();
  return wordOf(cursor, candidates);
}

const PLUGINS = words(['cpu', 'memory']);
const TYPES = words(['percent']);
const INSTANCES = words(['', 'idle', 'active', 'used']);

/** The one value of `values`: a number, null (NaN in collectd), or undefined for any other shape. */
function singleValue(cursor: JsonCursor): number | null | undefined {
  if (cursor.next() !== OPEN_BRACKET) {
    cursor.value();
    return undefined;
  }
  cursor.pos++;
  if (cursor.next() === CLOSE_BRACKET) {
    cursor.pos++;
    return undefined;
  }
  const kind = cursor.value(1);
  if (!cursor.more(CLOSE_BRACKET)) return kind === 'number' ? cursor.number : kind === 'null' ? null : undefined;
  do cursor.value(1);
  while (cursor.more(CLOSE_BRACKET));
  return undefined;
}

function numberOrUndefined(cursor: JsonCursor): number | undefined {
  return cursor.value() === 'number' ? cursor.number : undefined;
}

/** What a value list says that the mapping reads, refilled for each value list. */
class Fields {
  /** The identifier, as words loadKind knows or OTHER; undefined when missing. */
  plugin: string | undefined;
  type: string | undefined;
  pluginInstance = '';
  typeInstance = '';
  /** The host's bytes; MISSING or NOT_A_STRING otherwise. */
  hostStart = MISSING;
  hostEnd = MISSING;
  /** undefined: no values, or not one number or null. */
  value: number | null | undefined;
  /** undefined: missing or not a number. */
  time: number | undefined;
  interval: number | undefined;
  hasInterval = false;

  reset(): void {
    this.plugin = this.type = undefined;
    this.pluginInstance = this.typeInstance = '';
    this.hostStart = this.hostEnd = MISSING;
    this.value = this.time = this.interval = undefined;
    this.hasInterval = false;
  }
}

/** One value list in any layout JSON allows, from its opening brace. */
function anyLayout(cursor: JsonCursor, f: Fields): void {
  cursor.pos++;
  if (cursor.next() === CLOSE_BRACE) {
    cursor.pos++;
    return;
  }
  do {
    cursor.key();
    // By length first: most keys are told apart without reading them twice.
    switch (cursor.stringEnd - cursor.stringStart) {
      case 4:
        if (cursor.stringIs(KEY_TIME)) f.time = numberOrUndefined(cursor);
        else if (cursor.stringIs(KEY_HOST)) {
          const isString = cursor.value() === 'string';
          f.hostStart = isString ? cursor.stringStart : NOT_A_STRING;
          f.hostEnd = cursor.stringEnd;
        } else if (cursor.stringIs(KEY_TYPE)) f.type = identifierWord(cursor, TYPES);
        else cursor.value();
        break;
      case 6:
        if (cursor.stringIs(KEY_VALUES)) f.value = singleValue(cursor);
        else if (cursor.stringIs(KEY_PLUGIN)) f.plugin = identifierWord(cursor, PLUGINS);
        else cursor.value();
        break;
      case 8:
        if (cursor.stringIs(KEY_INTERVAL)) {
          f.hasInterval = true;
          f.interval = numberOrUndefined(cursor);
        } else cursor.value();
        break;
      case 13:
        if (cursor.stringIs(KEY_TYPE_INSTANCE)) f.typeInstance = identifierWord(cursor, INSTANCES);
        else cursor.value();
        break;
      case 15:
        if (cursor.stringIs(KEY_PLUGIN_INSTANCE)) f.pluginInstance = identifierWord(cursor, INSTANCES);
        else cursor.value();
        break;
      default:
        cursor.value();
    }
  } while (cursor.more(CLOSE_BRACE));
}

/** A number right at pos, no whitespace before it, into cursor.number. */
function bareNumber(cursor: JsonCursor): boolean {
  const code = cursor.bytes[cursor.pos];
  if (code !== MINUS && !(code >= ZERO && code <= NINE)) return false;
  cursor.readNumber();
  return true;
}

/** Strings right at pos, comma-separated, up to the closing bracket (not consumed). */
function bareStrings(cursor: JsonCursor): boolean {
  do {
    if (cursor.bytes[cursor.pos] !== QUOTE) return false;
    cursor.string();
  } while (cursor.bytes[cursor.pos] === COMMA && ++cursor.pos);
  return true;
}

/** A string right at pos, as one of `candidates` or OTHER; undefined if no string is there. */
function bareWord(cursor: JsonCursor, candidates: readonly Word[]): string | undefined {
  if (cursor.bytes[cursor.pos] !== QUOTE) return undefined;
  cursor.string();
  return wordOf(cursor, candidates);
}

/** collectd's own layout (utils_format_json.c), byte for byte, which needs no key lookups. */
const LAYOUT = {
  values: asciiBytes('{"values":['),
  dstypes: asciiBytes('],"dstypes":['),
  dsnames: asciiBytes('],"dsnames":['),
  time: asciiBytes('],"time":'),
  interval: asciiBytes(',"interval":'),
  host: asciiBytes(',"host":'),
  plugin: asciiBytes(',"plugin":'),
  pluginInstance: asciiBytes(',"plugin_instance":'),
  type: asciiBytes(',"type":'),
  typeInstance: asciiBytes(',"type_instance":'),
};
const NULL = asciiBytes('null');

/**
 * One value list as collectd writes it, from its opening brace; false as soon as it is
 * laid out otherwise (another order, whitespace, a meta object), and the caller reads it again with anyLayout.
 */
function collectdLayout(cursor: JsonCursor, f: Fields): boolean {
  const { bytes } = cursor;
  if (!cursor.matches(LAYOUT.values)) return false;
  let count = 0;
  do {
    let value: number | null;
    if (cursor.matches(NULL)) value = null;
    else if (bareNumber(cursor)) value = cursor.number;
    else return false;
    if (count++ === 0) f.value = value;
  } while (bytes[cursor.pos] === COMMA && ++cursor.pos);
  if (count !== 1) f.value = undefined;
  if (!cursor.matches(LAYOUT.dstypes) || !bareStrings(cursor)) return false;
  if (!cursor.matches(LAYOUT.dsnames) || !bareStrings(cursor)) return false;
  if (!cursor.matches(LAYOUT.time) || !bareNumber(cursor)) return false;
  f.time = cursor.number;
  if (!cursor.matches(LAYOUT.interval) || !bareNumber(cursor)) return false;
  f.interval = cursor.number;
  f.hasInterval = true;
  if (!cursor.matches(LAYOUT.host) || bytes[cursor.pos] !== QUOTE) return false;
  cursor.string();
  f.hostStart = cursor.stringStart;
  f.hostEnd = cursor.stringEnd;
  if (!cursor.matches(LAYOUT.plugin) || (f.plugin = bareWord(cursor, PLUGINS)) === undefined) return false;
  const pluginInstance = cursor.matches(LAYOUT.pluginInstance) ? bareWord(cursor, INSTANCES) : undefined;
  if (pluginInstance === undefined) return false;
  f.pluginInstance = pluginInstance;
  if (!cursor.matches(LAYOUT.type) || (f.type = bareWord(cursor, TYPES)) === undefined) return false;
  const typeInstance = cursor.matches(LAYOUT.typeInstance) ? bareWord(cursor, INSTANCES) : undefined;
  if (typeInstance === undefined || bytes[cursor.pos] !== CLOSE_BRACE) return false;
  f.typeInstance = typeInstance;
  cursor.pos++;
  return true;
}

/** Adds the half a value list gives to `batch`, or counts it as ignored; Unusual where parseCollectdJson would refuse it. */
function addValueList(cursor: JsonCursor, f: Fields, nowSec: number, batch: AgentBatch): void {
  // plugin and type are required strings (parseCollectdJson words the error).
  if (f.plugin === undefined || f.type === undefined) throw new Unusual();
  const id: ValueListId = {
    host: undefined,
    plugin: f.plugin,
    pluginInstance: f.pluginInstance,
    type: f.type,
    typeInstance: f.typeInstance,
  };
  const kind = loadKind(id);
  if (kind === 'plugin') {
    batch.ignored.plugin++;
    return;
  }
  if (f.value === undefined || f.time === undefined || f.hostStart < 0 || (f.hasInterval && f.interval === undefined)) throw new Unusual();
  id.host = cursor.bytes.toString('latin1', f.hostStart, f.hostEnd);
  addJsonLoad(batch, kind, id, f.value, f.time, f.hasInterval ? f.interval : undefined, nowSec);
}

/**
 * write_http's Format "JSON" from the body's bytes: what parseCollectdJson would return for
 * the same body decoded as utf-8, or undefined when the caller must run parseCollectdJson.
 */
export function scanCollectdJson(bytes: Buffer, nowSec: number, maxValueLists: number): AgentBatch | undefined {
  const cursor = new JsonCursor(bytes, bytes.length);
  const fields = new Fields();
  const batch = emptyBatch();
  try {
    cursor.expect(OPEN_BRACKET);
    if (cursor.next() === CLOSE_BRACKET) cursor.pos++;
    else {
      let count = 0;
      do {
        // Past the limit parseCollectdJson answers 413; not a value list: it words the error.
        if (++count > maxValueLists || cursor.next() !== OPEN_BRACE) return undefined;
        const start = cursor.pos;
        fields.reset();
        if (!collectdLayout(cursor, fields)) {
          cursor.pos = start;
          fields.reset();
          anyLayout(cursor, fields);
        }
        addValueList(cursor, fields, nowSec, batch);
      } while (cursor.more(CLOSE_BRACKET));
    }
    if (cursor.next() !== -1) return undefined;
  } catch (err) {
    if (err instanceof Unusual || err instanceof EntryError) return undefined;
    throw err;
  }
  return batch;
}
