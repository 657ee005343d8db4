/*
 * Bearer-token auth (RFC 6750) in front of every path under /perf and /metrics, with three
 * kinds of token, each a comma-separated list of its own variable:
 *
 *   SERVERTRACK_TOKEN          full     everything, DELETE included
 *   SERVERTRACK_INGEST_TOKEN   ingest   POST (record samples) and nothing else
 *   SERVERTRACK_READ_TOKEN     read     GET and HEAD (reports, listings, /metrics)
 *
 * A token listed in two variables has both scopes. OPTIONS needs a valid token of any scope.
 * createApp installs it only when at least one token is configured, so an open server pays
 * nothing for it. A refused request never reaches a route and changes nothing: no token or a
 * wrong one gets 401 with a WWW-Authenticate challenge, a valid token outside its scope 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestHandler } from 'express';
import { HttpError } from './errors';

/** Mount paths the token guards; each covers itself and everything below it. */
export const PROTECTED_PATHS = ['/perf', '/fleet', '/metrics'];

const CHALLENGE = 'Bearer realm="servertrack"';
// RFC 6750 §3.1: an error code only once the client has tried a bearer token.
const INVALID_TOKEN_CHALLENGE = `${CHALLENGE}, error="invalid_token"`;

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function isBearerToken(text: string): boolean {
  return B64TOKEN.test(text);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The configured tokens of each kind; any list may be empty. */
export interface ScopedTokens {
  full: readonly string[];
  ingest: readonly string[];
  read: readonly string[];
}

type Scope = 'read' | 'ingest' | 'full';

// Scopes as bits, so what a token grants is one number and checking it allocates nothing.
export const SCOPE_BITS: Readonly<Record<Scope, number>> = { read: 1, ingest: 2, full: 4 };
const EVERY_SCOPE = SCOPE_BITS.read | SCOPE_BITS.ingest | SCOPE_BITS.full;

export function hasTokens(tokens: ScopedTokens): boolean {
  return tokens.full.length + tokens.ingest.length + tokens.read.length > 0;
}

/**
 * Each distinct token with every scope it was given: a full token grants every scope, and a
 * token listed as ingest and as read grants both.
 */
function grantsByToken(tokens: ScopedTokens): Map<string, number> {
  const grants = new Map<string, number>();
  const grant = (list: readonly string[], bits: number): void => {
    for (const token of list) grants.set(token, (grants.get(token) ?? 0) | bits);
  };
  grant(tokens.full, EVERY_SCOPE);
  grant(tokens.ingest, SCOPE_BITS.ingest);
  grant(tokens.read, SCOPE_BITS.read);
  return grants;
}

/**
 * What a presented token grants, as scope bits: 0 when it is none of the configured ones.
 * Both sides are hashed first, so timingSafeEqual always compares 32 bytes and the time taken
 * says nothing about a token's length or how much of it matched; every configured token is
 * compared on every call.
 */
export function tokenMatcher(tokens: ScopedTokens): (presented: string) => number {
  const grants = grantsByToken(tokens);
  const digests = [...grants.keys()].map(sha256);
  const bits = Uint8Array.from(grants.values());
  return (presented) => {
    const digest = sha256(presented);
    let granted = 0;
    for (let i = 0; i < digests.length; i++) {
      if (timingSafeEqual(digests[i], digest)) granted |= bits[i];
    }
    return granted;
  };
}

/** The scope a request needs, by method alone: routes under /perf and /metrics follow it. */
export function scopeNeeded(method: string): number {
  if (method === 'POST') return SCOPE_BITS.ingest;
  if (method === 'GET' || method === 'HEAD') return SCOPE_BITS.read;
  // OPTIONS only lists methods: any valid token may ask.
  if (method === 'OPTIONS') return EVERY_SCOPE;
  return SCOPE_BITS.full;
}

function refuse(message: string, challenge: string): HttpError {
  return new HttpError(401, message, { 'WWW-Authenticate': challenge });
}

/** 403 naming the scope the token lacks; RFC 6750 §3.1 names it in the challenge too. */
function forbid(needed: number, method: string): HttpError {
  const [scope, message] =
    needed === SCOPE_BITS.ingest
      ? ['ingest', 'this token may not record samples: it lacks the ingest scope']
      : needed === SCOPE_BITS.read
        ? ['read', 'this token may not read reports, host listings or metrics: it lacks the read scope']
        : ['full', `this token may not use ${method}: it lacks the full scope`];
  return new HttpError(403, message, { 'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scope}"` });
}

/**
 * Why `authorization` does not grant `method`, or undefined when it does. `grantsOf` tells
 * what a token grants (tokenMatcher).
 */
export function authFailure(
  authorization: string | undefined,
  grantsOf: (presented: string) => number,
  method: string,
): HttpError | undefined {
  if (authorization === undefined || authorization === '') {
    return refuse('Authorization: Bearer <token> is required', CHALLENGE);
  }
  const space = authorization.indexOf(' ');
  const scheme = space === -1 ? authorization : authorization.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    return refuse('Authorization must use the Bearer scheme', CHALLENGE);
  }
  const token = space === -1 ? '' : authorization.slice(space + 1).trimStart();
  if (token === '') return refuse('Authorization: Bearer carries no token', INVALID_TOKEN_CHALLENGE);
  const granted = grantsOf(token);
  if (granted === 0) return refuse('bearer token is not valid', INVALID_TOKEN_CHALLENGE);
  const needed = scopeNeeded(method);
  if ((granted & needed) === 0) return forbid(needed, method);
  return undefined;
}

/** Middleware admitting only requests that carry a token whose scope covers their method. */
export function bearerAuth(tokens: ScopedTokens): RequestHandler {
  if (!hasTokens(tokens)) throw new Error('bearerAuth needs at least one token');
  const grantsOf = tokenMatcher(tokens);
  return (req, _res, next) => {
    next(authFailure(req.headers.authorization, grantsOf, req.method));
  };
}
