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
 * The server answered, but its store (Redis) did not: a 503 `store unavailable`. Told apart
 * from UnreachableError so the page does not send people looking for a server that is up.
 */
export class StoreUnavailableError extends Error {
  constructor() {
    super('store unavailable');
    this.name = 'StoreUnavailableError';
  }
}

/**
 * GET `path` as JSON. Resolves to { status, body, headers, serverNowSec } for 2xx and 4xx
 * answers, where serverNowSec comes from the Date header, so "last seen" does not depend on
 * this computer's clock.
 */
export async function getJson(path) {
  for (;;) {
    const sentToken = savedToken();
    let response;
    let text;
    try {
      response = await fetch(path, {
        headers: { Accept: 'application/json', ...authHeaders() },
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      // Read here, not by response.json(): a connection cut after the headers fails the body
      // read, and that is the server going away, not an answer that is not JSON.
      text = await response.text();
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
    const date = Date.parse(response.headers.get('Date') ?? '');
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new UnreachableError(response.status >= 500 ? `HTTP ${response.status}` : 'the answer was not JSON');
    }
    if (response.status === 503 && body?.error === 'store unavailable') throw new StoreUnavailableError();
    if (response.status >= 500) throw new UnreachableError(`HTTP ${response.status}`);
    return {
      status: response.status,
      body,
      headers: response.headers,
      serverNowSec: Number.isNaN(date) ? Date.now() / 1000 : date / 1000,
    };
  }
}

/** The `cursor` of a `Link: <...>; rel="next"` header (RFC 8288), or null when there is no next page. */
export function nextCursor(headers) {
  const link = headers.get('Link');
  if (link === null) return null;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel="?next"?\s*(;|$)/.test(match[2])) return new URL(match[1], location.origin).searchParams.get('cursor');
  }
  return null;
}

/** X-Total-Count as a number. */
export function totalCount(headers) {
  return Number(headers.get('X-Total-Count'));
}

/** The path of one host's report, always with every interval so gaps show as gaps. */
export function reportPath(host, mode) {
  return `/perf/${encodeURIComponent(host)}/${mode}?fill=true`;
}
