/*
 * helmet's headers on every response (nosniff, frame and CSP rules, ...), a defence that
 * belongs to no single route.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's default headers. Each of them is the same on every response, so they are read
 * once from helmet itself and then set by a single loop: the same policy, kept up to date
 * by helmet, in less time than helmet's chain of a dozen middlewares takes (measured by
 * npm run bench:security-headers).
 */
export function securityHeaders(): RequestHandler {
  const probe = new ServerResponse(new IncomingMessage(new Socket()));
  // Without upgrade-insecure-requests: over plain HTTP at a network address (npm start on a
  // server) it turns every script and style of the dashboard into a failing https:// request.
  // Browsers exempt localhost from it, so it only breaks where people actually look.
  const helmetDefaults = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  helmetDefaults(probe as never, probe as never, () => undefined);
  const headers = Object.entries(probe.getHeaders()).map(([name, value]) => [name, String(value)] as const);
  return (_req, res, next) => {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    next();
  };
}
