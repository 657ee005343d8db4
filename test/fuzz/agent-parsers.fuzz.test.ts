/*
 * Random bodies at the agent parsers (line protocol, collectd JSON and commands): each either
 * returns halves inside the contract (a valid host, a kind, a load from 0 to 100, a time in
 * the window) or throws an InvalidInputError naming the first bad entry. Never another
 * exception. Fixed seed and bounded runs, so a failure replays exactly.
 */
import fc from 'fast-check';
import { AgentBatch } from '../../src/ingest/agent-batch';
import { parseCollectdCommands, parseCollectdJson } from '../../src/ingest/collectd';
import { InvalidInputError } from '../../src/ingest/invalid-input';
import { parseLineProtocol } from '../../src/ingest/line-protocol';
import { parseHost } from '../../src/ingest/host';
import { timeWindowProblem } from '../../src/ingest/sample';

const SEED = 20261203;
const RUNS = 2_000;
const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;

/** Lines made of the pieces these formats are built from, and plain noise. */
function body(pieces: string[]): fc.Arbitrary<string> {
  const line = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join(''));
  return fc.oneof(
    fc.array(line, { maxLength: 6 }).map((lines) => lines.join('\n')),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
}

const LINE_PROTOCOL = body([
  'cpu',
  'mem',
  'disk',
  ',',
  ' ',
  '=',
  '"',
  '\\',
  'host',
  'web-01',
  'cpu-total',
  'usage_idle',
  'used_percent',
  '12.5',
  '100',
  '-1',
  'i',
  't',
  `${NOW_SEC}000000000`,
  '#',
  '\r',
]);
const COMMANDS = body([
  'PUTVAL ',
  'web-01',
  '/',
  'cpu',
  'memory',
  '-',
  'percent',
  'idle',
  'used',
  ' ',
  'interval=10',
  `${NOW_SEC}`,
  ':',
  'N',
  'U',
  '42',
  '150',
  '"',
  '\r',
]);
const JSON_BODY = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .array(
      fc.record({
        values: fc.oneof(fc.constant([50]), fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string()), { maxLength: 2 })),
        time: fc.oneof(fc.constant(NOW_SEC - 1), fc.double(), fc.string()),
        interval: fc.oneof(fc.constant(10), fc.double()),
        host: fc.oneof(fc.constant('web-01'), fc.string()),
        plugin: fc.constantFrom('cpu', 'memory', 'load', ''),
        plugin_instance: fc.constantFrom('', '0'),
        type: fc.constantFrom('percent', 'memory'),
        type_instance: fc.constantFrom('idle', 'active', 'used', 'user'),
      }),
      { maxLength: 5 },
    )
    .map((lists) => JSON.stringify(lists)),
);

function checkContract(parse: () => AgentBatch): void {
  let batch: AgentBatch;
  try {
    batch = parse();
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    expect(err.message).toMatch(
      /^(line \d+|value list \d+): .+; nothing was recorded$|^request body is malformed JSON$|^a collectd JSON body must be an array/,
    );
    return;
  }
  for (const half of batch.halves) {
    expect(parseHost(half.host)).toBe(half.host);
    expect(['cpu', 'mem']).toContain(half.kind);
    expect(half.load >= 0 && half.load <= 100).toBe(true);
    expect(timeWindowProblem(half.timeSec, NOW_SEC)).toBeUndefined();
    expect(half.timeSec).toBeLessThanOrEqual(NOW_SEC);
  }
}

describe('agent parsers, fuzzed', () => {
  it('parseLineProtocol returns halves inside the contract or names the bad line', () => {
    fc.assert(
      fc.property(LINE_PROTOCOL, fc.constantFrom('ns', 'u', 'ms', 's' as const), (text, precision) =>
        checkContract(() => parseLineProtocol(text, precision, NOW_SEC, 1_000)),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('parseCollectdCommands returns halves inside the contract or names the bad line', () => {
    fc.assert(
      fc.property(COMMANDS, (text) => checkContract(() => parseCollectdCommands(text, NOW_SEC, 1_000))),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('parseCollectdJson returns halves inside the contract or names the bad value list', () => {
    fc.assert(
      fc.property(JSON_BODY, (text) => checkContract(() => parseCollectdJson(text, NOW_SEC, 1_000))),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
