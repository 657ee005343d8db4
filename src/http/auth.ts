/*
 * Bearer-token auth (RFC 6750) in front of every path under /perf and /metrics.
 *
 *   Authorization: Bearer <token>     token = one of SERVERTRACK_TOKEN's comma-separated list
 *
 * createApp installs it only when at least one token is configured, so an open server pays
 * nothing for it. A refused request never reaches a route: it is answered 401 with a
 * WWW-Authenticate challenge and changes nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestHandler } from 'express';
import { HttpError } from './errors';

/** Mount paths the token guards; each covers itself and everything below it. */
export const PROTECTED_PATHS = ['/perf', '/metrics'];

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

/**
 * A test for a presented token against the configured ones. Both sides are hashed first, so
 * timingSafeEqual always compares 32 bytes and the time taken says nothing about a token's
 * length or how much of it matched; every configured token is compared on every call.
 */
export function tokenMatcher(tokens: readonly string[]): (presented: string) => boolean {
  const digests = tokens.map(sha256);
  return (presented) => {
    const digest = sha256(presented);
    let matched = false;
    for (const expected of digests) {
      if (timingSafeEqual(expected, digest)) matched = true;
    }
    return matched;
  };
}

function refuse(message: string, challenge: string): HttpError {
  return new HttpError(401, message, { 'WWW-Authenticate': challenge });
}

/** Why `authorization` does not grant access, or undefined when it does. */
export function authFailure(authorization: string | undefined, matches: (presented: string) => boolean): HttpError | undefined {
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
  if (!matches(token)) return refuse('bearer token is not valid', INVALID_TOKEN_CHALLENGE);
  return undefined;
}

/** Middleware admitting only requests that carry one of `tokens`. */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  if (tokens.length === 0) throw new Error('bearerAuth needs at least one token');
  const matches = tokenMatcher(tokens);
  return (req, _res, next) => {
    next(authFailure(req.headers.authorization, matches));
  };
}
