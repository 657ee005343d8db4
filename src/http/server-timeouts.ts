/*
 * node:http timeouts, so a slow or silent client cannot hold a socket for ever.
 */
import { ServerOptions } from 'node:http';
import { MS_PER_SECOND } from '../store/time';

export interface ServerTimeouts {
  headersTimeoutSec: number; // the request line and all headers must arrive within this
  requestTimeoutSec: number; // the whole request, body included, must arrive within this
  keepAliveTimeoutSec: number; // an idle keep-alive connection is closed after this
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
