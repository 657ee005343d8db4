/*
 * At most SERVERTRACK_MAX_CONNECTIONS sockets open at once, and a rate-limited warning when
 * connections are refused.
 */
import { Server } from 'node:http';
import { Logger } from '../logger';
import { Clock, SECONDS_PER_MINUTE } from '../store/time';

/**
 * Open connections at once (SERVERTRACK_MAX_CONNECTIONS). Each holds a file descriptor; node
 * raises its soft open-file limit to the hard one at start (often 1,048,576, sometimes only
 * 4,096 or 20,000 in containers), and the store, Redis and snapshots need a few more. 10,000
 * is far more than a fleet of agents and dashboards keeps open, and well under common limits.
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

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
