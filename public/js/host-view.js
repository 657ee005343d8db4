// One host: its latest sample and a chart per report mode, updated in place.
import { getJson, reportPath } from './api.js';
import { bandChart, countSampled, toColumns } from './charts.js';
import { epochSec, formatAge, formatPercent, isStale, setText } from './format.js';

const section = document.getElementById('host-view');
const title = document.getElementById('host-title');
const missing = document.getElementById('host-missing');
const latest = document.getElementById('host-latest');
const figures = [...section.querySelectorAll('figure.chart')];

/** mode → uPlot, created on first data so it can take its container's width. */
const charts = new Map();
let currentHost = null;

function plotWidth(figure) {
  return Math.max(280, figure.querySelector('.plot').clientWidth);
}

// Charts follow the page width; uPlot draws to a fixed-size canvas, so resize it.
const resizer = new ResizeObserver(() => {
  for (const figure of figures) charts.get(figure.dataset.mode)?.setSize({ width: plotWidth(figure), height: 220 });
});

function field(name) {
  return latest.querySelector(`[data-field="${name}"]`);
}

function showLatest(summary, serverNowSec) {
  const ageSec = serverNowSec - epochSec(summary.last_seen);
  const stale = isStale(ageSec);
  section.classList.toggle('stale', stale);
  setText(field('status'), stale ? 'stale' : 'live');
  setText(field('cpuload'), formatPercent(summary.cpuload));
  setText(field('memload'), formatPercent(summary.memload));
  setText(field('last_seen'), `${formatAge(ageSec)} (${new Date(summary.last_seen).toLocaleString()})`);
}

function showMissing(host) {
  missing.hidden = false;
  setText(missing, `No host named “${host}” is known: it never reported, was deleted, or has been silent for a day.`);
  latest.hidden = true;
  for (const figure of figures) figure.hidden = true;
}

export const hostView = {
  show(host) {
    if (host !== currentHost) {
      for (const chart of charts.values()) chart.destroy();
      charts.clear();
      currentHost = host;
    }
    section.hidden = false;
    title.textContent = host;
    document.title = `ServerTrack: ${host}`;
    for (const figure of figures) resizer.observe(figure);
  },

  hide() {
    section.hidden = true;
    resizer.disconnect();
  },

  async refresh() {
    const host = currentHost;
    const [hosts, ...reports] = await Promise.all([
      getJson('/perf'),
      ...figures.map((figure) => getJson(reportPath(host, figure.dataset.mode))),
    ]);
    if (host !== currentHost) return; // the user moved on while this was loading
    const summary = hosts.body.find((h) => h.host === host.toLowerCase());
    if (summary === undefined || reports.some((r) => r.status !== 200)) {
      showMissing(host);
      return;
    }
    missing.hidden = true;
    latest.hidden = false;
    showLatest(summary, hosts.serverNowSec);
    figures.forEach((figure, i) => {
      figure.hidden = false;
      const mode = figure.dataset.mode;
      let chart = charts.get(mode);
      if (chart === undefined) {
        chart = bandChart(figure.querySelector('.plot'), plotWidth(figure));
        charts.set(mode, chart);
      }
      chart.setData(toColumns(reports[i].body));
      figure.dataset.samples = String(countSampled(reports[i].body));
    });
  },
};
