import fc from 'fast-check';
import { nearestRank } from '../../src/fleet/percentile';

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
});
