/*
 * The node:http server for an Express app, built so Express's per-request set-up costs
 * nothing. Express's init middleware calls Object.setPrototypeOf(req, app.request) and
 * (res, app.response) on every request. Changing an object's prototype gives it a new
 * hidden class, and every later property access on req and res (body-parser, the router,
 * res.status, res.end) then runs through slow, megamorphic lookups. Here node constructs
 * requests and responses whose prototypes already are app.request / app.response, so
 * V8 sees setPrototypeOf with the same prototype and returns at once: same hidden class,
 * same fast paths. Every route, parser and error middleware of the app stays as it is.
 * Each request also marks its socket busy for the idle-connection guard (idle-connections.ts).
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Express } from 'express';
import { markRequestStarted } from './idle-connections';

type RequestClass = typeof IncomingMessage;
type ResponseClass = typeof ServerResponse<IncomingMessage>;

/** A constructor building `IncomingMessage`s whose prototype is `app.request`. */
function requestClassFor(app: Express): RequestClass {
  function AppRequest(this: IncomingMessage, socket: Socket): void {
    (IncomingMessage as unknown as (this: IncomingMessage, socket: Socket) => void).call(this, socket);
    markRequestStarted(socket);
  }
  AppRequest.prototype = app.request;
  return AppRequest as unknown as RequestClass;
}

/** A constructor building `ServerResponse`s whose prototype is `app.response`. */
function responseClassFor(app: Express): ResponseClass {
  function AppResponse(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  AppResponse.prototype = app.response;
  return AppResponse as unknown as ResponseClass;
}

/** Like http.createServer(options, app), minus the per-request prototype swap. Does not listen. */
export function createHttpServer(app: Express, options: http.ServerOptions = {}): http.Server {
  return http.createServer({ ...options, IncomingMessage: requestClassFor(app), ServerResponse: responseClassFor(app) }, app);
}
