import { parseIsoSeconds, parseLoad, parseTime } from '../../src/ingest/sample';
import { errorOf } from '../helpers/input-error';

const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;

describe('parseLoad', () => {
  it('accepts JSON numbers at both ends of the range', () => {
    expect(parseLoad(0, 'cpuload')).toBe(0);
    expect(parseLoad(100, 'cpuload')).toBe(100);
  });

  it('turns -0 into 0', () => {
    expect(Object.is(parseLoad('-0', 'memload'), 0)).toBe(true);
  });

  it.each([
    [-0.001, '-0.001'],
    [100.001, '100.001'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [true, 'true'],
    [null, 'null'],
    [{}, '{}'],
    ['1e3', '"1e3"'],
    ['5%', '"5%"'],
  ])('rejects %p, showing it as %s', (raw, shown) => {
    expect(errorOf(() => parseLoad(raw, 'memload'))).toEqual({
      status: 400,
      message: `memload must be a decimal number from 0 to 100, got ${shown}`,
    });
  });

  it('names a missing field without a value', () => {
    expect(errorOf(() => parseLoad(undefined, 'cpuload'))).toEqual({ status: 400, message: 'cpuload is required' });
  });

  it('rejects a field sent twice', () => {
    expect(errorOf(() => parseLoad(['1', '2'], 'cpuload'))).toEqual({ status: 400, message: 'cpuload must be sent once, got ["1","2"]' });
  });
});

describe('parseIsoSeconds', () => {
  it.each([
    ['2026-11-27T14:05:00Z', Date.UTC(2026, 10, 27, 14, 5, 0) / 1000],
    ['2026-11-27t14:05:00z', Date.UTC(2026, 10, 27, 14, 5, 0) / 1000],
    ['2026-11-27T14:05Z', Date.UTC(2026, 10, 27, 14, 5, 0) / 1000],
    ['2026-11-27T14:05:00.25Z', Date.UTC(2026, 10, 27, 14, 5, 0) / 1000 + 0.25],
    ['2026-11-27T15:05:00+01:00', Date.UTC(2026, 10, 27, 14, 5, 0) / 1000],
    ['2026-11-27T09:35:00-04:30', Date.UTC(2026, 10, 27, 14, 5, 0) / 1000],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29) / 1000],
    // Years 0-99 are those years, not 1900-1999 as Date.UTC would read them (found by fuzzing).
    ['0099-12-31T23:59:59Z', Date.parse('0099-12-31T23:59:59Z') / 1000],
    ['0000-02-29T00:00:00Z', Date.parse('0000-02-29T00:00:00Z') / 1000],
  ])('reads %s', (text, sec) => {
    expect(parseIsoSeconds(text)).toBe(sec);
  });

  it.each([
    '2026-11-27T14:05:00', // no zone
    '2026-11-27 14:05:00Z',
    '2026-11-27',
    '2026-13-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T14:60:00Z',
    '2026-11-27T14:05:60Z',
    '2026-11-27T14:05:00+0100',
    '2026-11-27T14:05:00+24:00',
    'yesterday',
  ])('rejects %s', (text) => {
    expect(parseIsoSeconds(text)).toBeNaN();
  });
});

describe('parseTime', () => {
  it('uses now when the time is absent', () => {
    expect(parseTime(undefined, NOW_SEC)).toBe(NOW_SEC);
  });

  it('reads epoch seconds as a number or a string, fractions kept', () => {
    expect(parseTime(NOW_SEC - 10.5, NOW_SEC)).toBe(NOW_SEC - 10.5);
    expect(parseTime(String(NOW_SEC - 10), NOW_SEC)).toBe(NOW_SEC - 10);
  });

  it('counts a time up to 60 s ahead as now', () => {
    expect(parseTime(NOW_SEC + 60, NOW_SEC)).toBe(NOW_SEC);
  });

  it('rejects a time more than 60 s ahead, hinting at milliseconds', () => {
    const message = 'time is more than 60 s in the future; it must be epoch seconds (epoch milliseconds are too far in the future)';
    expect(errorOf(() => parseTime(NOW_SEC + 60.001, NOW_SEC))).toEqual({ status: 400, message: `${message}, got ${NOW_SEC + 60.001}` });
    expect(errorOf(() => parseTime(String(NOW_SEC * 1000), NOW_SEC))).toEqual({
      status: 400,
      message: `${message}, got "${NOW_SEC * 1000}"`,
    });
  });

  it('accepts the first second of the oldest hour of the day window and rejects the second before it', () => {
    const oldestHourSec = Date.UTC(2026, 10, 26, 15, 0, 0) / 1000;
    expect(parseTime(oldestHourSec, NOW_SEC)).toBe(oldestHourSec);
    expect(errorOf(() => parseTime(oldestHourSec - 1, NOW_SEC))).toEqual({
      status: 400,
      message: `time is older than the last_day window (the current hour and the 23 before it), got ${oldestHourSec - 1}`,
    });
  });

  it.each(['', 'abc', 'NaN', 'Infinity', '2026-11-27T14:05:00', true, null, {}])('rejects %p naming both formats', (raw) => {
    expect(errorOf(() => parseTime(raw, NOW_SEC))).toEqual({
      status: 400,
      message: `time must be epoch seconds or an ISO-8601 date-time with a zone (Z or ±hh:mm), got ${JSON.stringify(raw)}`,
    });
  });

  it('rejects a time sent twice', () => {
    expect(errorOf(() => parseTime(['1', '2'], NOW_SEC))).toEqual({ status: 400, message: 'time must be sent once, got ["1","2"]' });
  });
});
