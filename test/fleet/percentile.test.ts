import fc from 'fast-check';
import { HISTOGRAM_FROM, nearestRank } from '../../src/fleet/percentile';

describe('nearestRank', () => {
  it.each([
    [[5], [5, 5, 5]],
    [
      [3, 1],
      [1, 3, 3],
    ],
    [
      [30, 10, 20],
      [20, 30, 30],
    ],
    [
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [5, 9, 10],
    ], // ranks ⌈5⌉, ⌈9⌉, ⌈9.9⌉
    [
      [7, 7, 7, 1, 7],
      [7, 7, 7],
    ],
  ])('of %p at 50, 90, 99 is %p', (values, expected) => {
    expect(nearestRank(Float64Array.from(values), [50, 90, 99])).toEqual(expected);
  });

  it('picks what a sort would put at each rank, whatever the order and the duplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const expected = [50, 90, 99].map((p) => sorted[Math.ceil((p * sorted.length) / 100) - 1]);
        expect(nearestRank(Float64Array.from(values), [50, 90, 99])).toEqual(expected);
      }),
    );
  });

  describe(`from ${HISTOGRAM_FROM} values on (a histogram narrows the search)`, () => {
    const many = (value: fc.Arbitrary<number>): fc.Arbitrary<number[]> =>
      fc.array(value, { minLength: HISTOGRAM_FROM, maxLength: 3 * HISTOGRAM_FROM });
    const expectSortedRanks = (values: number[]): void => {
      const sorted = [...values].sort((a, b) => a - b);
      const expected = [1, 50, 90, 99, 100].map((p) => sorted[Math.ceil((p * sorted.length) / 100) - 1]);
      expect(nearestRank(Float64Array.from(values), [1, 50, 90, 99, 100])).toEqual(expected);
    };

    it('picks what a sort would put at each rank, for loads of any precision', () => {
      fc.assert(fc.property(many(fc.double({ min: 0, max: 100, noNaN: true })), expectSortedRanks), { numRuns: 30 });
    });

    it('picks what a sort would put at each rank when most values share a bin or one value', () => {
      const clustered = fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(50, 50.000000001, 49.999999999) },
        { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
      );
      fc.assert(fc.property(many(clustered), expectSortedRanks), { numRuns: 30 });
    });

    it('answers the one value when every value is the same', () => {
      expect(nearestRank(new Float64Array(HISTOGRAM_FROM).fill(42.5), [50, 90, 99])).toEqual([42.5, 42.5, 42.5]);
    });

    it('falls back to plain selection when the spread overflows', () => {
      const values = new Float64Array(HISTOGRAM_FROM).fill(1);
      values[0] = -Number.MAX_VALUE;
      values[1] = Number.MAX_VALUE;
      expect(nearestRank(values, [0.01, 50, 100])).toEqual([-Number.MAX_VALUE, 1, Number.MAX_VALUE]);
    });
  });
});
