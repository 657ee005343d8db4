// The fleet panel above the table: live and stale counts and the last hour of the fleet
// (pooled means over the p50-p90 band of host means) for the current search.
import { setText } from './format.js';

// Imported without waiting: uPlot is compiled and run while the first API answers are on
// their way, instead of before the page may send them.
const chartsModule = import('./charts.js');

const liveCount = document.getElementById('live-count');
const staleCount = document.getElementById('stale-count');
const scope = document.getElementById('panel-scope');
const figure = document.getElementById('fleet-chart');
const plot = figure.querySelector('.plot');

let chart = null;

function plotWidth() {
  return Math.max(280, plot.clientWidth);
}

// uPlot draws to a fixed-size canvas, so it follows the page width by hand.
new ResizeObserver(() => chart?.setSize({ width: plotWidth(), height: 220 })).observe(plot);

/**
 * Shows the counts and the chart. `intervals` is null when the search is invalid: the chart
 * then keeps nothing from an earlier search.
 */
export async function showFleetPanel({ live, stale, match, intervals }) {
  const { P50_P90, bandChart, countSampled, toColumns } = await chartsModule;
  setText(liveCount, live.toLocaleString());
  setText(staleCount, stale.toLocaleString());
  setText(scope, match === '' ? 'all hosts' : `hosts matching “${match}”`);
  if (chart === null) chart = bandChart(plot, plotWidth(), P50_P90);
  chart.setData(toColumns(intervals ?? [], P50_P90));
  figure.dataset.samples = String(countSampled(intervals ?? []));
}
