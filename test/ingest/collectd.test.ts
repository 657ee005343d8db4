import { TooManyEntriesError } from '../../src/ingest/agent-batch';
import { parseCollectdCommands, parseCollectdJson } from '../../src/ingest/collectd';
import { errorOf } from '../helpers/input-error';

/** 2026-11-27T14:05:30Z */
const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;
const T = NOW_SEC - 10.25;
const IGNORED_NONE = { measurement: 0, per_core: 0, plugin: 0, undefined: 0 };

function valueList(plugin: string, typeInstance: string, value: number | null, overrides: Record<string, unknown> = {}) {
  return {
    values: [value],
    dstypes: ['gauge'],
    dsnames: ['value'],
    time: T,
    interval: 10,
    host: 'web-01',
    plugin,
    plugin_instance: '',
    type: 'percent',
    type_instance: typeInstance,
    ...overrides,
  };
}

function json(lists: unknown[]) {
  return parseCollectdJson(JSON.stringify(lists), NOW_SEC, 1_000);
}

describe('parseCollectdJson (write_http Format "JSON")', () => {
  it('reads cpu percent-idle, cpu percent-active and memory percent-used; counts the rest and U values', () => {
    const batch = json([
      valueList('cpu', 'user', 10),
      valueList('cpu', 'idle', 82.4),
      valueList('cpu', 'idle', 50, { plugin_instance: '0' }),
      valueList('memory', 'used', 40.5),
      valueList('memory', 'cached', 20),
      valueList('memory', 'used', 1e9, { type: 'memory' }),
      valueList('cpu', 'active', 12.5, { host: 'DB-01', time: NOW_SEC, interval: 1 }),
      valueList('memory', 'used', null),
      valueList('load', '', 0.5, { type: 'load' }),
    ]);
    expect(batch).toEqual({
      halves: [
        { host: 'web-01', kind: 'cpu', timeSec: T, load: 100 - 82.4, intervalSec: 10 },
        { host: 'web-01', kind: 'mem', timeSec: T, load: 40.5, intervalSec: 10 },
        { host: 'db-01', kind: 'cpu', timeSec: NOW_SEC, load: 12.5, intervalSec: 1 },
      ],
      ignored: { ...IGNORED_NONE, plugin: 5, undefined: 1 },
    });
  });

  it('takes an empty array as nothing to do, and a missing interval as collectd’s default 10 s', () => {
    expect(json([])).toEqual({ halves: [], ignored: IGNORED_NONE });
    const { interval: _left, ...noInterval } = valueList('memory', 'used', 1);
    expect(json([noInterval]).halves[0].intervalSec).toBe(10);
  });

  describe('when a value list is invalid', () => {
    it.each([
      ['a number', 5, 'value list 1: must be an object with host, plugin, type, time and values, got 5'],
      ['no plugin', { ...valueList('cpu', 'idle', 1), plugin: undefined }, 'value list 1: plugin must be a string, got undefined'],
      [
        'a bad host',
        valueList('cpu', 'idle', 1, { host: 'web 01' }),
        `value list 1: host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got "web 01"`,
      ],
      ['two values', valueList('cpu', 'idle', 1, { values: [1, 2] }), 'value list 1: values must be an array of one number, got [1,2]'],
      ['a string value', valueList('cpu', 'idle', 1, { values: ['1'] }), 'value list 1: values must be an array of one number, got ["1"]'],
      ['a load over 100', valueList('memory', 'used', 101), 'value list 1: memory/percent-used must be a number from 0 to 100, got 101'],
      ['a string time', valueList('memory', 'used', 1, { time: 'now' }), 'value list 1: time must be epoch seconds, got "now"'],
      [
        'an old time',
        valueList('memory', 'used', 1, { time: NOW_SEC - 86_400 }),
        `value list 1: time is older than the last_day window (the current hour and the 23 before it), got ${NOW_SEC - 86_400}`,
      ],
      [
        'a time 61 s ahead',
        valueList('memory', 'used', 1, { time: NOW_SEC + 61 }),
        `value list 1: time is more than 60 s in the future, got ${NOW_SEC + 61}`,
      ],
      [
        'a zero interval',
        valueList('memory', 'used', 1, { interval: 0 }),
        'value list 1: interval must be a positive number of seconds, got 0',
      ],
    ])('rejects %s, naming the value list', (_what, entry, message) => {
      expect(errorOf(() => json([entry]))).toEqual({ status: 400, message: `${message}; nothing was recorded` });
    });

    it('names the first of several and counts the others', () => {
      expect(errorOf(() => json([valueList('cpu', 'idle', 1), 7, valueList('memory', 'used', 200), 'x']))).toEqual({
        status: 400,
        message:
          'value list 2: must be an object with host, plugin, type, time and values, got 7 (and 2 more invalid value lists); nothing was recorded',
      });
    });
  });

  it.each([
    ['malformed JSON', '[{"values":', 'request body is malformed JSON'],
    ['an object', '{"values":[1]}', 'a collectd JSON body must be an array of value lists, got {"values":[1]}'],
  ])('rejects %s', (_what, text, message) => {
    expect(errorOf(() => parseCollectdJson(text, NOW_SEC, 10))).toEqual({ status: 400, message });
  });

  it('throws TooManyEntriesError past the limit', () => {
    expect(() => parseCollectdJson('[1,2,3]', NOW_SEC, 2)).toThrow(new TooManyEntriesError(2, 'value list'));
  });
});

