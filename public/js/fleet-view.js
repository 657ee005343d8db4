// The fleet: the panel, then one page of hosts (at most PAGE_SIZE rows in the DOM), searched,
// filtered and sorted by the API. Rows are kept by host and updated in place on every refresh.
import { getJson, nextCursor, totalCount } from './api.js';
import { showFleetPanel } from './fleet-panel.js';
import { PAGE_SIZE, countPath, fleetHash, fleetPath, listPath, parseFleetHash } from './fleet-state.js';
import { epochSec, formatAge, formatPercent, setText } from './format.js';

// Long enough to let someone finish typing a glob, short enough to feel immediate.
const SEARCH_DELAY_MS = 300;
/** The direction a column sorts in when first clicked: names A to Z, live first, busiest and newest first. */
const FIRST_DESCENDING = { host: false, status: false, cpuload: true, memload: true, last_seen: true };

const section = document.getElementById('fleet-view');
const empty = document.getElementById('fleet-empty');
const content = document.getElementById('fleet-content');
const panel = document.getElementById('fleet-panel');
const search = document.getElementById('fleet-search');
const staleOnly = document.getElementById('fleet-stale-only');
const values = document.getElementById('fleet-values');
const searchError = document.getElementById('search-error');
const count = document.getElementById('fleet-count');
const tableElement = document.getElementById('fleet-table');
const caption = document.getElementById('fleet-caption');
const tbody = tableElement.querySelector('tbody');
const noMatch = document.getElementById('fleet-no-match');
const pager = document.getElementById('fleet-pager');
const pageRange = document.getElementById('page-range');
const buttons = {
  first: document.getElementById('page-first'),
  previous: document.getElementById('page-previous'),
  next: document.getElementById('page-next'),
};

let state = parseFleetHash('#/');
/** The cursors that start the pages seen of the current query: pageCursors[p - 1] starts page p. */
let pageCursors = [''];
let pagedQuery = '';
let nextPageCursor = null;
let searchTimer = null;
/** host name → { row, link, cells } for the rows on this page. */
const rows = new Map();

/** Moves to a new state through the hash, so Back, bookmarks and shared links all work. */
function navigate(changes, { replace = false } = {}) {
  const hash = fleetHash({ ...state, ...changes });
  if (hash === location.hash || (hash === '#/' && location.hash === '')) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function firstPage() {
  return { page: 1, cursor: '' };
}

search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  // Typing replaces the history entry: Back leaves the search, not each keystroke.
  searchTimer = setTimeout(() => navigate({ match: search.value.trim(), ...firstPage() }, { replace: true }), SEARCH_DELAY_MS);
});
document.getElementById('fleet-controls').addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(searchTimer);
  navigate({ match: search.value.trim(), ...firstPage() }, { replace: true });
});
staleOnly.addEventListener('change', () => navigate({ staleOnly: staleOnly.checked, ...firstPage() }));
values.addEventListener('change', () => navigate({ values: values.value, ...firstPage() }));
for (const th of tableElement.querySelectorAll('th[data-sort]')) {
  th.querySelector('button').addEventListener('click', () => {
    const sort = th.dataset.sort;
    const descending = sort === state.sort ? !state.descending : FIRST_DESCENDING[sort];
    navigate({ sort, descending, ...firstPage() });
  });
}
buttons.first.addEventListener('click', () => navigate(firstPage()));
buttons.previous.addEventListener('click', () => {
  const cursor = state.page === 2 ? '' : pageCursors[state.page - 2];
  // Opened from a shared link on page 5, the cursors of pages 2 to 4 are unknown: start again.
  navigate(cursor === undefined ? firstPage() : { page: state.page - 1, cursor });
});
buttons.next.addEventListener('click', () => {
  if (nextPageCursor === null) return;
  pageCursors[state.page] = nextPageCursor;
  navigate({ page: state.page + 1, cursor: nextPageCursor });
});

function showControls() {
  if (document.activeElement !== search && search.value.trim() !== state.match) search.value = state.match;
  staleOnly.checked = state.staleOnly;
  values.value = state.values;
  for (const th of tableElement.querySelectorAll('th[data-sort]')) {
    if (th.dataset.sort === state.sort) th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
  }
  const source = state.values === 'last_hour' ? 'last-hour mean' : 'newest';
  for (const span of tableElement.querySelectorAll('thead .source')) setText(span, source);
  setText(
    caption,
    `CPU and memory: ${state.values === 'last_hour' ? 'the mean of the last hour' : 'the newest sample'}. ` +
      'A host is stale when its newest sample is older than the server’s SERVERTRACK_STALE_AFTER. Refreshed every 5 seconds.',
  );
}

function createRow(host) {
  const row = document.createElement('tr');
  row.dataset.host = host;
  const name = document.createElement('th');
  name.scope = 'row';
  const link = document.createElement('a');
  link.href = `#/host/${encodeURIComponent(host)}`;
  // Long names are cut with an ellipsis (CSS); the title shows the whole name on hover.
  link.title = host;
  link.textContent = host;
  name.append(link);
  const cell = (className) => {
    const td = document.createElement('td');
    td.className = className;
    return td;
  };
  const cells = { status: cell('status'), cpu: cell('number cpu'), memory: cell('number memory'), seen: cell('seen') };
  cells.time = document.createElement('time');
  cells.seen.append(cells.time);
  row.append(name, cells.status, cells.cpu, cells.memory, cells.seen);
  return { row, cells };
}

