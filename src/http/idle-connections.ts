/*
 * Keep-alive connections that never send their next request.
 *
 * node counts SERVERTRACK_HEADERS_TIMEOUT from the moment a connection opens or a request
 * starts, so a silent new connection gets its 408. Between two requests on a keep-alive
 * connection only keepAliveTimeout watches, and that is a socket timeout every byte resets:
 * the parser skips bare CRLFs between messages, so a client sending "\r\n" every few hundred
 * milliseconds holds the socket (and its file descriptor) for ever without starting a request.
 *
 * The guard closes a connection that has been between requests for longer than the client's
 * whole allowance (keepAliveTimeout to start the next request, headersTimeout to finish its
 * headers), whatever bytes it sent meanwhile:
 *
 *   socket[IDLE_SINCE_MS]   0 while a request is in progress or was started since the last sweep,
 *                           else when a sweep first saw the socket between requests
 *
 * A request marks its socket busy as it is constructed (markRequestStarted, called by the
 * server's request class), one property store and no allocation. One timer sweeps every
 * open connection, so per request there is no timer and no listener.
 */
import { Server } from 'node:http';
import { Socket } from 'node:net';
import { MS_PER_SECOND } from '../store/time';

const IDLE_SINCE_MS = Symbol('idleSinceMs');
/** Sweeps per headers timeout: a cut comes at most this fraction of it late. */
const SWEEPS_PER_HEADERS_TIMEOUT = 4;

type GuardedSocket = Socket & {
  [IDLE_SINCE_MS]?: number;
  /** node's response in progress on this socket (private, stable since node 0.x). */
  _httpMessage?: unknown;
};

export interface IdleAllowance {
  headersTimeoutSec: number;
  keepAliveTimeoutSec: number;
}

/** Called for every request as node constructs it. */
export function markRequestStarted(socket: Socket): void {
  (socket as GuardedSocket)[IDLE_SINCE_MS] = 0;
}

/** Starts guarding `server`'s connections; returns the function that stops the guard. */
export function guardIdleConnections(server: Server, allowance: IdleAllowance, nowMs: () => number = Date.now): () => void {
  const allowanceMs = (allowance.keepAliveTimeoutSec + allowance.headersTimeoutSec) * MS_PER_SECOND;
  const sockets = new Set<GuardedSocket>();
  server.on('connection', (socket: GuardedSocket) => {
    socket[IDLE_SINCE_MS] = 0;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const sweep = (): void => {
    const now = nowMs();
    for (const socket of sockets) {
      if (socket._httpMessage)
        socket[IDLE_SINCE_MS] = 0; // null or undefined when no response is under way
      else if (socket[IDLE_SINCE_MS] === 0) socket[IDLE_SINCE_MS] = now;
      else if (now - (socket[IDLE_SINCE_MS] ?? now) > allowanceMs) socket.destroy();
    }
  };
  const sweeper = setInterval(sweep, Math.max(10, (allowance.headersTimeoutSec * MS_PER_SECOND) / SWEEPS_PER_HEADERS_TIMEOUT));
  sweeper.unref();
  return () => clearInterval(sweeper);
}
