/*
 * Random strings and values at every request parser (decimal, load, host, time, mode, fill,
 * a whole sample): each either returns a value inside its contract or throws a 400 error
 * (InvalidInputError, or HttpError 400 for mode and fill) with one of its documented messages, showing the value it refused (show-value.ts). Never another exception, never a value outside
 * the contract. Fixed seed and bounded runs, so a failure replays exactly.
 */
import fc from 'fast-check';
import { parseDecimal } from '../../src/ingest/decimal';
import { HttpError } from '../../src/http/errors';
import { showValue } from '../../src/ingest/show-value';
import { parseFill, parseMode } from '../../src/http/validate';
import { parseHost } from '../../src/ingest/host';
import { InvalidInputError } from '../../src/ingest/invalid-input';
import { parseIsoSeconds, parseLoad, parseSample, parseTime } from '../../src/ingest/sample';
import { LONGEST, MODES, windowStart } from '../../src/store/modes';
import { bucketStart } from '../../src/store/time';

const SEED = 20261127;
const RUNS = 2_000;
const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;

/** Strings of every kind: any code point, ASCII, and ones built from the characters parsers care about. */
function text(alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 30 }),
  );
}

const NUMERIC_TEXT = text('0123456789+-.eE xX_,');
const HOST_TEXT = text('aZ09.-_ /%é:');
const TIME_TEXT = fc.oneof(
  text('0123456789-:+.TZtz '),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

/** Anything a form or JSON body can put in a field. */
const FIELD_VALUE = fc.oneof(fc.jsonValue(), NUMERIC_TEXT, fc.array(NUMERIC_TEXT, { maxLength: 3 }), fc.constant(undefined));

/** Runs `parse`; returns its value, or the message of the 400 it threw (http/errors.ts answers InvalidInputError with 400). */
function outcome<T>(parse: () => T): { value: T } | { error: string } {
  try {
    return { value: parse() };
  } catch (err) {
    if (!(err instanceof InvalidInputError) && !(err instanceof HttpError && err.status === 400)) throw err;
    return { error: err.message };
  }
}

function check(property: fc.IProperty<[unknown]> | fc.IProperty<unknown[]>): void {
  fc.assert(property, { seed: SEED, numRuns: RUNS });
}

// The grammar parseDecimal implements, written independently as a regular expression.
const DECIMAL_REFERENCE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

describe('parsers under random input', () => {
  it('parseDecimal accepts exactly the decimal grammar, with the value Number() gives', () => {
    check(
      fc.property(NUMERIC_TEXT, (raw) => {
        const value = parseDecimal(raw);
        if (DECIMAL_REFERENCE.test(raw)) expect(value).toBe(Number(raw));
        else expect(value).toBeNaN();
      }),
    );
  });

  it('parseLoad returns a number from 0 to 100 or a 400 naming the field', () => {
    check(
      fc.property(FIELD_VALUE, (raw) => {
        const result = outcome(() => parseLoad(raw, 'cpuload'));
        if ('value' in result) {
          expect(result.value).toBeGreaterThanOrEqual(0);
          expect(result.value).toBeLessThanOrEqual(100);
          expect(Object.is(result.value, -0)).toBe(false);
        } else {
          const shown = `, got ${showValue(raw)}`;
          expect([
            'cpuload is required',
            `cpuload must be sent once${shown}`,
            `cpuload must be a decimal number from 0 to 100${shown}`,
          ]).toContain(result.error);
        }
      }),
    );
  });

  it('parseHost returns the lower-cased name within the host grammar, or a 400', () => {
    check(
      fc.property(fc.oneof(HOST_TEXT, fc.jsonValue()), (raw) => {
        const result = outcome(() => parseHost(raw));
        if ('value' in result) {
          expect(result.value).toBe((raw as string).toLowerCase());
          expect(result.value).toMatch(/^[a-z0-9][a-z0-9._-]{0,252}$/);
          expect(result.value).not.toMatch(/\.\.|\.$/);
        } else {
          expect(
            [
              "host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit",
              "host must not contain an empty label ('..')",
              "host must not end with '.' (an empty label)",
            ].map((rule) => `${rule}, got ${showValue(raw)}`),
          ).toContain(result.error);
        }
      }),
    );
  });

  it('parseIsoSeconds gives NaN or the instant Date.parse gives for the same text', () => {
    check(
      fc.property(TIME_TEXT, (raw) => {
        const sec = parseIsoSeconds(raw);
        if (!Number.isNaN(sec)) expect(sec * 1000).toBeCloseTo(Date.parse(raw), 0);
      }),
    );
  });

  it('parseTime returns a time inside the day window and not after now, or a 400 about the time', () => {
    const oldestSec = windowStart(LONGEST, NOW_SEC);
    check(
      fc.property(fc.oneof(TIME_TEXT, NUMERIC_TEXT, FIELD_VALUE, fc.double()), (raw) => {
        const result = outcome(() => parseTime(raw, NOW_SEC));
        if ('value' in result) {
          expect(bucketStart(result.value, LONGEST.bucketSeconds)).toBeGreaterThanOrEqual(oldestSec);
          expect(result.value).toBeLessThanOrEqual(NOW_SEC);
        } else {
          expect(result.error).toMatch(/^time /);
          expect(result.error.endsWith(`, got ${showValue(raw)}`)).toBe(true);
        }
      }),
    );
  });

  it('parseMode and parseFill accept their few words and refuse the rest with a 400', () => {
    check(
      fc.property(fc.oneof(text('last_minutehoudayrefs01'), fc.jsonValue()), (raw) => {
        const mode = outcome(() => parseMode(raw));
        const shown = `, got ${showValue(raw)}`;
        expect(
          'value' in mode ? MODES.includes(mode.value) : mode.error === `mode must be one of last_minute, last_hour, last_day${shown}`,
        ).toBe(true);
        const fill = outcome(() => parseFill(raw));
        expect('value' in fill ? typeof fill.value === 'boolean' : fill.error === `fill must be true or false${shown}`).toBe(true);
      }),
    );
  });

  it('parseSample returns a sample inside its contract or a 400 about one of its fields', () => {
    const fields = fc.record(
      { cpuload: FIELD_VALUE, memload: FIELD_VALUE, time: fc.oneof(TIME_TEXT, FIELD_VALUE), extra: fc.jsonValue() },
      { requiredKeys: [] },
    );
    check(
      fc.property(fields, (raw) => {
        const result = outcome(() => parseSample(raw as Record<string, unknown>, NOW_SEC));
        if ('value' in result) {
          const { cpuLoad, memLoad, timeSec } = result.value;
          expect([cpuLoad >= 0 && cpuLoad <= 100, memLoad >= 0 && memLoad <= 100, timeSec <= NOW_SEC]).toEqual([true, true, true]);
        } else {
          expect(result.error).toMatch(/^(cpuload|memload|time) /);
        }
      }),
    );
  });
});