function updateRow({ row, cells }, entry, serverNowSec) {
  const stale = entry.status === 'stale';
  row.classList.toggle('stale', stale);
  setText(cells.status, entry.status);
  const loads = state.values === 'last_hour' ? (entry.last_hour ?? { cpuload: null, memload: null }) : entry;
  setText(cells.cpu, formatPercent(loads.cpuload));
  setText(cells.memory, formatPercent(loads.memload));
  setText(cells.time, formatAge(serverNowSec - epochSec(entry.last_seen)));
  if (cells.time.dateTime !== entry.last_seen) {
    cells.time.dateTime = entry.last_seen;
    cells.time.title = new Date(entry.last_seen).toLocaleString();
  }
}

/** Shows this page's hosts in the server's order, keeping the rows of hosts that stay. */
function showRows(entries, serverNowSec) {
  const kept = new Set();
  let previous = null;
  for (const entry of entries) {
    kept.add(entry.host);
    let known = rows.get(entry.host);
    if (known === undefined) {
      known = createRow(entry.host);
      rows.set(entry.host, known);
    }
    updateRow(known, entry, serverNowSec);
    const expected = previous ? previous.nextSibling : tbody.firstChild;
    if (known.row !== expected) tbody.insertBefore(known.row, expected);
    previous = known.row;
  }
  for (const [host, { row }] of rows) {
    if (kept.has(host)) continue;
    row.remove();
    rows.delete(host);
  }
}

function noMatchText() {
  if (state.match === '') return 'No host is stale.';
  return `No ${state.staleOnly ? 'stale host' : 'host'} matches “${state.match}”.`;
}

/** A 2xx answer, or an error that says which request got what. */
function expectOk(answer, what) {
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw new Error(`${what} answered HTTP ${answer.status}: ${answer.body?.error ?? 'no reason given'}`);
}

function plural(n, noun) {
  return `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}

/** M, every host tracked: without a search the list and the other status's count make it up. */
function hostsTracked(shown, list, other, all) {
  if (all !== null) return totalCount(expectOk(all, 'GET /perf').headers);
  const listed = totalCount(expectOk(list, 'GET /perf').headers);
  return shown.staleOnly ? listed + totalCount(expectOk(other, 'GET /perf').headers) : listed;
}

export const fleetView = {
  show(hash) {
    state = parseFleetHash(hash);
    const query = fleetHash({ ...state, ...firstPage() });
    if (query !== pagedQuery) {
      pagedQuery = query;
      pageCursors = [''];
      if (state.page > 1) pageCursors[state.page - 1] = state.cursor;
    }
    section.hidden = false;
    document.title = 'ServerTrack: hosts';
    showControls();
  },

  hide() {
    section.hidden = true;
  },

  async refresh() {
    const shown = state;
    // All at once, the list first; the table is shown as soon as the list and the count are
    // in, without waiting for the fleet chart, the costliest of them for the server.
    // The list's X-Total-Count counts one status (or both), so one more count gives the other.
    const otherStatus = shown.staleOnly ? 'live' : 'stale';
    const tableAnswers = Promise.all([
      getJson(listPath(shown)),
      getJson(countPath(shown, otherStatus)),
      shown.match === '' ? null : getJson(countPath(shown, 'all', false)),
    ]);
    const chart = getJson(fleetPath(shown));
    chart.catch(() => undefined); // awaited below; this only keeps an early failure above from leaving it unhandled
    const [list, other, all] = await tableAnswers;
    if (shown !== state) return; // the user moved on while this was loading
    // A cursor from an older link (or server) no longer applies: start the query again.
    if (list.status === 400 && shown.cursor !== '' && /cursor/.test(list.body?.error ?? '')) {
      navigate(firstPage(), { replace: true });
      return;
    }
    const fleetSize = hostsTracked(shown, list, other, all);
    empty.hidden = fleetSize > 0;
    content.hidden = fleetSize === 0;
    if (fleetSize === 0) return;

    // An invalid search: the API's message names the glob and what is wrong with it.
    const invalidSearch = list.status === 400 && shown.match !== '';
    searchError.hidden = !invalidSearch;
    panel.hidden = invalidSearch;
    if (invalidSearch) {
      setText(searchError, `Search not understood: ${list.body.error}`);
      showRows([], list.serverNowSec);
      for (const element of [count, tableElement, noMatch, pager]) element.hidden = true;
      return;
    }

    expectOk(list, 'GET /perf');
    const matching = totalCount(list.headers);
    const otherCount = totalCount(expectOk(other, 'GET /perf').headers);
    // Hosts may turn stale between the two counts: never show a negative count.
    const live = shown.staleOnly ? otherCount : Math.max(0, matching - otherCount);
    const stale = shown.staleOnly ? matching : otherCount;
    count.hidden = false;
    setText(count, `${matching.toLocaleString()} of ${plural(fleetSize, 'host')}`);
    showRows(list.body, list.serverNowSec);
    tableElement.hidden = list.body.length === 0;
    noMatch.hidden = matching > 0;
    setText(noMatch, noMatchText());

    nextPageCursor = nextCursor(list.headers);
    pager.hidden = matching <= PAGE_SIZE && shown.page === 1;
    const from = (shown.page - 1) * PAGE_SIZE + 1;
    setText(pageRange, list.body.length === 0 ? '' : `${from.toLocaleString()}–${(from + list.body.length - 1).toLocaleString()}`);
    buttons.first.disabled = shown.page === 1;
    buttons.previous.disabled = shown.page === 1;
    buttons.next.disabled = nextPageCursor === null;

    const fleet = await chart;
    if (shown !== state) return;
    await showFleetPanel({
      live,
      stale,
      match: shown.match,
      intervals: expectOk(fleet, 'GET /fleet/last_hour').body,
    });
  },
};
