import { parseFill, parseMode } from '../../src/http/validate';
import { errorOf } from '../helpers/input-error';

describe('parseMode', () => {
  it.each(['last_minute', 'last_hour', 'last_day'])('accepts %s', (mode) => {
    expect(parseMode(mode)).toBe(mode);
  });

  it.each(['last_week', 'LAST_DAY', 'toString', '__proto__'])('rejects %j listing the valid modes', (mode) => {
    expect(errorOf(() => parseMode(mode))).toEqual({
      status: 400,
      message: `mode must be one of last_minute, last_hour, last_day, got ${JSON.stringify(mode)}`,
    });
  });
});

describe('parseFill', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
    ['', true],
  ])('reads %p as %p', (raw, fill) => {
    expect(parseFill(raw)).toBe(fill);
  });

  it.each([
    ['yes', '"yes"'],
    [['true', 'true'], '["true","true"]'],
  ])('rejects %p, showing it as %s', (raw, shown) => {
    expect(errorOf(() => parseFill(raw))).toEqual({ status: 400, message: `fill must be true or false, got ${shown}` });
  });
});
