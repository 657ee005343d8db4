/*
 * The byte scanner against JSON.parse: for every body, scanCollectdJson either answers
 * undefined (the caller then runs parseCollectdJson) or exactly what parseCollectdJson
 * answers for the same bytes decoded as utf-8 (halves, ignored counts, -0 told from 0), and
 * never answers for a body parseCollectdJson refuses. Fixed corner cases, then random bodies
 * built from real-looking value lists with random mutations (fixed seed, so a failure replays).
 */
import fc from 'fast-check';
import { AgentBatch } from '../../src/ingest/agent-batch';
import { parseCollectdJson } from '../../src/ingest/collectd';
import { scanCollectdJson } from '../../src/ingest/collectd-json-scan';

/** 2026-11-27T14:05:30Z */
const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;
const T = NOW_SEC - 10.25;
const MAX_VALUE_LISTS = 1_000;
const SEED = 20261203;
const RUNS = 400;

/** What parseCollectdJson makes of the bytes, as the route decodes them. */
function reference(bytes: Buffer, maxValueLists = MAX_VALUE_LISTS): { batch: AgentBatch } | { error: string } {
  try {
    return { batch: parseCollectdJson(new TextDecoder('utf-8').decode(bytes), NOW_SEC, maxValueLists) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Checks the contract on one body; true when the scanner answered (the fast path was taken). */
function agrees(text: string | Buffer, maxValueLists = MAX_VALUE_LISTS): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const scanned = scanCollectdJson(bytes, NOW_SEC, maxValueLists);
  if (scanned === undefined) return false;
  expect(reference(bytes, maxValueLists)).toEqual({ batch: scanned });
  return true;
}

/** A value list laid out as collectd's utils_format_json.c writes it. */
function collectdText(
  host: string,
  plugin: string,
  type: string,
  typeInstance: string,
  values: string,
  time = T.toFixed(3),
  pluginInstance = '',
): string {
  const count = values.split(',').length;
  const gauges = Array.from({ length: count }, () => '"gauge"').join(',');
  const names = count === 1 ? '"value"' : '"shortterm","midterm","longterm"'.split(',').slice(0, count).join(',');
  return (
    `{"values":[${values}],"dstypes":[${gauges}],"dsnames":[${names}],"time":${time},"interval":10.000,` +
    `"host":"${host}","plugin":"${plugin}","plugin_instance":"${pluginInstance}","type":"${type}","type_instance":"${typeInstance}"}`
  );
}

/** A read as collectd 5.12 sent it to a capture server (times moved to T), load plugin included. */
const REAL_READ = [
  collectdText('web-01', 'memory', 'percent', 'used', '3.05705501221127'),
  collectdText('web-01', 'memory', 'percent', 'buffered', '0.189452529023541'),
  collectdText('web-01', 'cpu', 'percent', 'user', '91.5422885572139'),
  collectdText('web-01', 'cpu', 'percent', 'wait', '0'),
  collectdText('web-01', 'cpu', 'percent', 'idle', '0'),
  collectdText('web-01', 'load', 'load', '', '2.8837890625,4.6259765625,4.2138671875'),
];
const REAL_BODY = `[${REAL_READ.join(',')}]`;

describe('scanCollectdJson', () => {
  describe('on the bodies collectd sends', () => {
    it('answers what parseCollectdJson answers for a real read', () => {
      expect(agrees(REAL_BODY)).toBe(true);
      expect(scanCollectdJson(Buffer.from(REAL_BODY), NOW_SEC, MAX_VALUE_LISTS)).toEqual({
        halves: [
          { host: 'web-01', kind: 'mem', timeSec: T, load: 3.05705501221127, intervalSec: 10 },
          { host: 'web-01', kind: 'cpu', timeSec: T, load: 100, intervalSec: 10 },
        ],
        ignored: { measurement: 0, per_core: 0, plugin: 4, undefined: 0 },
      });
    });

    it('counts a U value (null) as undefined', () => {
      const body = `[${collectdText('web-01', 'cpu', 'percent', 'idle', 'null')}]`;
      expect(agrees(body)).toBe(true);
      expect(scanCollectdJson(Buffer.from(body), NOW_SEC, MAX_VALUE_LISTS)?.ignored.undefined).toBe(1);
    });

    it('counts per-core and other instances as ignored (ReportByCpu true)', () => {
      const body = `[${collectdText('web-01', 'cpu', 'percent', 'idle', '50', T.toFixed(3), '0')},${collectdText('web-01', 'memory', 'percent', 'used', '50', T.toFixed(3), 'x')}]`;
      expect(agrees(body)).toBe(true);
      expect(scanCollectdJson(Buffer.from(body), NOW_SEC, MAX_VALUE_LISTS)?.ignored.plugin).toBe(2);
    });

    it('answers for the bench body (JSON.stringify of value lists) and an empty array', () => {
      const lists = [
        {
          values: [17.5],
          dstypes: ['gauge'],
          dsnames: ['value'],
          time: T,
          interval: 10,
          host: 'Host-7',
          plugin: 'cpu',
          plugin_instance: '',
          type: 'percent',
          type_instance: 'idle',
        },
        {
          values: [40],
          dstypes: ['gauge'],
          dsnames: ['value'],
          time: T,
          interval: 10,
          host: 'Host-7',
          plugin: 'memory',
          plugin_instance: '',
          type: 'percent',
          type_instance: 'used',
        },
      ];
      expect(agrees(JSON.stringify(lists))).toBe(true);
      expect(agrees('[]')).toBe(true);
      expect(agrees(' \r\n\t[ ]\n')).toBe(true);
    });
  });

  describe('on JSON laid out otherwise, which it still reads', () => {
    it.each([
      [
        'keys in another order',
        `[{"type_instance":"idle","type":"percent","plugin":"cpu","host":"web-01","interval":10,"time":${T},"values":[12]}]`,
      ],
      [
        'whitespace everywhere',
        `[ {\n "values" : [ 12 ] ,\t"time" : ${T} , "host" : "web-01" , "plugin" : "cpu" , "type" : "percent" , "type_instance" : "idle" } ]`,
      ],
      [
        'no plugin_instance, type_instance or interval',
        `[{"values":[12],"time":${T},"host":"web-01","plugin":"memory","type":"percent","type_instance":"used"},{"values":[1],"time":${T},"host":"a","plugin":"cpu","type":"percent"}]`,
      ],
      [
        'a repeated key (the last wins)',
        `[{"values":[12],"values":[13],"time":1,"time":${T},"host":"x","host":"web-01","plugin":"memory","type":"percent","type_instance":"free","type_instance":"used"}]`,
      ],
      [
        'a meta object and nested values',
        `[{"values":[12],"time":${T},"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle","meta":{"network:received":true,"a":[[],{},[null,false,-1.5e3]]}}]`,
      ],
      [
        'U values (null) and null elsewhere',
        `[{"values":[null],"time":${T},"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle","dsnames":null}]`,
      ],
      [
        'ignored lists of any shape',
        `[{"plugin":"load","type":"load","values":"x","time":"y","host":7,"interval":null},{"plugin":"cpu","type":"percent","type_instance":"user","values":[],"host":null}]`,
      ],
      ['an empty value list is still refused', '[{}]'],
    ])('%s', (_name, body) => {
      expect(agrees(body)).toBe(!body.includes('{}]'));
    });

    it.each([
      ['0', 0],
      ['-0', -0],
      ['12', 12],
      ['1.5', 1.5],
      ['0.189452529023541', 0.189452529023541],
      ['1E1', 10],
      ['1e+1', 10],
      ['2.5e-1', 0.25],
      ['-0.0', -0],
      ['99.99999999999999999999', 100],
      ['12345678901234567890e-18', 12.345678901234567],
      ['0.1000000000000000055511151231257827', 0.1],
      // 18 digits: summing them in a double and dividing would round twice, and miss by one unit.
      ['55.5523286070543748', Number('55.5523286070543748')],
      ['83.4855512682834030', Number('83.4855512682834030')],
    ])('reads the number %s as JSON.parse does', (text, value) => {
      const body = `[${collectdText('web-01', 'memory', 'percent', 'used', text)}]`;
      const expected = reference(Buffer.from(body));
      expect(agrees(body)).toBe(true);
      if ('batch' in expected && expected.batch.halves.length === 1) expect(expected.batch.halves[0].load).toBe(value + 0);
      const time = `[${collectdText('web-01', 'memory', 'percent', 'used', '50', `${NOW_SEC - 20}${text.replace(/^-?\d+/, '')}`)}]`;
      agrees(time);
    });
  });

  describe('on what it leaves to JSON.parse', () => {
    it.each([
      [
        'an escape in a string',
        `[{"values":[12],"time":${T},"host":"web\\u002d01","plugin":"cpu","type":"percent","type_instance":"idle"}]`,
      ],
      ['an escaped key', `[{"values":[12],"time":${T},"h\\u006fst":"web-01","plugin":"cpu","type":"percent","type_instance":"idle"}]`],
      [
        'non-ASCII in an ignored string',
        `[{"values":[12],"time":${T},"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle","meta":"héllo ☃"}]`,
      ],
      ['a byte order mark', `\uFEFF${REAL_BODY}`],
      [
        'a list nested deeper than the scanner goes',
        `[{"values":[12],"time":${T},"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle","meta":${'['.repeat(40)}${']'.repeat(40)}}]`,
      ],
    ])('%s: falls back, and JSON.parse reads it', (_name, body) => {
      expect(agrees(body)).toBe(false);
      expect(reference(Buffer.from(body))).toHaveProperty('batch');
    });

    it.each([
      ['not an array', '{"values":[1]}'],
      ['a value list that is not an object', '[1]'],
      ['more value lists than the limit', `[${REAL_READ.join(',')}]`, 5],
      ['a missing plugin', `[{"values":[12],"time":${T},"host":"web-01","type":"percent"}]`],
      ['a plugin that is not a string', `[{"values":[12],"plugin":5,"type":"percent"}]`],
      ['a null type_instance', `[{"values":[12],"plugin":"cpu","type":"percent","type_instance":null}]`],
      ['two values', `[${collectdText('web-01', 'cpu', 'percent', 'idle', '1,2')}]`],
      ['a string value', `[{"values":["12"],"time":${T},"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle"}]`],
      ['a time out of the window', `[${collectdText('web-01', 'cpu', 'percent', 'idle', '12', '1000.5')}]`],
      ['a time that is a string', `[{"values":[12],"time":"${T}","host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle"}]`],
      [
        'a zero interval',
        `[{"values":[12],"time":${T},"interval":0,"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle"}]`,
      ],
      [
        'a null interval',
        `[{"values":[12],"time":${T},"interval":null,"host":"web-01","plugin":"cpu","type":"percent","type_instance":"idle"}]`,
      ],
      ['a load over 100', `[${collectdText('web-01', 'memory', 'percent', 'used', '100.5')}]`],
      ['a bad host', `[${collectdText('web 01', 'memory', 'percent', 'used', '10')}]`],
      ['a missing host', `[{"values":[12],"time":${T},"plugin":"cpu","type":"percent","type_instance":"idle"}]`],
      ['a control character in a string', `[{"values":[12],"time":${T},"host":"web-01\t","plugin":"load","type":"load"}]`],
      ['a leading zero', `[${collectdText('web-01', 'load', 'load', '', '012')}]`],
      ['a bare dot', `[${collectdText('web-01', 'load', 'load', '', '1.')}]`],
      ['an exponent without digits', `[${collectdText('web-01', 'load', 'load', '', '1e')}]`],
      ['a plus sign', `[${collectdText('web-01', 'load', 'load', '', '+1')}]`],
      ['NaN', `[${collectdText('web-01', 'load', 'load', '', 'NaN')}]`],
      ['a trailing comma', `[${REAL_READ[0]},]`],
      ['text after the array', `${REAL_BODY} x`],
      ['two arrays', `${REAL_BODY}${REAL_BODY}`],
      ['only whitespace', ' \n'],
      ['nothing', ''],
    ])('%s: answers nothing, and parseCollectdJson refuses it', (_name, body, limit = MAX_VALUE_LISTS) => {
      expect(scanCollectdJson(Buffer.from(body), NOW_SEC, limit)).toBeUndefined();
      expect(reference(Buffer.from(body), limit)).toHaveProperty('error');
    });

    it('refuses REAL_BODY cut at every byte, and with any byte dropped, as JSON.parse does', () => {
      for (let cut = 0; cut < REAL_BODY.length; cut++) {
        expect(agrees(REAL_BODY.slice(0, cut))).toBe(false);
        agrees(REAL_BODY.slice(0, cut) + REAL_BODY.slice(cut + 1));
      }
    });
  });

  describe('on random bodies from real-looking value lists, mutated', () => {
    const word = (words: string[]) => fc.constantFrom(...words);
    const number = fc.oneof(
      fc.double({ min: -10, max: 110, noNaN: true }).map((n) => JSON.stringify(n)),
      fc.integer({ min: 0, max: 100 }).map(String),
      fc.constantFrom('null', '0', '-0', '1e2', '1E-2', '100.0000000001', '99.99999999999999999', '1.5e+1'),
    );
    interface RandomList {
      values: string;
      time: string;
      interval: string;
      host: string;
      plugin: string;
      type: string;
      type_instance: string;
      plugin_instance: string;
      layout: 'collectd' | 'shuffled' | 'spaced' | 'meta' | 'missing';
      order: number[];
    }
    const valueList: fc.Arbitrary<RandomList> = fc.record({
      values: fc.oneof(
        { arbitrary: number, weight: 8 },
        fc.array(number, { minLength: 0, maxLength: 3 }).map((n) => n.join(',')),
      ),
      // Mostly valid, so that whole bodies are accepted often enough to compare their halves.
      time: fc.oneof({ arbitrary: fc.constant(T.toFixed(3)), weight: 12 }, fc.constantFrom(String(NOW_SEC + 3_600), '1000', '"x"')),
      interval: fc.oneof({ arbitrary: fc.constantFrom('10.000', '1'), weight: 12 }, fc.constantFrom('0', '-1', 'null')),
      // Escapes and non-ASCII send the whole body to JSON.parse: rare, as in what collectd sends.
      host: fc.oneof(
        { arbitrary: word(['web-01', 'DB-02']), weight: 30 },
        { arbitrary: word(['web 01', '', '-x']), weight: 3 },
        { arbitrary: word(['h\\u00e9', 'é']), weight: 1 },
      ),
      // The loads half the time, any identifier the other half.
      plugin: fc.oneof({ arbitrary: word(['cpu', 'memory']), weight: 3 }, word(['load', 'df', 'CPU'])),
      type: fc.oneof({ arbitrary: fc.constant('percent'), weight: 5 }, word(['load', 'memory'])),
      type_instance: fc.oneof({ arbitrary: word(['idle', 'active', 'used']), weight: 3 }, word(['free', 'user', ''])),
      plugin_instance: fc.oneof({ arbitrary: fc.constant(''), weight: 8 }, word(['0', 'sda1'])),
      layout: fc.constantFrom('collectd', 'shuffled', 'spaced', 'meta', 'missing'),
      order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    });
    const render = (l: RandomList): string => {
      const members: [string, string][] = [
        ['values', `[${l.values}]`],
        ['dstypes', '["gauge"]'],
        ['dsnames', '["value"]'],
        ['time', l.time],
        ['interval', l.interval],
        ['host', `"${l.host}"`],
        ['plugin', `"${l.plugin}"`],
        ['plugin_instance', `"${l.plugin_instance}"`],
        ['type', `"${l.type}"`],
        ['type_instance', `"${l.type_instance}"`],
      ];
      if (l.layout === 'meta') members.push(['meta', '{"network:received":true,"n":[1,{"a":null}]}']);
      if (l.layout === 'missing') members.splice(l.order[0] % members.length, 1);
      if (l.layout === 'shuffled') members.sort((a, b) => (l.order[a[0].length % 8] % 7) - (l.order[b[0].length % 8] % 7));
      const sep = l.layout === 'spaced' ? ' , ' : ',';
      const colon = l.layout === 'spaced' ? ' :\n' : ':';
      return `{${members.map(([k, v]) => `"${k}"${colon}${v}`).join(sep)}}`;
    };
    const MUTATION_BYTES = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      ' ',
      '\n',
      '\t',
      '\u0001',
      '0',
      '9',
      '-',
      '.',
      'e',
      'n',
      'é',
      '\uFEFF',
    ];
    const mutation = fc.record({
      kind: fc.constantFrom('none', 'none', 'drop', 'insert', 'replace', 'cut'),
      at: fc.nat(),
      text: fc.constantFrom(...MUTATION_BYTES),
    });

    it('never disagrees with parseCollectdJson, and reads most unmutated bodies itself', () => {
      let unmutated = 0;
      let taken = 0;
      let withHalves = 0;
      fc.assert(
        fc.property(fc.array(valueList, { minLength: 0, maxLength: 8 }), mutation, (lists, m) => {
          let body = `[${lists.map(render).join(',')}]`;
          const at = body.length === 0 ? 0 : m.at % body.length;
          if (m.kind === 'drop') body = body.slice(0, at) + body.slice(at + 1);
          if (m.kind === 'insert') body = body.slice(0, at) + m.text + body.slice(at);
          if (m.kind === 'replace') body = body.slice(0, at) + m.text + body.slice(at + 1);
          if (m.kind === 'cut') body = body.slice(0, at);
          const fast = agrees(body);
          if (m.kind === 'none' && 'batch' in reference(Buffer.from(body))) {
            unmutated++;
            if (fast) taken++;
          }
          if (fast && (scanCollectdJson(Buffer.from(body), NOW_SEC, MAX_VALUE_LISTS)?.halves.length ?? 0) > 0) withHalves++;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      // The fast path must not be a path that is never taken: bodies parseCollectdJson accepts
      // are mostly the scanner's, and many of them carry loads.
      expect(unmutated).toBeGreaterThan(20);
      expect(taken / unmutated).toBeGreaterThan(0.5);
      expect(withHalves).toBeGreaterThan(20);
    });
  });
});
