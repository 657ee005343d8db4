/*
 * Defences that belong to no single route:
 *
 *   securityHeaders()       helmet's headers on every response (nosniff, frame and CSP rules, ...)
 *   serverTimeoutOptions()  node:http timeouts, so a slow or silent client cannot hold a socket
 *   clientErrorHandler()    a JSON answer for requests node rejects before express sees them
 *                           (malformed, headers over 16 KiB, too slow)
 *   capConnections()        at most SERVERTRACK_MAX_CONNECTIONS sockets open at once
 *   openApiWarning()        one line at start when anyone on the network may use the API
 */
import { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { Socket, isIPv4 } from 'node:net';
import { Duplex } from 'node:stream';
import { RequestHandler } from 'express';
import helmet from 'helmet';
import { Logger } from '../logger';
import { Clock, MS_PER_SECOND, SECONDS_PER_MINUTE } from '../store/time';

/**
 * Open connections at once (SERVERTRACK_MAX_CONNECTIONS). Each holds a file descriptor; node
 * raises its soft open-file limit to the hard one at start (often 1,048,576, sometimes only
 * 4,096 or 20,000 in containers), and the store, Redis and snapshots need a few more. 10,000
 * is far more than a fleet of agents and dashboards keeps open, and well under common limits.
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

/** node's own header limit (--max-http-header-size), named in the 431 message. */
const MAX_HEADER_KIB = 16;

export interface ServerTimeouts {
  headersTimeoutSec: number; // the request line and all headers must arrive within this
  requestTimeoutSec: number; // the whole request, body included, must arrive within this
  keepAliveTimeoutSec: number; // an idle keep-alive connection is closed after this
}

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

/**
 * Options for http.createServer. node checks the headers and request timeouts on a timer
 * (every 30 s by default), so a timeout could fire up to 30 s late; checking every quarter
 * of the headers timeout (at most every second) keeps them close to what is configured.
 */
export function serverTimeoutOptions(timeouts: ServerTimeouts): ServerOptions {
  const headersTimeoutMs = timeouts.headersTimeoutSec * MS_PER_SECOND;
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutSec * MS_PER_SECOND,
    keepAliveTimeout: timeouts.keepAliveTimeoutSec * MS_PER_SECOND,
    connectionsCheckingInterval: Math.max(10, Math.min(MS_PER_SECOND, Math.floor(headersTimeoutMs / 4))),
  };
}

interface ClientErrorAnswer {
  status: number;
  reason: string;
  message: string;
}

function answerFor(code: string | undefined, timeouts: ServerTimeouts): ClientErrorAnswer {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', message: `request headers exceed the ${MAX_HEADER_KIB} KiB limit` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        message: `request too slow: headers must arrive within ${timeouts.headersTimeoutSec} s and the whole request within ${timeouts.requestTimeoutSec} s`,
      };
    default:
      return { status: 400, reason: 'Bad Request', message: 'malformed HTTP request' };
  }
}

/**
 * Replaces node's bare "400 Bad Request" (no body) with the JSON every other error gets.
 * The parser's own message is left out on purpose: it quotes the offending bytes.
 */
export function clientErrorHandler(timeouts: ServerTimeouts): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err, socket) => {
    // A response already under way cannot be replaced; a reset socket has nobody to answer.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const { status, reason, message } = answerFor(err.code, timeouts);
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}

/**
 * Caps open connections: each holds a file descriptor, and a server out of them can accept
 * nothing, not even /healthz. node closes a connection past the cap as soon as it is accepted.
 * A flood would log one line per refused connection, so a warning is logged at most once a
 * minute, with the count refused since the last one.
 */
export function capConnections(server: Server, maxConnections: number, logger: Logger, clock: Clock): void {
  server.maxConnections = maxConnections;
  let refused = 0;
  let lastWarnedSec = -Infinity;
  server.on('drop', () => {
    refused++;
    const nowSec = clock();
    if (nowSec - lastWarnedSec < SECONDS_PER_MINUTE) return;
    logger.warn({ refused, maxConnections }, `refused connections: ${maxConnections} are open (SERVERTRACK_MAX_CONNECTIONS)`);
    lastWarnedSec = nowSec;
    refused = 0;
  });
}

/** Whether only this machine can reach `host`: 127.0.0.0/8, ::1 (also IPv4-mapped) or localhost. */
export function isLoopbackAddress(host: string): boolean {
  const address = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost' || address === '::1' || address === '0:0:0:0:0:0:0:1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * The warning for a server anyone on the network may write to, read and DELETE from (no token,
 * a non-loopback address such as the default 0.0.0.0), or undefined when there is nothing to say.
 */
export function openApiWarning(host: string, tokenCount: number): string | undefined {
  if (tokenCount > 0 || isLoopbackAddress(host)) return undefined;
  return (
    `listening on ${host} with no token: anyone who can reach this port can record samples, read them and DELETE hosts; ` +
    'set SERVERTRACK_TOKEN (and SERVERTRACK_INGEST_TOKEN, SERVERTRACK_READ_TOKEN), or HOST=127.0.0.1 to listen on this machine only'
  );
}
