import { parseDecimal } from '../../src/ingest/decimal';

describe('parseDecimal', () => {
  it.each([
    ['12', 12],
    ['12.5', 12.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e1', 10],
    ['1E+1', 10],
    ['2.5e-1', 0.25],
    ['0', 0],
    ['100', 100],
    ['007', 7],
    ['+3', 3],
    ['-3', -3],
  ])('reads %j as %p', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each([
    '',
    'abc',
    '12abc',
    'NaN',
    'Infinity',
    '-Infinity',
    'inf',
    '0x10',
    '0b1',
    '1,5',
    '.',
    '1e',
    '1e+',
    'e1',
    ' 1',
    '1 ',
    '+',
    '-',
    '1.2.3',
    '1e1.5',
    '١',
  ])('rejects %j', (text) => {
    expect(parseDecimal(text)).toBeNaN();
  });

  it('scans a long hostile string in one pass', () => {
    expect(parseDecimal('1'.repeat(100_000) + 'x')).toBeNaN();
  });
});
