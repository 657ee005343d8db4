// uPlot charts: the host view's mean lines with min-max bands, and the fleet's sparklines.
import uPlot from '/vendor/uplot/uPlot.esm.js';

export const CPU_COLOUR = '#1d4ed8';
export const MEMORY_COLOUR = '#b45309';
const CPU_BAND = 'rgba(29, 78, 216, 0.16)';
const MEMORY_BAND = 'rgba(180, 83, 9, 0.16)';
const NO_LINE = 'rgba(0, 0, 0, 0)';

/**
 * Report intervals to uPlot's columns: x (epoch seconds), then CPU mean, min, max and memory
 * mean, min, max. Empty intervals stay null, and uPlot leaves a gap for them.
 */
export function toColumns(intervals) {
  const columns = [[], [], [], [], [], [], []];
  for (const i of intervals) {
    columns[0].push(Date.parse(i.time) / 1000);
    columns[1].push(i.cpuload);
    columns[2].push(i.cpuload_min);
    columns[3].push(i.cpuload_max);
    columns[4].push(i.memload);
    columns[5].push(i.memload_min);
    columns[6].push(i.memload_max);
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

/** A chart of one report: CPU and memory means over their min-max bands. */
export function bandChart(container, width) {
  return new uPlot(
    {
      width,
      height: 220,
      scales: { x: { time: true }, y: PERCENT_SCALE },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t} %`), size: 56 }],
      series: [
        {},
        meanSeries('CPU', CPU_COLOUR),
        edgeSeries('CPU min'),
        edgeSeries('CPU max'),
        meanSeries('Memory', MEMORY_COLOUR),
        edgeSeries('Memory min'),
        edgeSeries('Memory max'),
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

/** A small last-hour chart of CPU and memory means for the fleet table; no axes, no legend. */
export function sparkline(container) {
  const thin = (colour) => ({ stroke: colour, width: 1.5, points: { show: false, size: 4, fill: colour, filter: isolatedPoints } });
  return new uPlot(
    {
      width: 160,
      height: 36,
      class: 'sparkline',
      cursor: { show: false },
      legend: { show: false },
      scales: { x: { time: true }, y: PERCENT_SCALE },
      axes: [{ show: false }, { show: false }],
      series: [{}, thin(CPU_COLOUR), thin(MEMORY_COLOUR)],
    },
    [[], [], []],
    container,
  );
}

/** Sparkline columns: x, CPU mean, memory mean. */
export function toSparkColumns(intervals) {
  const columns = toColumns(intervals);
  return [columns[0], columns[1], columns[4]];
}

/** How many intervals hold samples; the chart's figure carries it for tests and tools. */
export function countSampled(intervals) {
  return intervals.filter((i) => i.samples > 0).length;
}
