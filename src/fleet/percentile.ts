/*
 * Nearest-rank percentiles: of n values sorted ascending, percentile p is the value at rank
 * ⌈p/100 × n⌉ (1-based), always one of the values themselves. Found by selection
 * (quickselect, in place) rather than a sort: O(n) for each rank instead of O(n log n), and
 * each later, higher rank searches only the part above the previous one.
 */

/** The values at ranks ⌈p/100 × n⌉ for each p of `percentiles` (ascending). Reorders `values`. */
export function nearestRank(values: Float64Array, percentiles: readonly number[]): number[] {
  const n = values.length;
  const found: number[] = [];
  let from = 0;
  for (const p of percentiles) {
    // p × n is an integer, so the division is exact whenever the rank is a whole number.
    const index = Math.max(1, Math.ceil((p * n) / 100)) - 1;
    select(values, from, n - 1, index);
    found.push(values[index]);
    from = index;
  }
  return found;
}

/** Rearranges values[left..right] so that values[k] is what a sort would put there, smaller ones before it, larger after. */
function select(values: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    // Median of three as the pivot: sorted or reversed input stays linear.
    const middle = (left + right) >> 1;
    if (values[middle] < values[left]) swap(values, middle, left);
    if (values[right] < values[left]) swap(values, right, left);
    if (values[right] < values[middle]) swap(values, right, middle);
    const pivot = values[middle];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(values: Float64Array, i: number, j: number): void {
  const held = values[i];
  values[i] = values[j];
  values[j] = held;
}
