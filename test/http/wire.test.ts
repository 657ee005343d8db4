import { toWireNumber } from '../../src/http/wire';

describe('toWireNumber', () => {
  it.each([
    [0, 0],
    [100, 100],
    [0.15000000000000002, 0.15],
    [4 / 3, 1.33333333333],
    [200 / 3, 66.6666666667],
    [0.05 / 3, 0.0166666666667],
    [99.99999999999999, 100],
    [10 - 2 ** -49, 10], // the double just below 10
    [0.9999999999999999, 1],
    [1e-7 / 3, 3.33333333333e-8],
    [12.5, 12.5],
    [40.1, 40.1],
  ])('shows %p as %p (12 significant digits)', (value, shown) => {
    expect(toWireNumber(value)).toBe(shown);
  });

  it('keeps at most 12 significant digits, within half a unit of the 12th, over the load range', () => {
    for (let i = 0; i <= 100_000; i++) {
      const value = (i / 100_000) * 99 + 1 / 3;
      const shown = toWireNumber(value);
      const digits = String(shown).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      expect(digits.length).toBeLessThanOrEqual(12);
      const halfUnit = 0.5 * 10 ** (Math.floor(Math.log10(value)) - 11);
      expect(Math.abs(shown - value)).toBeLessThanOrEqual(halfUnit * (1 + 1e-6));
    }
  });
});
