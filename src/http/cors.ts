/*
 * CORS, opt in with SERVERTRACK_CORS_ORIGINS, so a page served from elsewhere (a Grafana
 * panel, an internal portal) can call the API from the browser:
 *
 *   unset                      no CORS middleware at all: browsers keep other origins out
 *   *                          any origin
 *   https://a.example,...      exactly these origins
 *
 * The cors package answers preflights (204, before auth: a browser's preflight never carries
 * the token) and sets Vary: Origin for a list. Credentials (cookies, TLS client certificates)
 * are never allowed: the API authenticates with an Authorization header, which a script
 * sends without credentials mode, and `*` with credentials would let any site act for a user.
 */
import cors from 'cors';
import { RequestHandler } from 'express';

const ANY_ORIGIN = '*';

/** How long a browser may cache a preflight answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SEC = 600;

const FORM = 'scheme://host[:port] such as https://grafana.example.com, or *';

function originError(name: string, entry: string, detail: string): Error {
  return new Error(`${name} entry '${entry}' is not an origin: ${detail}`);
}

/** One entry: `*` or an origin exactly as a browser sends it in its Origin header. */
function checkOrigin(name: string, entry: string): string {
  if (entry === ANY_ORIGIN) return entry;
  let origin = 'null';
  try {
    origin = new URL(entry).origin;
  } catch {
    // reported below
  }
  if (origin === 'null' || !/^https?:/.test(origin)) throw originError(name, entry, `write ${FORM}`);
  // The cors package compares strings: a trailing slash, a path or an upper-case host would never match.
  if (origin !== entry) throw originError(name, entry, `write it as ${origin} (no path, lower case, no default port)`);
  return entry;
}

/** Parses SERVERTRACK_CORS_ORIGINS: unset for none, `*`, or a comma-separated list of origins. */
export function parseCorsOrigins(raw: string | undefined, name = 'SERVERTRACK_CORS_ORIGINS'): string[] {
  if (raw === undefined) return [];
  if (raw.trim() === '') throw new Error(`${name} is set but empty: unset it to allow no other origin, or give * or a list of origins`);
  const origins = raw.split(',').map((entry) => checkOrigin(name, entry.trim()));
  if (origins.includes(ANY_ORIGIN) && origins.length > 1) throw new Error(`${name}: * already allows every origin; give it alone`);
  return origins;
}

/** The CORS middleware for `origins` (non-empty: with none, createApp registers nothing). */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) throw new Error('corsPolicy needs at least one origin');
  return cors({
    origin: origins[0] === ANY_ORIGIN ? ANY_ORIGIN : [...origins],
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
    // Scripts may read why a request was refused, when to retry, and how to page through GET /perf.
    exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Total-Count', 'Link'],
    maxAge: PREFLIGHT_MAX_AGE_SEC,
  });
}
