// uPlot charts: mean lines over shaded bands, for a host's reports (min-max) and the fleet (p50-p90).
import uPlot from '/vendor/uplot/uPlot.esm.js';

export const CPU_COLOUR = '#1d4ed8';
export const MEMORY_COLOUR = '#b45309';
const CPU_BAND = 'rgba(29, 78, 216, 0.16)';
const MEMORY_BAND = 'rgba(180, 83, 9, 0.16)';
const NO_LINE = 'rgba(0, 0, 0, 0)';

/** A host report's band: from the lowest to the highest sample of each interval. */
export const MIN_MAX = { low: 'min', high: 'max' };
/** The fleet's band: from the median to the 90th percentile of the host means of each interval. */
export const P50_P90 = { low: 'p50', high: 'p90' };

/**
 * Report or fleet intervals to uPlot's columns: x (epoch seconds), then CPU mean, band low,
 * band high and memory mean, low, high. Empty intervals stay null, and uPlot leaves a gap.
 */
export function toColumns(intervals, band = MIN_MAX) {
  const columns = [[], [], [], [], [], [], []];
  for (const i of intervals) {
    columns[0].push(Date.parse(i.time) / 1000);
    columns[1].push(i.cpuload);
    columns[2].push(i[`cpuload_${band.low}`]);
    columns[3].push(i[`cpuload_${band.high}`]);
    columns[4].push(i.memload);
    columns[5].push(i[`memload_${band.low}`]);
    columns[6].push(i[`memload_${band.high}`]);
  }
  return columns;
}

/** Indices of values with no neighbour: a line cannot show them, so they get a dot. */
function isolatedPoints(u, seriesIndex) {
  const values = u.data[seriesIndex];
  const isolated = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null) isolated.push(i);
  }
  return isolated;
}

function percentValue(_u, value) {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} %`;
}

function meanSeries(label, colour) {
  return { label, stroke: colour, width: 2, value: percentValue, points: { show: false, size: 6, fill: colour, filter: isolatedPoints } };
}

function edgeSeries(label) {
  return { label, stroke: NO_LINE, width: 0, value: percentValue, points: { show: false } };
}

const PERCENT_SCALE = { range: [0, 100] };

/** A chart of CPU and memory means over their bands (`band` names the band's edges in the legend). */
export function bandChart(container, width, band = MIN_MAX) {
  return new uPlot(
    {
      width,
      height: 220,
      scales: { x: { time: true }, y: PERCENT_SCALE },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t} %`), size: 56 }],
      series: [
        {},
        meanSeries('CPU', CPU_COLOUR),
        edgeSeries(`CPU ${band.low}`),
        edgeSeries(`CPU ${band.high}`),
        meanSeries('Memory', MEMORY_COLOUR),
        edgeSeries(`Memory ${band.low}`),
        edgeSeries(`Memory ${band.high}`),
      ],
      bands: [
        { series: [3, 2], fill: CPU_BAND },
        { series: [6, 5], fill: MEMORY_BAND },
      ],
    },
    [[], [], [], [], [], [], []],
    container,
  );
}

/** How many intervals hold samples; the chart's figure carries it for tests and tools. */
export function countSampled(intervals) {
  return intervals.filter((i) => i.samples > 0).length;
}
