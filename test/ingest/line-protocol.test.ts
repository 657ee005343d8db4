import { TooManyEntriesError } from '../../src/ingest/agent-batch';
import { parseLineProtocol } from '../../src/ingest/line-protocol';
import { errorOf } from '../helpers/input-error';

/** 2026-11-27T14:05:30Z */
const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;
const TS_NS = `${NOW_SEC - 10}123456789`;
const IGNORED_NONE = { measurement: 0, per_core: 0, plugin: 0, undefined: 0 };

function parse(text: string, precision: 'ns' | 'u' | 'ms' | 's' = 'ns', maxLines = 1_000) {
  return parseLineProtocol(text, precision, NOW_SEC, maxLines);
}

describe('parseLineProtocol', () => {
  describe('with the lines Telegraf writes', () => {
    it('reads cpuload from cpu-total, memload from mem, and counts per-core cpu and other measurements', () => {
      const text = [
        `cpu,cpu=cpu-total,host=web-01 usage_idle=82.38,usage_user=11.4,usage_system=6.22 ${TS_NS}`,
        `cpu,cpu=cpu0,host=web-01 usage_idle=80,usage_user=20 ${TS_NS}`,
        `cpu,cpu=cpu1,host=web-01 usage_idle=84.76 ${TS_NS}`,
        `mem,host=web-01 available=6000000000i,used_percent=15.95,total=8000000000i ${TS_NS}`,
        `disk,device=sda1,fstype=ext4,host=web-01,mode=rw,path=/ free=1i,used_percent=40.5 ${TS_NS}`,
      ].join('\n');
      expect(parse(text)).toEqual({
        halves: [
          { host: 'web-01', kind: 'cpu', timeSec: NOW_SEC - 10, load: 100 - 82.38, intervalSec: 0 },
          { host: 'web-01', kind: 'mem', timeSec: NOW_SEC - 10, load: 15.95, intervalSec: 0 },
        ],
        ignored: { ...IGNORED_NONE, measurement: 1, per_core: 2 },
      });
    });

    it('lower-cases the host, and takes the tags in any order', () => {
      const { halves } = parse(`cpu,host=WEB-01,cpu=cpu-total usage_idle=100 ${TS_NS}\nmem,host=DB-1 used_percent=1 ${TS_NS}`);
      expect(halves.map((h) => [h.host, h.load])).toEqual([
        ['web-01', 0],
        ['db-1', 1],
      ]);
    });

    it('reads integer and unsigned field values, and clamps float noise at the bounds', () => {
      const { halves } = parse(
        `cpu,cpu=cpu-total,host=a usage_idle=100.00000000000001 ${NOW_SEC}\nmem,host=a used_percent=42i ${NOW_SEC}\nmem,host=b used_percent=7u ${NOW_SEC}`,
        's',
      );
      expect(halves.map((h) => h.load)).toEqual([0, 42, 7]);
      expect(halves[0].timeSec).toBe(NOW_SEC);
    });
  });

  describe('timestamps', () => {
    it.each([
      ['ns', `${NOW_SEC - 5}999999999`],
      ['u', `${NOW_SEC - 5}999999`],
      ['ms', `${NOW_SEC - 5}999`],
      ['s', `${NOW_SEC - 5}`],
    ] as const)('cuts a %s timestamp to its whole second exactly', (precision, timestamp) => {
      expect(parse(`mem,host=a used_percent=1 ${timestamp}`, precision).halves[0].timeSec).toBe(NOW_SEC - 5);
    });

    it('takes a line without a timestamp at the current second', () => {
      expect(parseLineProtocol('mem,host=a used_percent=1', 'ns', NOW_SEC + 0.75, 10).halves[0].timeSec).toBe(NOW_SEC);
    });

    it('records a timestamp up to 60 s ahead as now', () => {
      expect(parse(`mem,host=a used_percent=1 ${NOW_SEC + 60}`, 's').halves[0].timeSec).toBe(NOW_SEC);
    });
  });

  it('skips blank lines, leading spaces and # comments, and reads strings with spaces, commas and escaped quotes', () => {
    const text = `\n# a comment\n   mem,host=a used_percent=3,note="x, \\"y\\" z" ${TS_NS}\r\n\r\nweather,city=New\\ York temp=1.5,label="a=b"\n`;
    expect(parse(text)).toEqual({
      halves: [{ host: 'a', kind: 'mem', timeSec: NOW_SEC - 10, load: 3, intervalSec: 0 }],
      ignored: { ...IGNORED_NONE, measurement: 1 },
    });
  });

  describe('when a line is invalid', () => {
    it.each([
      ['no host tag', `cpu,cpu=cpu-total usage_idle=1 ${TS_NS}`, 'line 1: a cpu cpu-total line needs a host tag'],
      ['a bad host', `mem,host=web_01.. used_percent=1`, `line 1: host tag: host must not contain an empty label ('..'), got "web_01.."`],
      [
        'a host with an escaped space',
        'mem,host=web\\ 01 used_percent=1',
        `line 1: host tag: host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got "web 01"`,
      ],
      ['no usage_idle', `cpu,cpu=cpu-total,host=a usage_user=1`, 'line 1: a cpu cpu-total line needs the usage_idle field'],
      ['no used_percent', `mem,host=a used=1i`, 'line 1: a mem line needs the used_percent field'],
      ['a load over 100', `mem,host=a used_percent=100.5`, 'line 1: used_percent must be a number from 0 to 100, got "100.5"'],
      ['a string load', `mem,host=a used_percent="12"`, `line 1: used_percent must be a number from 0 to 100, got "\\"12\\""`],
      ['a boolean idle', `cpu,cpu=cpu-total,host=a usage_idle=t`, 'line 1: usage_idle must be a number from 0 to 100, got "t"'],
      ['no field set', `mem,host=a`, 'line 1: field set is missing (measurement,tags field=value timestamp)'],
      ['a tag without value', `mem,host used_percent=1`, 'line 1: tag "host" has no value (key=value)'],
      ['an empty tag value', `mem,host= used_percent=1`, 'line 1: tag "host" has an empty value'],
      ['a field without value', `mem,host=a used_percent`, 'line 1: field "used_percent" has no value (key=value)'],
      ['an empty field value', `mem,host=a used_percent=,x=1`, 'line 1: field "used_percent" has an empty value'],
      ['an open string', `disk,host=a label="abc`, 'line 1: field "label" has an unterminated string value'],
      ['no measurement', `,host=a x=1`, 'line 1: measurement name is missing'],
      ['a bad timestamp', `disk,host=a x=1 12:00`, 'line 1: timestamp must be an integer, got "12:00"'],
      [
        'a timestamp in seconds read as ns',
        `mem,host=a used_percent=1 ${NOW_SEC}`,
        `line 1: timestamp is older than the last_day window (the current hour and the 23 before it) at precision=ns, got ${NOW_SEC}`,
      ],
      [
        'a timestamp 61 s ahead',
        `mem,host=a used_percent=1 ${NOW_SEC + 61}000000000`,
        `line 1: timestamp is more than 60 s in the future at precision=ns (is it in another unit?), got ${NOW_SEC + 61}000000000`,
      ],
    ])('rejects %s, naming the line', (_what, line, message) => {
      expect(errorOf(() => parse(line))).toEqual({ status: 400, message: `${message}; nothing was recorded` });
    });

    it('names the first bad line (counting blank ones, from 1) and how many more there are', () => {
      const text = `mem,host=a used_percent=1\n\nmem used_percent=1\nmem,host=b used_percent=1\nfoo\nbar`;
      expect(errorOf(() => parse(text))).toEqual({
        status: 400,
        message: 'line 3: a mem line needs a host tag (and 2 more invalid lines); nothing was recorded',
      });
    });
  });

  it('throws TooManyEntriesError past the line limit, comments not counted', () => {
    expect(parse('# c\nx a=1\ny a=1', 'ns', 2).halves).toEqual([]);
    expect(() => parse('x a=1\ny a=1\nz a=1', 'ns', 2)).toThrow(new TooManyEntriesError(2, 'line'));
  });
});