describe('parseCollectdCommands (write_http Format "Command")', () => {
  it('reads PUTVAL lines as write_http writes them (CRLF), quoted identifiers and N (now) too', () => {
    const text = [
      `PUTVAL web-01/cpu/percent-idle interval=10.000 ${T}:82.4`,
      `PUTVAL web-01/cpu/percent-user interval=10.000 ${T}:10`,
      `PUTVAL "web-01/memory/percent-used" interval=10.000 ${T}:40.5`,
      `PUTVAL web-01/memory/memory-used interval=10.000 ${T}:123456`,
      `PUTVAL web-02/cpu/percent-active interval=1.000 N:3`,
      `PUTVAL web-02/memory/percent-used interval=1.000 ${T}:U`,
      '',
    ].join('\r\n');
    expect(parseCollectdCommands(text, NOW_SEC, 100)).toEqual({
      halves: [
        { host: 'web-01', kind: 'cpu', timeSec: T, load: 100 - 82.4, intervalSec: 10 },
        { host: 'web-01', kind: 'mem', timeSec: T, load: 40.5, intervalSec: 10 },
        { host: 'web-02', kind: 'cpu', timeSec: NOW_SEC, load: 3, intervalSec: 1 },
      ],
      ignored: { ...IGNORED_NONE, plugin: 2, undefined: 1 },
    });
  });

  describe('when a line is invalid', () => {
    it.each([
      ['another command', 'PUTNOTIF severity=okay time=1 message=x', 'line 1: only PUTVAL commands are accepted, got "PUTNOTIF"'],
      ['no values', 'PUTVAL web-01/cpu/percent-idle interval=10', 'line 1: PUTVAL needs at least one time:value'],
      [
        'a short identifier',
        `PUTVAL web-01/cpu ${T}:1`,
        'line 1: identifier must be host/plugin[-instance]/type[-instance], got "web-01/cpu"',
      ],
      ['two values', `PUTVAL web-01/cpu/percent-idle ${T}:1:2`, `line 1: values must be <time>:<value>, got "${T}:1:2"`],
      [
        'a bad interval',
        `PUTVAL web-01/cpu/percent-idle interval=x ${T}:1`,
        'line 1: interval must be a positive number of seconds, got "interval=x"',
      ],
      ['a bad value', `PUTVAL web-01/cpu/percent-idle ${T}:abc`, 'line 1: cpu/percent-idle must be a number from 0 to 100, got "abc"'],
      ['a bad time', `PUTVAL web-01/cpu/percent-idle x:1`, 'line 1: time must be epoch seconds, got "x"'],
      ['a bad host', `PUTVAL web..01/cpu/percent-idle ${T}:1`, `line 1: host must not contain an empty label ('..'), got "web..01"`],
    ])('rejects %s, naming the line', (_what, line, message) => {
      expect(errorOf(() => parseCollectdCommands(line, NOW_SEC, 10))).toEqual({ status: 400, message: `${message}; nothing was recorded` });
    });
  });

  it('throws TooManyEntriesError past the line limit', () => {
    expect(() => parseCollectdCommands('a\nb\nc', NOW_SEC, 2)).toThrow(new TooManyEntriesError(2, 'line'));
  });
});
