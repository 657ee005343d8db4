// One host: its newest sample (GET /perf/{host}) and a chart per report mode, updated in
// place. It never reads the fleet: a host's page costs the same in a fleet of any size.
import { getJson, reportPath } from './api.js';
import { epochSec, formatAge, formatPercent, setText } from './format.js';

// Not awaited at load: uPlot compiles while the host's data is on its way (as in fleet-panel.js).
const chartsModule = import('./charts.js');

const section = document.getElementById('host-view');
const title = document.getElementById('host-title');
const missing = document.getElementById('host-missing');
const latest = document.getElementById('host-latest');
const figures = [...section.querySelectorAll('figure.chart')];

/** mode → uPlot, created on first data so it can take its container's width. */
const charts = new Map();
let currentHost = null;
/** Why the name in the address cannot be a host name, when it cannot; null when it may be. */
let unreadableName = null;

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
  section.classList.toggle('stale', summary.status === 'stale');
  setText(field('status'), summary.status);
  setText(field('cpuload'), formatPercent(summary.cpuload));
  setText(field('memload'), formatPercent(summary.memload));
  setText(field('last_seen'), `${formatAge(ageSec)} (${new Date(summary.last_seen).toLocaleString()})`);
}

function showMissing(text) {
  missing.hidden = false;
  setText(missing, text);
  latest.hidden = true;
  for (const figure of figures) figure.hidden = true;
}

function invalidNameText(host, reason) {
  return `“${host}” is not a valid host name: ${reason}.`;
}

export const hostView = {
  /** `encoded` is the name as the address holds it, percent-encoded. */
  show(encoded) {
    let host = encoded;
    unreadableName = null;
    try {
      host = decodeURIComponent(encoded);
    } catch {
      unreadableName = 'the address holds a broken %-escape';
    }
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
    if (unreadableName !== null) {
      showMissing(invalidNameText(host, unreadableName));
      return;
    }
    const [summary, ...reports] = await Promise.all([
      getJson(`/perf/${encodeURIComponent(host)}`),
      ...figures.map((figure) => getJson(reportPath(host, figure.dataset.mode))),
    ]);
    if (host !== currentHost) return; // the user moved on while this was loading
    if (summary.status === 400) {
      // The API's message says which rule the name breaks ("host must be 1-253 characters of ...").
      showMissing(invalidNameText(host, summary.body.error.replace(/, got .*$/s, '')));
      return;
    }
    if (summary.status === 404 || reports.some((r) => r.status === 404)) {
      showMissing(`No host named “${host}” is known: it never reported, was deleted, or has been silent for a day.`);
      return;
    }
    const failed = [summary, ...reports].find((r) => r.status !== 200);
    if (failed !== undefined) throw new Error(`a host read answered HTTP ${failed.status}: ${failed.body?.error ?? 'no reason given'}`);
    const { bandChart, countSampled, toColumns } = await chartsModule;
    if (host !== currentHost) return;
    missing.hidden = true;
    latest.hidden = false;
    showLatest(summary.body, summary.serverNowSec);
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
