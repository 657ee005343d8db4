/*
 * Nearest-rank percentiles: of n values sorted ascending, percentile p is the value at rank
 * ⌈p/100 × n⌉ (1-based), always one of the values themselves. Found by selection rather
 * than a sort:
 *
 *   few values    quickselect in place: O(n) per rank, each later (higher) rank searching
 *                 only the part above the previous one
 *   many values   a histogram first: one pass counts the values into equal-width bins
 *                 between min and max; the rank's bin is where the running count passes it,
 *                 and only that bin's values are gathered and quickselected. A cold
 *                 /fleet/last_hour selects 120 ranks over 100,000 means: four sequential
 *                 passes each, instead of quickselect's swaps over the whole array.
 *
 * Binning is monotonic (floor((v − min) × scale) never decreases as v grows), so every
 * value of a lower bin is smaller than every value of a higher one: the answer is exact.
 */

/** From this many values on, a histogram narrows the search first. */
export const HISTOGRAM_FROM = 2_048;
const BINS = 4_096;
const counts = new Uint32Array(BINS);
let gathered = new Float64Array(0);

/** The values at ranks ⌈p/100 × n⌉ for each p of `percentiles` (ascending). May reorder `values`. */
export function nearestRank(values: Float64Array, percentiles: readonly number[]): number[] {
  const indexes = percentiles.map((p) => rankIndex(p, values.length));
  return values.length >= HISTOGRAM_FROM ? byHistogram(values, indexes) : byQuickselect(values, indexes);
}

/** The 0-based index of rank ⌈p/100 × n⌉. p × n is an integer, so the division is exact whenever the rank is a whole number. */
function rankIndex(p: number, n: number): number {
  return Math.max(1, Math.ceil((p * n) / 100)) - 1;
}

function byHistogram(values: Float64Array, indexes: number[]): number[] {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return indexes.map(() => min);
  const scale = BINS / (max - min);
  if (!Number.isFinite(scale) || scale === 0) return byQuickselect(values, indexes);
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.min(BINS - 1, Math.floor((values[i] - min) * scale))]++;
  return indexes.map((index) => {
    let bin = 0;
    let below = 0;
    while (below + counts[bin] <= index) below += counts[bin++];
    if (gathered.length < counts[bin]) gathered = new Float64Array(Math.max(counts[bin], gathered.length * 2));
    let held = 0;
    for (let i = 0; i < n; i++) {
      if (Math.min(BINS - 1, Math.floor((values[i] - min) * scale)) === bin) gathered[held++] = values[i];
    }
    const inBin = gathered.subarray(0, held);
    select(inBin, 0, held - 1, index - below);
    return inBin[index - below];
  });
}

function byQuickselect(values: Float64Array, indexes: number[]): number[] {
  const n = values.length;
  const found: number[] = [];
  let from = 0;
  for (const index of indexes) {
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
