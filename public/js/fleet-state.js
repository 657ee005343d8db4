// The fleet view's state, kept in the URL hash (#/?match=web-*&status=stale&sort=-cpuload...)
// so a view can be bookmarked and shared, and its translation into API queries.

/** Host rows on one page: the DOM never holds more, whatever the fleet's size. */
export const PAGE_SIZE = 100;

/** Columns people sort by, and the API sort key behind each. */
export const SORT_COLUMNS = ['host', 'status', 'cpuload', 'memload', 'last_seen'];

/** What the CPU and memory columns show: the newest sample, or the last hour's mean. */
export const VALUE_SOURCES = ['newest', 'last_hour'];

const DEFAULTS = { match: '', staleOnly: false, sort: 'host', descending: false, values: 'newest', page: 1, cursor: '' };

/** The state a `#/?...` hash describes; anything unknown or malformed falls back to its default. */
export function parseFleetHash(hash) {
  const query = new URLSearchParams(hash.replace(/^#\/?\??/, ''));
  const sortParam = query.get('sort') ?? '';
  const sort = sortParam.replace(/^-/, '');
  const page = Number(query.get('page'));
  const cursor = query.get('cursor') ?? '';
  return {
    match: (query.get('match') ?? '').trim(),
    staleOnly: query.get('status') === 'stale',
    sort: SORT_COLUMNS.includes(sort) ? sort : DEFAULTS.sort,
    descending: SORT_COLUMNS.includes(sort) && sortParam.startsWith('-'),
    values: VALUE_SOURCES.includes(query.get('values')) ? query.get('values') : DEFAULTS.values,
    // A page number means nothing without the cursor that starts it.
    page: cursor !== '' && Number.isInteger(page) && page > 1 ? page : 1,
    cursor: cursor !== '' && Number.isInteger(page) && page > 1 ? cursor : '',
  };
}

/** The hash for `state`, naming only what differs from the defaults, so a plain view is `#/`. */
export function fleetHash(state) {
  const query = new URLSearchParams();
  if (state.match !== '') query.set('match', state.match);
  if (state.staleOnly) query.set('status', 'stale');
  if (state.sort !== DEFAULTS.sort || state.descending) query.set('sort', `${state.descending ? '-' : ''}${state.sort}`);
  if (state.values !== DEFAULTS.values) query.set('values', state.values);
  if (state.page > 1 && state.cursor !== '') {
    query.set('page', String(state.page));
    query.set('cursor', state.cursor);
  }
  const text = query.toString();
  return text === '' ? '#/' : `#/?${text}`;
}

/**
 * The globs of the search box: several may be given, separated by spaces or commas (host
 * names hold neither), and a host matching any of them is listed, as the API's repeated `match` does.
 */
export function searchGlobs(match) {
  return match.split(/[\s,]+/).filter((glob) => glob !== '');
}

function withGlobs(query, state) {
  for (const glob of searchGlobs(state.match)) query.append('match', glob);
  return query;
}

/**
 * The API sort key. Status has no key of its own: a host is stale when its newest sample is
 * old, so live-first is newest-sample-first, which is last_seen descending.
 */
function apiSort(state) {
  if (state.sort === 'status') return state.descending ? 'last_seen' : '-last_seen';
  return `${state.descending ? '-' : ''}${state.sort}`;
}

/** GET /perf for the page of hosts the state shows. */
export function listPath(state) {
  const query = withGlobs(new URLSearchParams(), state);
  if (state.staleOnly) query.set('status', 'stale');
  if (state.values === 'last_hour') query.set('window', 'last_hour');
  query.set('sort', apiSort(state));
  query.set('limit', String(PAGE_SIZE));
  if (state.cursor !== '') query.set('cursor', state.cursor);
  return `/perf?${query}`;
}

/** GET /perf that only counts (X-Total-Count) the hosts of the search with `status`, or all hosts when `search` is false. */
export function countPath(state, status, search = true) {
  const query = search ? withGlobs(new URLSearchParams(), state) : new URLSearchParams();
  if (status !== 'all') query.set('status', status);
  query.set('limit', '1');
  return `/perf?${query}`;
}

/** GET /fleet/last_hour for the search: the panel's chart follows the search box, not the stale toggle. */
export function fleetPath(state) {
  const query = withGlobs(new URLSearchParams(), state);
  query.set('fill', 'true');
  return `/fleet/last_hour?${query}`;
}
