// The fleet: one table row per host, updated in place on every refresh.
import { getJson, reportPath } from './api.js';
import { sparkline, toSparkColumns } from './charts.js';
import { epochSec, formatAge, formatPercent, isStale, setText } from './format.js';

// Sparklines cost one request per host, so only rows on screen get them, a few at a time:
// a fleet of thousands costs as much per refresh as the twenty rows a screen shows.
const SPARKLINE_CONCURRENCY = 6;

const section = document.getElementById('fleet-view');
const table = document.getElementById('fleet-table');
const tbody = table.querySelector('tbody');
const empty = document.getElementById('fleet-empty');

/** host name → { row, cells, plot } */
const rows = new Map();
/** Hosts whose row is on screen. */
const onScreen = new Set();

const visibility = new IntersectionObserver((changes) => {
  const appeared = [];
  for (const change of changes) {
    const host = change.target.dataset.host;
    if (!change.isIntersecting) onScreen.delete(host);
    else if (!onScreen.has(host)) {
      onScreen.add(host);
      appeared.push(host);
    }
  }
  // A row scrolled into view gets its sparkline now, not at the next refresh. A failure here
  // is left to the next refresh, which shows it in the banner.
  if (appeared.length > 0) refreshSparklines(appeared).catch(() => undefined);
});

function hostLink(host) {
  return `#/host/${encodeURIComponent(host)}`;
}

function createRow(host) {
  const row = document.createElement('tr');
  row.dataset.host = host;
  const name = document.createElement('th');
  name.scope = 'row';
  const link = document.createElement('a');
  link.href = hostLink(host);
  link.textContent = host;
  name.append(link);
  const cell = (className) => {
    const td = document.createElement('td');
    td.className = className;
    return td;
  };
  const cells = {
    status: cell('status'),
    cpu: cell('number cpu'),
    memory: cell('number memory'),
    seen: cell('seen'),
    spark: cell('spark'),
  };
  const time = document.createElement('time');
  cells.seen.append(time);
  cells.time = time;
  row.append(name, cells.status, cells.cpu, cells.memory, cells.seen, cells.spark);
  return { row, cells, plot: null };
}

function updateRow(entry, summary, serverNowSec) {
  const ageSec = serverNowSec - epochSec(summary.last_seen);
  const stale = isStale(ageSec);
  entry.row.classList.toggle('stale', stale);
  setText(entry.cells.status, stale ? 'stale' : 'live');
  setText(entry.cells.cpu, formatPercent(summary.cpuload));
  setText(entry.cells.memory, formatPercent(summary.memload));
  setText(entry.cells.time, formatAge(ageSec));
  if (entry.cells.time.dateTime !== summary.last_seen) {
    entry.cells.time.dateTime = summary.last_seen;
    entry.cells.time.title = new Date(summary.last_seen).toLocaleString();
  }
}

/** Puts the rows in the server's order, moving only those out of place. */
function order(hosts) {
  let previous = null;
  for (const { host } of hosts) {
    const { row } = rows.get(host);
    const expected = previous ? previous.nextSibling : tbody.firstChild;
    if (row !== expected) tbody.insertBefore(row, expected);
    previous = row;
  }
}

async function refreshSparklines(hosts) {
  const queue = [...hosts];
  const worker = async () => {
    for (let host = queue.shift(); host !== undefined; host = queue.shift()) {
      const { status, body } = await getJson(reportPath(host, 'last_hour'));
      const entry = rows.get(host);
      if (status !== 200 || entry === undefined) continue; // forgotten meanwhile
      if (entry.plot === null) entry.plot = sparkline(entry.cells.spark);
      entry.plot.setData(toSparkColumns(body));
      entry.cells.spark.dataset.samples = String(body.filter((i) => i.samples > 0).length);
    }
  };
  await Promise.all(Array.from({ length: SPARKLINE_CONCURRENCY }, worker));
}

export const fleetView = {
  show() {
    section.hidden = false;
    document.title = 'ServerTrack: hosts';
  },

  hide() {
    section.hidden = true;
  },

  async refresh() {
    const { body: hosts, serverNowSec } = await getJson('/perf');
    const seen = new Set();
    for (const summary of hosts) {
      seen.add(summary.host);
      let entry = rows.get(summary.host);
      if (entry === undefined) {
        entry = createRow(summary.host);
        rows.set(summary.host, entry);
        visibility.observe(entry.row);
      }
      updateRow(entry, summary, serverNowSec);
    }
    for (const [host, entry] of rows) {
      if (seen.has(host)) continue;
      entry.plot?.destroy();
      visibility.unobserve(entry.row);
      entry.row.remove();
      rows.delete(host);
      onScreen.delete(host);
    }
    order(hosts);
    empty.hidden = hosts.length > 0;
    table.hidden = hosts.length === 0;
    await refreshSparklines(hosts.map((h) => h.host).filter((host) => onScreen.has(host)));
  },
};
