import { HttpError } from '../../src/http/errors';
import { parseFill, parseMode } from '../../src/http/validate';

function errorOf(run: () => unknown): { status: number; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, message: err.message };
    throw err;
  }
  throw new Error('expected an HttpError');
}

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
