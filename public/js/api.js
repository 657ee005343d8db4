// Reads the JSON API with the saved token; a 401 or 403 asks for a token and tries again.
import { askForToken, authHeaders, savedToken } from './token.js';

// A server that accepts connections but never answers must still end in the unreachable state.
const REQUEST_TIMEOUT_MS = 10_000;

/** The server could not be reached, or answered with a server error. */
export class UnreachableError extends Error {
  constructor(detail) {
    super(`server unreachable (${detail})`);
    this.name = 'UnreachableError';
    this.detail = detail;
  }
}

/**
 * GET `path` as JSON. Resolves to { status, body, serverNowSec } for 2xx and 4xx answers,
 * where serverNowSec comes from the Date header, so "last seen" and staleness do not depend
 * on this computer's clock.
 */
export async function getJson(path) {
  for (;;) {
    const sentToken = savedToken();
    let response;
    try {
      response = await fetch(path, {
        headers: { Accept: 'application/json', ...authHeaders() },
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new UnreachableError(err.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : 'no connection');
    }
    // 401: no token or a wrong one. 403: a valid token that may not read (an ingest token).
    if (response.status === 401 || response.status === 403) {
      const why = response.status === 403 ? 'outOfScope' : sentToken === null ? 'missing' : 'rejected';
      // Another request may have got a new token while this one was in flight: just retry.
      if (sentToken === savedToken()) await askForToken(why);
      continue;
    }
    if (response.status >= 500) throw new UnreachableError(`HTTP ${response.status}`);
    const date = Date.parse(response.headers.get('Date') ?? '');
    let body;
    try {
      body = await response.json();
    } catch {
      throw new UnreachableError('the answer was not JSON');
    }
    return { status: response.status, body, serverNowSec: Number.isNaN(date) ? Date.now() / 1000 : date / 1000 };
  }
}

/** The path of one host's report, always with every interval so gaps show as gaps. */
export function reportPath(host, mode) {
  return `/perf/${encodeURIComponent(host)}/${mode}?fill=true`;
}
